// The delivery ledger on SQLite: set-based statements over each tick's batch, one transaction per batch.
import type {
  ClaimAnswer,
  ClaimRequest,
  DeliveryPlan,
  DeliveryRecord,
  DeliveryState,
  DeliveryStore,
  FinishEffects,
} from "../../delivery/delivery-store.js";
import type { ChannelRef } from "../../platform/channel-ref.js";
import { channelKey } from "../../platform/channel-ref.js";
import type { Subscription } from "../../subscriptions/subscription.js";
import type { PostRecord } from "../../votes/post-store.js";
import { LEDGER_TTL_MS, postRow } from "./sqlite-schema.js";
import { createBatcher, settle, type Sql } from "./sql.js";

interface DeliveryRow {
  key: string;
  state: DeliveryState;
  token: string;
  at: number;
  claimed_at: number;
  handle: string;
  channel: string;
  subscription: string | null;
  period: string | null;
  posting: number | null;
  plan: string | null;
  summary: string | null;
  sent: string | null;
  sub: string | null;
}

const OPEN = "('claimed','posting')";
// In the batched statements the state test is written `+x.state IN …`: the unary plus keeps SQLite from scanning the
// partial index of open deliveries (10,000 rows while a big fan-out runs) instead of looking each key up.

/** A delivery row with its sent messages (from posts) and, when asked, its subscription's document. */
const RECORD_COLUMNS = `d.key, d.state, d.token, d.at, d.claimed_at, d.handle, d.channel, d.subscription, d.period, d.posting, d.plan, d.summary,
  (SELECT json_group_array(json_array(p.idx, p.message)) FROM posts p WHERE p.delivery = d.key) AS sent`;

function toRecord(row: DeliveryRow): DeliveryRecord {
  const sent = (JSON.parse(row.sent ?? "[]") as [number, string][])
    .map(([index, id]) => ({ index, id }))
    .sort((a, b) => a.index - b.index);
  return {
    key: row.key,
    state: row.state,
    token: row.token,
    at: row.at,
    claimedAt: row.claimed_at,
    handle: row.handle,
    channel: JSON.parse(row.channel) as ChannelRef,
    ...(row.subscription !== null ? { subscriptionId: row.subscription } : {}),
    ...(row.period !== null ? { periodKey: row.period } : {}),
    ...(row.posting !== null ? { posting: row.posting } : {}),
    sent,
    ...(row.plan !== null ? { plan: JSON.parse(row.plan) as DeliveryPlan } : {}),
    ...(row.summary !== null ? { summary: row.summary } : {}),
  };
}

/** Sets `$.<field>` of each named subscription's document (and drops its `$.retry`), in one statement. */
function setSubscriptionField(
  sql: Sql,
  field: "lastDelivered" | "paused",
  rows: readonly { readonly id: string; readonly value: unknown }[],
): void {
  if (rows.length === 0) return;
  sql.run(
    `UPDATE subscriptions SET doc = json_remove(json_set(doc, '$.${field}', json(j.value->>'v')), '$.retry')
     FROM json_each(?) j WHERE subscriptions.id = j.value->>'id'`,
    JSON.stringify(rows.map((r) => ({ id: r.id, v: JSON.stringify(r.value) }))),
  );
}

/** What finished deliveries change beside the ledger, in the same transaction: last delivered, paused, seen papers. */
function applyEffects(sql: Sql, effects: readonly FinishEffects[]): void {
  setSubscriptionField(
    sql,
    "lastDelivered",
    effects.flatMap(({ delivered: d }) =>
      d
        ? [
            {
              id: d.subscriptionId,
              value: {
                periodKey: d.periodKey,
                at: new Date(d.at).toISOString(),
                ...(d.dates ? { dates: d.dates } : {}),
              },
            },
          ]
        : [],
    ),
  );
  setSubscriptionField(
    sql,
    "paused",
    effects.flatMap(({ paused: p }) =>
      p
        ? [
            {
              id: p.subscriptionId,
              value: { reason: p.reason, hint: p.hint, at: new Date(p.at).toISOString() },
            },
          ]
        : [],
    ),
  );
  const seen = effects.flatMap((e) => (e.seen && e.seen.ids.length > 0 ? [e.seen] : []));
  if (seen.length > 0)
    sql.run(
      `INSERT INTO seen(channel, paper, expires)
       SELECT j.value->>'c', p.value, j.value->>'u' FROM json_each(?) j, json_each(j.value->'ids') p WHERE true
       ON CONFLICT(channel, paper) DO UPDATE SET expires=excluded.expires`,
      JSON.stringify(seen.map((s) => ({ c: channelKey(s.channel), ids: s.ids, u: s.until }))),
    );
}

