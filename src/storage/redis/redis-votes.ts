// Votes, posts and a channel's digest state on Redis: per-channel hashes and sorted sets; a vote and its tally in one script.
import type { ChannelDigestState, DigestStateReader } from "../../digest/digest-state.js";
import { parseStoredPaper, type Paper, type PaperId } from "../../papers/paper.js";
import { channelKey, type ChannelRef, type PlatformId } from "../../platform/channel-ref.js";
import type { Layout } from "../../platform/chat-platform.js";
import {
  POST_KINDS,
  type PaperPostHistory,
  type PostKind,
  type PostRecord,
  type PostStore,
} from "../../votes/post-store.js";
import type { CastResult, ChannelVote, UserVote, VoteStore } from "../../votes/vote-store.js";
import { postRow } from "../sqlite/sqlite-schema.js";
import { list, pairs, type RedisConnection, type Reply } from "./redis-connection.js";

const SEP = "\u001f";

/** "count|first|last" as stored in a channel's tally hash. */
function tally(text: string): { count: number; first: number; last: number } {
  const [count = "0", first = "0", last = "0"] = text.split("|");
  return { count: Number(count), first: Number(first), last: Number(last) };
}

export function createRedisVotes(redis: RedisConnection): VoteStore & PostStore & DigestStateReader {
  const P = redis.prefix;
  const userIndex = (platform: PlatformId, workspace: string, userId: string): string =>
    `${P}:vu:${platform}:${workspace}${SEP}${userId}`;

  async function userVotesInWorkspace(
    platform: PlatformId,
    workspace: string,
    userId: string,
  ): Promise<UserVote[]> {
    const reply = list(
      await redis.command(["ZRANGE", userIndex(platform, workspace, userId), 0, -1, "REV", "WITHSCORES"]),
    );
    const out: UserVote[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const [channel = "", paperId = ""] = String(reply[i]).split(SEP);
      out.push({
        channel: { platform, workspace, channel },
        paperId: paperId as PaperId,
        votedAt: new Date(Number(reply[i + 1])),
      });
    }
    return out;
  }

  return {
    async cast(vote): Promise<CastResult> {
      const { channel } = vote;
      const reply = list(
        await redis.script("CAST", [
          channelKey(channel),
          vote.paperId,
          vote.userId,
          vote.mark,
          vote.on ? 1 : 0,
          vote.at,
          vote.eventId === undefined ? "" : `reaction|${channel.platform}|${vote.eventId}`,
          vote.eventTtlMs,
          userIndex(channel.platform, channel.workspace, vote.userId),
          `${channel.channel}${SEP}${vote.paperId}`,
        ]),
      );
      return { outcome: String(reply[0]) as CastResult["outcome"], count: Number(reply[1] ?? 0) };
    },

    async tallies(channel, ids) {
      if (ids.length === 0) return new Map();
      const reply = list(await redis.command(["HMGET", `${P}:vt:${channelKey(channel)}`, ...ids]));
      return new Map(
        ids.map((id, i) => [id, typeof reply[i] === "string" ? tally(reply[i]).count : 0] as const),
      );
    },

    async channelVotes(channel, since) {
      const from = since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const found: ChannelVote[] = [];
      for (const [paperId, text] of pairs(
        await redis.command(["HGETALL", `${P}:vt:${channelKey(channel)}`]),
      )) {
        const t = tally(text);
        if (t.count <= 0 || t.last < from) continue;
        found.push({
          paperId: paperId as PaperId,
          votes: t.count,
          firstVotedAt: new Date(t.first),
          lastVotedAt: new Date(t.last),
        });
      }
      return found.sort(
        (a, b) =>
          b.votes - a.votes ||
          b.lastVotedAt.getTime() - a.lastVotedAt.getTime() ||
          a.paperId.localeCompare(b.paperId),
      );
    },

    async userVotes(channel: ChannelRef, userId: string) {
      const all = await userVotesInWorkspace(channel.platform, channel.workspace, userId);
      return new Set(all.filter((v) => v.channel.channel === channel.channel).map((v) => v.paperId));
    },

    userVotesInWorkspace,

    async record(post) {
      const row = postRow(post);
      await redis.script("RECORD_POST", [
        row.c,
        row.m,
        JSON.stringify({ slots: row.s, layout: row.l, kind: row.n, postedAt: row.at }),
      ]);
    },

    async paperHistory(channel, paperId, recent) {
      const n = Math.max(0, Math.trunc(recent));
      const reply = await redis.script("PAPER_HISTORY", [channelKey(channel), paperId, n, ...POST_KINDS]);
      const at = (pair: Reply): Date => new Date(Number(list(pair)[1]));
      return list(reply).map((entry): PaperPostHistory => {
        const [kind, count, first, last, times] = list(entry);
        const flat = list(times ?? []);
        const recentTimes: Date[] = [];
        for (let i = 1; i < flat.length; i += 2) recentTimes.push(new Date(Number(flat[i])));
        return {
          kind: String(kind) as PostKind,
          count: Number(count),
          first: at(first ?? []),
          last: at(last ?? []),
          recent: recentTimes,
        };
      });
    },

    async lookup(ref) {
      const doc = await redis.command(["HGET", `${P}:post:${channelKey(ref.channel)}`, ref.id]);
      if (typeof doc !== "string") return undefined;
      const stored = JSON.parse(doc) as {
        slots: string;
        layout: Layout;
        kind: PostKind;
        postedAt: number;
        delivery?: string;
      };
      const post: PostRecord = {
        ref,
        slots: new Map(JSON.parse(stored.slots) as [number, PaperId][]),
        layout: stored.layout,
        kind: stored.kind,
        postedAt: new Date(stored.postedAt),
        ...(stored.delivery !== undefined ? { delivery: stored.delivery } : {}),
      };
      return post;
    },

    async digestState(channel, candidates, likedSince, now): Promise<ChannelDigestState> {
      const [seenReply, talliesReply, likedIds, likedTallies, docs] = list(
        await redis.script("DIGEST_STATE", [
          channelKey(channel),
          now.getTime(),
          likedSince.getTime(),
          ...candidates,
        ]),
      ).map(list);
      const seen = new Set<PaperId>();
      const tallies = new Map<PaperId, number>();
      candidates.forEach((id, i) => {
        const score = seenReply?.[i];
        if (score !== null && score !== undefined && Number(score) > now.getTime()) seen.add(id);
        const t = talliesReply?.[i];
        tallies.set(id, typeof t === "string" ? tally(t).count : 0);
      });
      const liked: { paper: Paper; votes: number; last: number }[] = [];
      (likedIds ?? []).forEach((_id, i) => {
        const doc = docs?.[i];
        const paper = typeof doc === "string" ? parseStoredPaper(JSON.parse(doc)) : undefined;
        const t = tally(String(likedTallies?.[i] ?? ""));
        if (paper) liked.push({ paper, votes: t.count, last: t.last });
      });
      liked.sort((a, b) => b.votes - a.votes || b.last - a.last || (a.paper.id < b.paper.id ? -1 : 1));
      return { seen, tallies, liked: liked.map((l) => l.paper) };
    },
  };
}
