// Votes, posts and a channel's digest state on SQLite: a vote and its tally in one transaction; a channel's state in one statement.
import type { ChannelDigestState, DigestStateReader } from "../../digest/digest-state.js";
import { parseStoredPaper, type Paper, type PaperId } from "../../papers/paper.js";
import { channelKey } from "../../platform/channel-ref.js";
import type { Layout } from "../../platform/chat-platform.js";
import type { PaperPostHistory, PostKind, PostRecord, PostStore } from "../../votes/post-store.js";
import { overrides, type CastResult, type ChannelVote, type VoteStore } from "../../votes/vote-store.js";
import { postRow } from "./sqlite-schema.js";
import { settle, type Sql } from "./sql.js";

interface PostRow {
  slots: string;
  layout: Layout;
  kind: PostKind;
  posted_at: number;
  delivery: string | null;
}

/** One paper's posts in one channel per kind: counts and first/last from the index, the newest `recent` times. */
function paperHistory(sql: Sql, channel: string, paper: PaperId, recent: number): PaperPostHistory[] {
  const rows = sql.all<{ kind: PostKind; n: number; first: number; last: number; times: string }>(
    `SELECT kind, count(*) AS n, min(posted_at) AS first, max(posted_at) AS last,
       (SELECT json_group_array(t.posted_at) FROM (SELECT posted_at FROM paper_posts r
          WHERE r.channel=p.channel AND r.paper=p.paper AND r.kind=p.kind ORDER BY posted_at DESC LIMIT @recent) t) AS times
     FROM paper_posts p WHERE channel=@ch AND paper=@paper GROUP BY kind ORDER BY kind`,
    { ch: channel, paper, recent: Math.max(0, Math.trunc(recent)) },
  );
  return rows.map((r): PaperPostHistory => ({
    kind: r.kind,
    count: r.n,
    first: new Date(r.first),
    last: new Date(r.last),
    recent: (JSON.parse(r.times) as number[]).map((t) => new Date(t)),
  }));
}