/**
 * Takes an open delivery over from the token `r.takeOver` (compare-and-set; its handle and sent messages stay, so
 * the new run finds what the old one posted), or restarts a finished one (`r.restart`: a new handle, a fresh start).
 */
function takeOver(sql: Sql, ownerAlive: (token: string) => boolean, r: ClaimRequest): ClaimAnswer {
  return sql.transaction(() => {
    const expires = r.at + LEDGER_TTL_MS;
    const changed =
      r.restart === true
        ? sql.run(
            `UPDATE deliveries SET state='claimed', token=?, at=?, claimed_at=?, handle=?, posting=NULL, plan=NULL, summary=NULL, expires=?
             WHERE key=? AND state NOT IN ${OPEN}`,
            r.token,
            r.at,
            r.at,
            r.handle,
            expires,
            r.key,
          ).changes
        : sql.run(
            `UPDATE deliveries SET token=?, at=?, expires=? WHERE key=? AND token=? AND state IN ${OPEN}`,
            r.token,
            r.at,
            expires,
            r.key,
            r.takeOver ?? "",
          ).changes;
    // A restarted delivery starts with no sent messages: the old ones stay paperboy's posts, outside it.
    if (r.restart === true && changed > 0)
      sql.run(`UPDATE posts SET delivery=NULL, idx=NULL WHERE delivery=?`, r.key);
    const row = sql.get<DeliveryRow>(
      `SELECT ${RECORD_COLUMNS}, s.doc AS sub FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription WHERE d.key=?`,
      r.key,
    );
    if (row === undefined) throw new Error(`delivery ${r.key} is not in the ledger`);
    const subscription = row.sub === null ? {} : { subscription: JSON.parse(row.sub) as Subscription };
    const record = toRecord(row);
    return changed > 0
      ? { won: true, record, ...subscription }
      : { won: false, record, ownerAlive: ownerAlive(record.token), ...subscription };
  });
}

