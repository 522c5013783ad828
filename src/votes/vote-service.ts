// Reaction votes: maps a reaction to a posted paper and records it idempotently, with exact per-paper tallies.
import type { VoteResult } from "../app/paperboy.js";
import type { PaperId } from "../papers/paper.js";
import { channelKey, messageKey, type ChannelRef, type PlatformId } from "../platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI, emojiKey, normalizeUnicodeEmoji, type Emoji } from "../platform/emoji.js";
import type { ReactionChanged } from "../platform/events.js";
import type { Metrics } from "../shared/metrics.js";
import type { KeyValueNamespace } from "../storage/key-value.js";
import type { PostEntry, PostStore } from "./post-store.js";

/** How long a platform delivery id is remembered; Slack retries within minutes, so a day is ample. */
export const EVENT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

/** One paper's standing in a channel. */
export interface ChannelVote {
  readonly paperId: PaperId;
  readonly votes: number;
  readonly firstVotedAt: Date;
  readonly lastVotedAt: Date;
}

/** A paper one user voted for, somewhere in a workspace (Slack App Home). */
export interface UserVote {
  readonly channel: ChannelRef;
  readonly paperId: PaperId;
  readonly votedAt: Date;
}

export interface VoteService {
  /** Records one reaction; never throws for ordinary input (unknown message, foreign emoji, duplicates). */
  handleReaction(event: ReactionChanged): Promise<VoteResult>;
  /** Votes per paper in a channel: only papers with votes, or exactly `ids` (0 when none). */
  tally(channel: ChannelRef, ids?: readonly PaperId[]): Promise<Map<PaperId, number>>;
  /** Papers this user currently votes for in this channel. */
  userVotes(channel: ChannelRef, userId: string): Promise<Set<PaperId>>;
  /** Papers this user currently votes for in any channel of a workspace, newest first. */
  userVotesInWorkspace(platform: PlatformId, workspace: string, userId: string): Promise<UserVote[]>;
  /** The channel's voted papers (last vote at or after `since`), by votes then most recent vote. */
  channelVotes(channel: ChannelRef, since?: Date): Promise<ChannelVote[]>;
}

export interface VoteServiceDeps {
  readonly votes: KeyValueNamespace;
  /** Delivery ids already handled (with a TTL). */
  readonly events: KeyValueNamespace;
  readonly posts: PostStore;
  readonly now: () => Date;
  readonly metrics?: Metrics;
  /** The channel's vote emoji for cards, shares and alerts; defaults to 👍 🔥 ❤️ ⬆️. */
  readonly voteEmojiFor?: (channel: ChannelRef) => Promise<readonly string[]>;
}

/** One reaction (emoji on one message) by one user: on or off, and when that was last decided. */
interface VoteMark {
  readonly on: boolean;
  readonly at: number;
}

/** Stored per (channel, user, paper): every reaction that could vote for the paper. */
interface UserVoteRecord {
  readonly channel: ChannelRef;
  readonly paperId: PaperId;
  readonly userId: string;
  readonly marks: Readonly<Record<string, VoteMark>>;
}

/** Stored per (channel, paper): how many users vote for it; deleted when the count drops to 0. */
interface TallyRecord {
  readonly paperId: PaperId;
  readonly count: number;
  readonly firstVotedAt: number;
  readonly lastVotedAt: number;
}

type MarkOutcome = "stale" | "unchanged" | "on" | "off";

// Key layout (votes namespace), all prefixed by the channel so a channel is one prefix scan:
//   "<platform>:<workspace>:<channel>|u|<user>|<paper>"  UserVoteRecord
//   "<platform>:<workspace>:<channel>|t|<paper>"         TallyRecord
function channelPart(channel: ChannelRef): string {
  return `${channelKey(channel)}|`;
}
function userPart(userId: string): string {
  return encodeURIComponent(userId);
}
function userKey(channel: ChannelRef, userId: string, paperId: PaperId): string {
  return `${channelPart(channel)}u|${userPart(userId)}|${paperId}`;
}
function tallyKey(channel: ChannelRef, paperId: PaperId): string {
  return `${channelPart(channel)}t|${paperId}`;
}