export function createSqliteVotes(sql: Sql): VoteStore & PostStore & DigestStateReader {
  const count = (channel: string, paper: string): number =>
    sql.get<{ count: number }>(`SELECT count FROM tallies WHERE channel=? AND paper=?`, channel, paper)
      ?.count ?? 0;
  const anyOn = (channel: string, paper: string, user: string): boolean =>
    sql.get(
      `SELECT 1 FROM votes WHERE channel=? AND paper=? AND user=? AND on_=1 LIMIT 1`,
      channel,
      paper,
      user,
    ) !== undefined;

  function cast(vote: Parameters<VoteStore["cast"]>[0]): CastResult {
    const channel = channelKey(vote.channel);
    const { paperId: paper, userId: user, mark, on, at } = vote;
    if (vote.eventId !== undefined) {
      // A remembered id that has expired may be used again; a live one makes this a redelivery.
      const fresh = sql.run(
        `INSERT INTO events(id, expires) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET expires=excluded.expires WHERE events.expires <= ?`,
        `reaction|${vote.channel.platform}|${vote.eventId}`,
        Date.now() + vote.eventTtlMs,
        Date.now(),
      ).changes;
      if (fresh === 0) return { outcome: "duplicate", count: count(channel, paper) };
    }
    const previous = sql.get<{ on_: number; at: number }>(
      `SELECT on_, at FROM votes WHERE channel=? AND paper=? AND user=? AND mark=?`,
      channel,
      paper,
      user,
      mark,
    );
    if (previous && !overrides({ on: previous.on_ === 1, at: previous.at }, on, at))
      return { outcome: (previous.on_ === 1) === on ? "unchanged" : "stale", count: count(channel, paper) };
    const was = anyOn(channel, paper, user);
    sql.run(
      `INSERT INTO votes(channel, paper, user, mark, on_, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(channel, paper, user, mark) DO UPDATE SET on_=excluded.on_, at=excluded.at`,
      channel,
      paper,
      user,
      mark,
      on ? 1 : 0,
      at,
    );
    const is = on || anyOn(channel, paper, user);
    if (was === is) return { outcome: "unchanged", count: count(channel, paper) };
    if (is)
      sql.run(
        `INSERT INTO tallies(channel, paper, count, first_at, last_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT(channel, paper) DO UPDATE SET count=count+1, first_at=min(first_at, excluded.first_at), last_at=max(last_at, excluded.last_at)`,
        channel,
        paper,
        at,
        at,
      );
    else {
      sql.run(`UPDATE tallies SET count=count-1 WHERE channel=? AND paper=?`, channel, paper);
      sql.run(`DELETE FROM tallies WHERE channel=? AND paper=? AND count<=0`, channel, paper);
    }
    return { outcome: is ? "on" : "off", count: count(channel, paper) };
  }

  function digestState(
    channel: Parameters<DigestStateReader["digestState"]>[0],
    candidates: readonly PaperId[],
    likedSince: Date,
    now: Date,
  ): ChannelDigestState {
    const rows = sql.all<{
      k: "s" | "t" | "l";
      id: PaperId;
      v: number | null;
      doc: string | null;
      last: number | null;
    }>(
      `SELECT 's' AS k, paper AS id, NULL AS v, NULL AS doc, NULL AS last FROM seen
         WHERE channel=@ch AND expires > @now AND paper IN (SELECT value FROM json_each(@ids))
       UNION ALL
       SELECT 't', paper, count, NULL, NULL FROM tallies WHERE channel=@ch AND paper IN (SELECT value FROM json_each(@ids))
       UNION ALL
       SELECT 'l', t.paper, t.count, p.doc, t.last_at FROM tallies t JOIN papers p ON p.id = t.paper
         WHERE t.channel=@ch AND t.count > 0 AND t.last_at >= @since`,
      {
        ch: channelKey(channel),
        ids: JSON.stringify(candidates),
        now: now.getTime(),
        since: likedSince.getTime(),
      },
    );
    const seen = new Set<PaperId>();
    const tallies = new Map<PaperId, number>(candidates.map((id) => [id, 0] as const));
    const liked: { paper: Paper; votes: number; last: number }[] = [];
    for (const r of rows) {
      if (r.k === "s") seen.add(r.id);
      else if (r.k === "t") tallies.set(r.id, r.v ?? 0);
      else {
        const paper = parseStoredPaper(JSON.parse(r.doc ?? "null"));
        if (paper) liked.push({ paper, votes: r.v ?? 0, last: r.last ?? 0 });
      }
    }
    liked.sort((a, b) => b.votes - a.votes || b.last - a.last || (a.paper.id < b.paper.id ? -1 : 1));
    return { seen, tallies, liked: liked.map((l) => l.paper) };
  }

  return {
    cast: (vote) => settle(() => sql.transaction(() => cast(vote))),

    tallies: (channel, ids) =>
      settle(() => {
        const found = new Map(
          sql
            .all<{ paper: PaperId; count: number }>(
              `SELECT paper, count FROM tallies WHERE channel=? AND paper IN (SELECT value FROM json_each(?))`,
              channelKey(channel),
              JSON.stringify(ids),
            )
            .map((r) => [r.paper, r.count] as const),
        );
        return new Map(ids.map((id) => [id, found.get(id) ?? 0] as const));
      }),

    channelVotes: (channel, since) =>
      settle(() =>
        sql
          .all<{ paper: PaperId; count: number; first_at: number; last_at: number }>(
            `SELECT paper, count, first_at, last_at FROM tallies WHERE channel=? AND count > 0 AND last_at >= ?
             ORDER BY count DESC, last_at DESC, paper ASC`,
            channelKey(channel),
            since?.getTime() ?? Number.MIN_SAFE_INTEGER,
          )
          .map((r): ChannelVote => ({
            paperId: r.paper,
            votes: r.count,
            firstVotedAt: new Date(r.first_at),
            lastVotedAt: new Date(r.last_at),
          })),
      ),

    userVotes: (channel, userId) =>
      settle(
        () =>
          new Set(
            sql
              .all<{ paper: PaperId }>(
                `SELECT DISTINCT paper FROM votes WHERE user=? AND channel=? AND on_=1`,
                userId,
                channelKey(channel),
              )
              .map((r) => r.paper),
          ),
      ),

    userVotesInWorkspace: (platform, workspace, userId) =>
      settle(() => {
        const prefix = `${platform}:${workspace}:`;
        return sql
          .all<{ channel: string; paper: PaperId; at: number }>(
            `SELECT channel, paper, max(at) AS at FROM votes
             WHERE user=? AND channel >= ? AND channel < ? AND on_=1 GROUP BY channel, paper ORDER BY at DESC`,
            userId,
            prefix,
            `${prefix}\uffff`,
          )
          .map((r) => ({
            channel: { platform, workspace, channel: r.channel.slice(prefix.length) },
            paperId: r.paper,
            votedAt: new Date(r.at),
          }));
      }),

    record: (post) =>
      settle(() => {
        const r = postRow(post);
        sql.run(
          `INSERT INTO posts(channel, message, slots, layout, kind, posted_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(channel, message) DO UPDATE SET slots=excluded.slots, layout=excluded.layout, kind=excluded.kind, posted_at=excluded.posted_at`,
          r.c,
          r.m,
          r.s,
          r.l,
          r.n,
          r.at,
        );
      }),

    lookup: (ref) =>
      settle(() => {
        const row = sql.get<PostRow>(
          `SELECT slots, layout, kind, posted_at, delivery FROM posts WHERE channel=? AND message=?`,
          channelKey(ref.channel),
          ref.id,
        );
        if (row === undefined) return undefined;
        const post: PostRecord = {
          ref,
          slots: new Map(JSON.parse(row.slots) as [number, PaperId][]),
          layout: row.layout,
          kind: row.kind,
          postedAt: new Date(row.posted_at),
          ...(row.delivery !== null ? { delivery: row.delivery } : {}),
        };
        return post;
      }),

    paperHistory: (channel, paperId, recent) =>
      settle(() => paperHistory(sql, channelKey(channel), paperId, recent)),

    digestState: (channel, candidates, likedSince, now) =>
      settle(() => digestState(channel, candidates, likedSince, now)),
  };
}