export function createSqliteDeliveries(sql: Sql, owner: string): DeliveryStore {
  const ownerAlive = (token: string): boolean => token.startsWith(`${owner}#`);

  const claimBatch = createBatcher(sql, (items: readonly ClaimRequest[]): ClaimAnswer[] => {
    const rows = JSON.stringify(
      items.map((r) => ({
        k: r.key,
        t: r.token,
        h: r.handle,
        c: JSON.stringify(r.channel),
        s: r.subscriptionId ?? null,
        p: r.periodKey ?? null,
        a: r.at,
        x: r.at + LEDGER_TTL_MS,
      })),
    );
    const won = new Set(
      sql
        .all<{ key: string }>(
          `INSERT INTO deliveries(key, state, token, at, claimed_at, handle, channel, subscription, period, expires)
           SELECT j.value->>'k', 'claimed', j.value->>'t', j.value->>'a', j.value->>'a', j.value->>'h', j.value->>'c', j.value->>'s', j.value->>'p', j.value->>'x'
           FROM json_each(?) j WHERE true
           ON CONFLICT(key) DO UPDATE SET state='claimed', token=excluded.token, at=excluded.at, claimed_at=excluded.claimed_at,
             handle=excluded.handle, channel=excluded.channel, subscription=excluded.subscription, period=excluded.period,
             posting=NULL, plan=NULL, summary=NULL, expires=excluded.expires
           WHERE deliveries.expires <= excluded.at
           RETURNING key`,
          rows,
        )
        .map((r) => r.key),
    );
    const found = new Map(
      sql
        .all<DeliveryRow>(
          `SELECT ${RECORD_COLUMNS}, s.doc AS sub FROM json_each(?) j
           JOIN deliveries d ON d.key = j.value->>'k' LEFT JOIN subscriptions s ON s.id = d.subscription`,
          rows,
        )
        .map((row) => [row.key, row] as const),
    );
    return items.map((r) => {
      const row = found.get(r.key);
      if (row === undefined) throw new Error(`delivery ${r.key} vanished while being claimed`);
      const subscription = row.sub === null ? undefined : (JSON.parse(row.sub) as Subscription);
      const record = toRecord(row);
      const base = subscription === undefined ? {} : { subscription };
      if (won.has(r.key) && record.token === r.token) return { won: true, record, ...base };
      return { won: false, record, ownerAlive: ownerAlive(record.token), ...base };
    });
  });

  const postingBatch = createBatcher(
    sql,
    (
      items: readonly {
        key: string;
        token: string;
        index: number;
        plan: DeliveryPlan | undefined;
        at: number;
      }[],
    ) => {
      const done = new Set(
        sql
          .all<{ key: string }>(
            `UPDATE deliveries SET state='posting', posting=j.value->>'i', plan=coalesce(j.value->>'p', plan), at=j.value->>'a'
             FROM json_each(?) j
             WHERE deliveries.key = j.value->>'k' AND deliveries.token = j.value->>'t' AND +deliveries.state IN ${OPEN}
             RETURNING key`,
            JSON.stringify(
              items.map((i) => ({
                k: i.key,
                t: i.token,
                i: i.index,
                p: i.plan === undefined ? null : JSON.stringify(i.plan),
                a: i.at,
              })),
            ),
          )
          .map((r) => r.key),
      );
      return items.map((i) => done.has(i.key));
    },
  );

  const sentBatch = createBatcher(
    sql,
    (items: readonly { key: string; token: string; index: number; post: PostRecord }[]) => {
      const done = new Set(
        sql
          .all<{ delivery: string }>(
            `INSERT INTO posts(channel, message, slots, layout, kind, posted_at, delivery, idx)
           SELECT j.value->>'c', j.value->>'m', j.value->>'s', j.value->>'l', j.value->>'n', j.value->>'at', j.value->>'k', j.value->>'i'
           FROM json_each(?) j JOIN deliveries d ON d.key = j.value->>'k' AND d.token = j.value->>'t' AND +d.state IN ${OPEN}
           WHERE true
           ON CONFLICT(channel, message) DO UPDATE SET slots=excluded.slots, layout=excluded.layout, kind=excluded.kind,
             posted_at=excluded.posted_at, delivery=excluded.delivery, idx=excluded.idx
           RETURNING delivery`,
            JSON.stringify(items.map((i) => ({ ...postRow(i.post), k: i.key, t: i.token, i: i.index }))),
          )
          .map((r) => r.delivery),
      );
      return items.map((i) => done.has(i.key));
    },
  );

  interface Finish {
    key: string;
    token: string;
    state: string;
    summary: string;
    at: number;
    effects: FinishEffects | undefined;
  }
  const finishBatch = createBatcher(sql, (items: readonly Finish[]) => {
    const done = new Set(
      sql
        .all<{ key: string }>(
          `UPDATE deliveries SET state=j.value->>'s', summary=j.value->>'m', at=j.value->>'a', posting=NULL, expires=j.value->>'x'
           FROM json_each(?) j
           WHERE deliveries.key = j.value->>'k' AND deliveries.token = j.value->>'t' AND +deliveries.state IN ${OPEN}
           RETURNING key`,
          JSON.stringify(
            items.map((i) => ({
              k: i.key,
              t: i.token,
              s: i.state,
              m: i.summary,
              a: i.at,
              x: i.at + LEDGER_TTL_MS,
            })),
          ),
        )
        .map((r) => r.key),
    );
    const finished = items.filter((i) => done.has(i.key));
    applyEffects(
      sql,
      finished.flatMap((i) => (i.effects ? [i.effects] : [])),
    );
    return items.map((i) => done.has(i.key));
  });

  return {
    claim: (request) =>
      request.takeOver !== undefined || request.restart === true
        ? settle(() => takeOver(sql, ownerAlive, request))
        : claimBatch(request),
    markPosting: (key, token, index, plan) => postingBatch({ key, token, index, plan, at: Date.now() }),
    recordSent: (key, token, index, post) => sentBatch({ key, token, index, post }),
    finish: (key, token, outcome, effects) => finishBatch({ key, token, ...outcome, effects }),
    // Only a claim with nothing sent can be given back: a sent message keeps its delivery open until finished.
    release: (key, token) =>
      settle(() => {
        sql.run(
          `DELETE FROM deliveries WHERE key=? AND token=? AND state IN ${OPEN} AND NOT EXISTS (SELECT 1 FROM posts WHERE delivery=?)`,
          key,
          token,
          key,
        );
      }),
    get: (key) =>
      settle(() => {
        const row = sql.get<DeliveryRow>(
          `SELECT ${RECORD_COLUMNS}, NULL AS sub FROM deliveries d WHERE d.key=?`,
          key,
        );
        return row === undefined ? undefined : toRecord(row);
      }),
    open: () =>
      settle(() =>
        sql
          .all<DeliveryRow>(
            `SELECT ${RECORD_COLUMNS}, NULL AS sub FROM deliveries d WHERE d.state IN ${OPEN}`,
          )
          .map((row) => ({ ...toRecord(row), ownerAlive: ownerAlive(row.token) })),
      ),
  };
}