function anyOn(record: UserVoteRecord | undefined): boolean {
  return record ? Object.values(record.marks).some((m) => m.on) : false;
}

/**
 * Does a change at `at` override the mark's stored state? An older event never overrides a newer
 * one (a late "added" cannot resurrect a removed vote); at a tie "removed" wins, so the end state
 * does not depend on delivery order.
 */
function overrides(previous: VoteMark, wantOn: boolean, at: number): boolean {
  if (at !== previous.at) return at > previous.at;
  return previous.on && !wantOn;
}

function ignored(reason: string): VoteResult {
  return { status: "ignored", reason };
}

/** Keycap slot N for compact digests and search answers; the vote emoji for a single-paper message. */
function votedPaper(
  post: PostEntry,
  emoji: Emoji,
  voteEmoji: readonly string[],
): { readonly paperId: PaperId } | { readonly reason: string } {
  const keycapsVote = post.layout === "compact" && (post.kind === "digest" || post.kind === "search");
  if (keycapsVote) {
    if (emoji.kind !== "keycap") return { reason: "not a vote emoji (compact posts vote with keycaps)" };
    const paperId = post.slots.get(emoji.number);
    return paperId ? { paperId } : { reason: `no paper in slot ${String(emoji.number)}` };
  }
  if (!isVoteEmoji(emoji, voteEmoji)) return { reason: "not one of the channel's vote emoji" };
  const paperId = post.slots.size === 1 ? [...post.slots.values()][0] : post.slots.get(1);
  return paperId ? { paperId } : { reason: "message holds no single paper" };
}

function isVoteEmoji(emoji: Emoji, voteEmoji: readonly string[]): boolean {
  switch (emoji.kind) {
    case "keycap":
      return false;
    case "unicode": {
      const value = normalizeUnicodeEmoji(emoji.value);
      return voteEmoji.some((v) => normalizeUnicodeEmoji(v) === value);
    }
    case "custom":
      return voteEmoji.some((v) => v === emoji.name || v === `:${emoji.name}:` || v === emoji.id);
  }
}

