// Thread updates on SQLite: following, observing and taking updates, each one transaction.
import type { PaperId } from "../../papers/paper.js";
import { channelKey, parseChannelKey, type ChannelRef } from "../../platform/channel-ref.js";
import {
  eventId,
  FOLLOW_WINDOW_MS,
  type FollowedPaper,
  placeOf,
  type PaperPlace,
  type PendingUpdate,
  type UpdateEvent,
  type UpdateStore,
} from "../../updates/paper-update.js";
import { createBatcher, settle, type Sql } from "./sql.js";

interface FollowedRow {
  channel: string;
  code: number;
  upvotes: number;
  version: number;
  milestone: number;
}

/** The events a list's signals make of one followed paper's last seen state, and the state to keep. */
export function eventsFor(
  seen: {
    readonly code: boolean;
    readonly upvotes: number;
    readonly version: number;
    readonly milestone: number;
  },
  signals: { readonly repo?: string; readonly upvotes: number; readonly version: number },
): { events: UpdateEvent[]; code: boolean; upvotes: number; version: number } {
  const events: UpdateEvent[] = [];
  if (signals.repo !== undefined && !seen.code) events.push({ kind: "code", repo: signals.repo });
  if (signals.upvotes >= seen.milestone && seen.upvotes < seen.milestone)
    events.push({ kind: "upvotes", milestone: seen.milestone });
  // An unknown baseline version (0) learns the first version seen; only a later one is news.
  if (seen.version > 0 && signals.version > seen.version)
    events.push({ kind: "version", version: signals.version });
  return {
    events,
    code: seen.code || signals.repo !== undefined,
    upvotes: Math.max(seen.upvotes, signals.upvotes),
    version: Math.max(seen.version, signals.version),
  };
}

/** A followed paper as the positional JSON row the set-based insert reads. */
function followRow(f: FollowedPaper): readonly (string | number | PaperPlace | null)[] {
  return [
    f.paper,
    channelKey(f.channel),
    placeOf(f),
    f.hasCode ? 1 : 0,
    Math.max(0, Math.floor(f.upvotes)),
    Math.max(0, Math.floor(f.version)),
    Math.max(0, Math.floor(f.milestone)),
    f.week ?? null,
    f.postedAt,
  ];
}

export function createSqliteUpdates(sql: Sql): UpdateStore {
  const followBatch = createBatcher(sql, (items: readonly (readonly FollowedPaper[])[]) => {
    // jsonb_each: each row's fields are read from SQLite's binary JSON, not re-parsed from text per field.
    sql.run(
      `INSERT INTO followed(paper, channel, place, code, upvotes, version, milestone, week, at)
       SELECT j.value->>0, j.value->>1, json(j.value->2), j.value->>3, j.value->>4, j.value->>5, j.value->>6, j.value->>7,
         j.value->>8
       FROM jsonb_each(jsonb(?)) j WHERE true ON CONFLICT(paper, channel) DO NOTHING`,
      JSON.stringify(items.flat().map(followRow)),
    );
    return items.map(() => undefined);
  });
  return {
    // One set-based statement per tick: the papers of every delivery finishing in it are followed together.
    follow: (papers) => (papers.length === 0 ? Promise.resolve() : followBatch(papers)),

    observe: (signals, since, at) =>
      settle(() =>
        sql.transaction(() => {
          // Papers followed for twice the window are forgotten here, on the caller's clock (as Redis expires them).
          sql.run(`DELETE FROM followed WHERE at < ?`, since - FOLLOW_WINDOW_MS);
          sql.run(`DELETE FROM paper_updates WHERE at < ?`, since - FOLLOW_WINDOW_MS);
          let added = 0;
          for (const s of signals) {
            const rows = sql.all<FollowedRow>(
              `SELECT channel, code, upvotes, version, milestone FROM followed WHERE paper=? AND at >= ?`,
              s.id,
              since,
            );
            for (const row of rows) {
              const next = eventsFor({ ...row, code: row.code === 1 }, s);
              if (
                next.code !== (row.code === 1) ||
                next.upvotes !== row.upvotes ||
                next.version !== row.version
              )
                sql.run(
                  `UPDATE followed SET code=?, upvotes=?, version=? WHERE paper=? AND channel=?`,
                  next.code ? 1 : 0,
                  next.upvotes,
                  next.version,
                  s.id,
                  row.channel,
                );
              for (const event of next.events)
                added += sql.run(
                  `INSERT INTO paper_updates(channel, paper, event, doc, at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(channel, paper, event) DO NOTHING`,
                  row.channel,
                  s.id,
                  eventId(event),
                  JSON.stringify(event),
                  at,
                ).changes;
            }
          }
          return added;
        }),
      ),

    weeks: (since) =>
      settle(() =>
        sql
          .all<{ week: string }>(
            `SELECT DISTINCT week FROM followed WHERE at >= ? AND week IS NOT NULL ORDER BY week`,
            since,
          )
          .map((r) => r.week),
      ),

    pendingChannels: () =>
      settle(() =>
        sql
          .all<{ channel: string }>(`SELECT DISTINCT channel FROM paper_updates`)
          .flatMap((r) => parseChannelKey(r.channel) ?? []),
      ),

    take: (channel: ChannelRef, key: string) =>
      settle(() =>
        sql.transaction(() => {
          const ch = channelKey(channel);
          const rows = sql.all<{
            paper: PaperId;
            event: string;
            doc: string;
            at: number;
            taken: string | null;
            place: string | null;
            state: string | null;
          }>(
            `SELECT u.paper, u.event, u.doc, u.at, u.taken, f.place, d.state FROM paper_updates u
             LEFT JOIN followed f ON f.paper = u.paper AND f.channel = u.channel
             LEFT JOIN deliveries d ON d.key = u.taken
             WHERE u.channel=? ORDER BY u.at, u.paper, u.event`,
            ch,
          );
          const taken: PendingUpdate[] = [];
          for (const r of rows) {
            const free = r.taken === null || r.taken === key || r.state === null;
            if (free && r.place !== null) {
              if (r.taken !== key)
                sql.run(
                  `UPDATE paper_updates SET taken=? WHERE channel=? AND paper=? AND event=?`,
                  key,
                  ch,
                  r.paper,
                  r.event,
                );
              taken.push({
                place: JSON.parse(r.place) as PaperPlace,
                event: JSON.parse(r.doc) as UpdateEvent,
                at: r.at,
              });
            } else if (r.place === null || (r.state !== "claimed" && r.state !== "posting"))
              // Replied to by a finished delivery (or no longer followed): done.
              sql.run(
                `DELETE FROM paper_updates WHERE channel=? AND paper=? AND event=?`,
                ch,
                r.paper,
                r.event,
              );
          }
          return taken;
        }),
      ),
  };
}
