// Subscriptions and watches on SQLite: one row per document, indexed by channel, workspace and schedule group.
import { channelKey, type ChannelRef } from "../../platform/channel-ref.js";
import type { ScheduleGroup, SubscriptionStore } from "../../subscriptions/subscription-store.js";
import type { Subscription } from "../../subscriptions/subscription.js";
import { watchTopicKey, type Watch, type WatchStore } from "../../watches/watch.js";
import { settle, type Sql } from "./sql.js";

/** "<cron>\x1f<time zone>": the schedule group a subscription fires with. */
export function groupKey(group: ScheduleGroup): string {
  return `${group.cron}\u001f${group.timezone}`;
}

export function groupOf(key: string): ScheduleGroup {
  const [cron = "", timezone = "UTC"] = key.split("\u001f");
  return { cron, timezone };
}

const workspaceKey = (channel: ChannelRef): string => `${channel.platform}:${channel.workspace}`;
const docs = (rows: { doc: string }[]): Subscription[] => rows.map((r) => JSON.parse(r.doc) as Subscription);

export function createSqliteSubscriptions(sql: Sql): SubscriptionStore {
  /** Changes one subscription's document in place (json_set/json_remove), bumping the version. */
  const patch = (id: string, expression: string, ...params: (string | number)[]): void => {
    sql.transaction(() => {
      if (sql.run(`UPDATE subscriptions SET doc = ${expression} WHERE id=?`, ...params, id).changes > 0)
        bump();
    });
  };
  const bump = (): void => {
    sql.run(`INSERT INTO meta(key, value) VALUES ('subscriptions.version', '1')
             ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`);
  };
  return {
    get: (id) =>
      settle(() => {
        const row = sql.get<{ doc: string }>(`SELECT doc FROM subscriptions WHERE id=?`, id);
        return row === undefined ? undefined : (JSON.parse(row.doc) as Subscription);
      }),
    put: (s) =>
      settle(() => {
        sql.transaction(() => {
          sql.run(
            `INSERT INTO subscriptions(id, channel, workspace, grp, doc) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET channel=excluded.channel, workspace=excluded.workspace, grp=excluded.grp,
               doc = CASE WHEN json_type(subscriptions.doc, '$.lastDelivered') IS NULL THEN excluded.doc
                          ELSE json_set(excluded.doc, '$.lastDelivered', subscriptions.doc -> '$.lastDelivered') END`,
            s.id,
            channelKey(s.channel),
            workspaceKey(s.channel),
            groupKey(s),
            JSON.stringify(s),
          );
          bump();
        });
      }),
    delete: (id) =>
      settle(() =>
        sql.transaction(() => {
          const gone = sql.run(`DELETE FROM subscriptions WHERE id=?`, id).changes > 0;
          if (gone) bump();
          return gone;
        }),
      ),
    forChannel: (channel) =>
      settle(() =>
        docs(sql.all(`SELECT doc FROM subscriptions WHERE channel=? ORDER BY id`, channelKey(channel))),
      ),
    all: () => settle(() => docs(sql.all(`SELECT doc FROM subscriptions ORDER BY id`))),
    inGroup: (group) =>
      settle(() => docs(sql.all(`SELECT doc FROM subscriptions WHERE grp=? ORDER BY id`, groupKey(group)))),
    groups: () =>
      settle(() =>
        sql
          .all<{ grp: string }>(`SELECT DISTINCT grp FROM subscriptions ORDER BY grp`)
          .map((r) => groupOf(r.grp)),
      ),
    version: () =>
      settle(() =>
        Number(
          sql.get<{ value: string }>(`SELECT value FROM meta WHERE key='subscriptions.version'`)?.value ?? 0,
        ),
      ),
    pause: (id, reason, hint, at) =>
      settle(() => {
        patch(
          id,
          `json_remove(json_set(doc, '$.paused', json(?)), '$.retry')`,
          JSON.stringify({ reason, hint, at: at.toISOString() }),
        );
      }),
    markRetrying: (id, retry) =>
      settle(() => {
        if (retry === undefined) patch(id, `json_remove(doc, '$.retry')`);
        else patch(id, `json_set(doc, '$.retry', json(?))`, JSON.stringify(retry));
      }),
    forgetWorkspace: (platform, workspace) =>
      settle(() =>
        sql.transaction(() => {
          const ids = sql
            .all<{ id: string }>(
              `DELETE FROM subscriptions WHERE workspace=? RETURNING id`,
              `${platform}:${workspace}`,
            )
            .map((r) => r.id)
            .sort();
          if (ids.length > 0) bump();
          return ids;
        }),
      ),
  };
}

export function createSqliteWatches(sql: Sql): WatchStore {
  const list = (rows: { doc: string }[]): Watch[] => rows.map((r) => JSON.parse(r.doc) as Watch);
  return {
    put: (watch) =>
      settle(() => {
        sql.run(
          `INSERT INTO watches(channel, topic, doc) VALUES (?, ?, ?) ON CONFLICT(channel, topic) DO UPDATE SET doc=excluded.doc`,
          channelKey(watch.channel),
          watchTopicKey(watch.topic.text),
          JSON.stringify(watch),
        );
      }),
    remove: (channel, topicText) =>
      settle(
        () =>
          sql.run(
            `DELETE FROM watches WHERE channel=? AND topic=?`,
            channelKey(channel),
            watchTopicKey(topicText),
          ).changes > 0,
      ),
    forChannel: (channel) =>
      settle(() =>
        list(sql.all(`SELECT doc FROM watches WHERE channel=? ORDER BY topic`, channelKey(channel))),
      ),
    all: () => settle(() => list(sql.all(`SELECT doc FROM watches ORDER BY channel, topic`))),
  };
}