export function createVoteService(deps: VoteServiceDeps): VoteService {
  const voteEmojiFor = deps.voteEmojiFor ?? (() => Promise.resolve(DEFAULT_VOTE_EMOJI));

  async function currentCount(channel: ChannelRef, paperId: PaperId): Promise<number> {
    return (await deps.votes.get<TallyRecord>(tallyKey(channel, paperId)))?.count ?? 0;
  }

  async function record(event: ReactionChanged, post: PostEntry, paperId: PaperId): Promise<VoteResult> {
    const channel = post.ref.channel;
    const at = (event.at ?? deps.now()).getTime();
    const mark = `${emojiKey(event.emoji)}@${messageKey(event.message)}`;
    const wantOn = event.change === "added";

    // The transition is decided inside the atomic update; `fn` may run more than once (optimistic
    // retries), so the outcome is overwritten on every run and the committed run's value remains.
    const decided: { outcome: MarkOutcome } = { outcome: "unchanged" };
    await deps.votes.update<UserVoteRecord>(userKey(channel, event.userId, paperId), (current) => {
      const previous = current?.marks[mark];
      if (previous && !overrides(previous, wantOn, at)) {
        decided.outcome = previous.on === wantOn ? "unchanged" : "stale";
        return current;
      }
      const next: UserVoteRecord = {
        channel: { platform: channel.platform, workspace: channel.workspace, channel: channel.channel },
        paperId,
        userId: event.userId,
        marks: { ...(current?.marks ?? {}), [mark]: { on: wantOn, at } },
      };
      const was = anyOn(current);
      const is = anyOn(next);
      decided.outcome = was === is ? "unchanged" : is ? "on" : "off";
      return next;
    });

    const { outcome } = decided;
    if (outcome === "stale") return ignored("superseded by a later reaction change");
    if (outcome === "unchanged") return { status: "counted", paperId, votes: await currentCount(channel, paperId) };

    const delta = outcome === "on" ? 1 : -1;
    const tally = await deps.votes.update<TallyRecord>(tallyKey(channel, paperId), (current) => {
      const count = Math.max(0, (current?.count ?? 0) + delta);
      if (count === 0) return undefined;
      return {
        paperId,
        count,
        firstVotedAt: current ? Math.min(current.firstVotedAt, at) : at,
        lastVotedAt: current && delta < 0 ? current.lastVotedAt : Math.max(current?.lastVotedAt ?? at, at),
      };
    });
    deps.metrics?.vote(event.change, channel.platform);
    return { status: "counted", paperId, votes: tally?.count ?? 0 };
  }

  return {
    async handleReaction(event) {
      if (event.byBot) return ignored("reaction by a bot");
      const post = await deps.posts.lookup(event.message);
      if (!post) return ignored("not a paperboy post");
      const target = votedPaper(post, event.emoji, await voteEmojiFor(post.ref.channel));
      if ("reason" in target) return ignored(target.reason);
      const { paperId } = target;

      if (event.eventId !== undefined) {
        const claim = `reaction|${event.message.channel.platform}|${event.eventId}`;
        const first = await deps.events.setIfAbsent(claim, 1, EVENT_DEDUPE_TTL_MS);
        if (!first) return ignored("duplicate event");
        try {
          return await record(event, post, paperId);
        } catch (error) {
          // Let the platform's retry of this delivery run again rather than be taken for a duplicate.
          await deps.events.delete(claim).catch(() => false);
          throw error;
        }
      }
      return record(event, post, paperId);
    },

    async tally(channel, ids) {
      const result = new Map<PaperId, number>();
      if (ids) {
        const { votes } = deps;
        const records = votes.getMany
          ? await votes.getMany<TallyRecord>(ids.map((id) => tallyKey(channel, id)))
          : await Promise.all(ids.map((id) => votes.get<TallyRecord>(tallyKey(channel, id))));
        ids.forEach((id, i) => result.set(id, records[i]?.count ?? 0));
        return result;
      }
      for await (const [, t] of deps.votes.entries<TallyRecord>(`${channelPart(channel)}t|`)) {
        if (t.count > 0) result.set(t.paperId, t.count);
      }
      return result;
    },

    async userVotes(channel, userId) {
      const papers = new Set<PaperId>();
      const prefix = `${channelPart(channel)}u|${userPart(userId)}|`;
      for await (const [, r] of deps.votes.entries<UserVoteRecord>(prefix)) if (anyOn(r)) papers.add(r.paperId);
      return papers;
    },

    async userVotesInWorkspace(platform, workspace, userId) {
      const found: UserVote[] = [];
      const needle = `|u|${userPart(userId)}|`;
      for await (const [key, r] of deps.votes.entries<UserVoteRecord>(`${platform}:${workspace}:`)) {
        if (!key.includes(needle) || r.userId !== userId || !anyOn(r)) continue;
        const votedAt = Math.max(...Object.values(r.marks).filter((m) => m.on).map((m) => m.at));
        found.push({ channel: r.channel, paperId: r.paperId, votedAt: new Date(votedAt) });
      }
      return found.sort((a, b) => b.votedAt.getTime() - a.votedAt.getTime());
    },

    async channelVotes(channel, since) {
      const from = since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const found: ChannelVote[] = [];
      for await (const [, t] of deps.votes.entries<TallyRecord>(`${channelPart(channel)}t|`)) {
        if (t.count <= 0 || t.lastVotedAt < from) continue;
        found.push({
          paperId: t.paperId,
          votes: t.count,
          firstVotedAt: new Date(t.firstVotedAt),
          lastVotedAt: new Date(t.lastVotedAt),
        });
      }
      return found.sort(
        (a, b) => b.votes - a.votes || b.lastVotedAt.getTime() - a.lastVotedAt.getTime() || a.paperId.localeCompare(b.paperId),
      );
    },
  };
}
