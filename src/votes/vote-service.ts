// Reaction votes: maps a reaction to a posted paper and records it (with its tally) in one atomic store step.
// A reaction on a message paperboy has not recorded yet (its event outran the post's answer) is held for a while.
import type { PaperId } from "../papers/paper.js";
import { messageKey, type ChannelRef, type MessageRef, type PlatformId } from "../platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI, emojiKey, normalizeUnicodeEmoji, type Emoji } from "../platform/emoji.js";
import type { ReactionChanged, VoteResult } from "../platform/events.js";
import type { Logger } from "../ops/logger.js";
import { noopMetrics, type Metrics } from "../ops/metrics.js";
import type { PostRecord, PostStore } from "./post-store.js";
import { EVENT_DEDUPE_TTL_MS, type ChannelVote, type UserVote, type VoteStore } from "./vote-store.js";

/** How long a reaction on an unknown message waits for the post to be recorded. */
export const HOLD_MS = 60_000;
/** How many reactions may wait at once; more are ignored (with a log line). */
export const MAX_HELD = 10_000;
/** How often held reactions look the message up again (the post may be recorded by another replica). */
const RECHECK_MS = 1_000;

export interface VoteService {
  /** Records one reaction. Ordinary input never throws; a store failure does (so Slack can redeliver the event). */
  handleReaction(event: ReactionChanged): Promise<VoteResult>;
  /** A message was recorded as paperboy's (in this process): reactions held for it are applied now. */
  recorded(ref: MessageRef): void;
  /** Reactions waiting for their message to be recorded. */
  held(): number;
  tally(channel: ChannelRef, ids: readonly PaperId[]): Promise<Map<PaperId, number>>;
  userVotes(channel: ChannelRef, userId: string): Promise<Set<PaperId>>;
  userVotesInWorkspace(platform: PlatformId, workspace: string, userId: string): Promise<UserVote[]>;
  channelVotes(channel: ChannelRef, since?: Date): Promise<ChannelVote[]>;
  close(): void;
}

export interface VoteServiceDeps {
  readonly votes: VoteStore;
  readonly posts: Pick<PostStore, "lookup">;
  readonly now: () => Date;
  readonly log: Logger;
  readonly metrics?: Metrics;
  /** The channel's vote emoji for cards, shares and alerts; defaults to 👍 🔥 ❤️ ⬆️. */
  readonly voteEmojiFor?: (channel: ChannelRef) => Promise<readonly string[]>;
}

function ignored(reason: string): VoteResult {
  return { status: "ignored", reason };
}

function counted(paperId: PaperId, votes: number, changed: boolean, voted: boolean): VoteResult {
  return { status: "counted", paperId, votes, changed, voted };
}

/** Keycap slot N for compact digests and search answers; the vote emoji for a single-paper message. */
function votedPaper(
  post: PostRecord,
  emoji: Emoji,
  voteEmoji: readonly string[],
): { readonly paperId: PaperId } | { readonly reason: string } {
  // An unfurled link is someone's own message: its reactions answer what they wrote, not a vote for the paper.
  if (post.kind === "link") return { reason: "a link someone posted (paperboy only unfurled it)" };
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
  const { votes, log } = deps;
  const metrics = deps.metrics ?? noopMetrics;
  const voteEmojiFor = deps.voteEmojiFor ?? (() => Promise.resolve(DEFAULT_VOTE_EMOJI));
  /** message key → reactions waiting for it, each with when it gives up. */
  const waiting = new Map<string, { event: ReactionChanged; until: number }[]>();
  let heldCount = 0;
  let timer: NodeJS.Timeout | undefined;

  async function apply(event: ReactionChanged, post: PostRecord): Promise<VoteResult> {
    const target = votedPaper(post, event.emoji, await voteEmojiFor(post.ref.channel));
    if ("reason" in target) return ignored(target.reason);
    const result = await votes.cast({
      channel: post.ref.channel,
      paperId: target.paperId,
      userId: event.userId,
      mark: `${emojiKey(event.emoji)}@${messageKey(event.message)}`,
      on: event.change === "added",
      at: (event.at ?? deps.now()).getTime(),
      ...(event.eventId !== undefined ? { eventId: event.eventId } : {}),
      eventTtlMs: EVENT_DEDUPE_TTL_MS,
    });
    switch (result.outcome) {
      case "duplicate":
        return ignored("duplicate event");
      case "stale":
        return ignored("superseded by a later reaction change");
      case "on":
      case "off":
        metrics.vote(event.change, post.ref.channel.platform);
        return counted(target.paperId, result.count, true, result.outcome === "on");
      case "unchanged": {
        // An unflipped "added" leaves a vote; an unflipped "removed" leaves whatever another mark says (rare: asked).
        const voted =
          event.change === "added" ||
          (await votes.userVotes(post.ref.channel, event.userId)).has(target.paperId);
        return counted(target.paperId, result.count, false, voted);
      }
    }
  }

  /** Applies what waits for `key` once its post is known; drops what waited too long. */
  async function release(key: string, post: PostRecord | undefined): Promise<void> {
    const list = waiting.get(key);
    if (!list) return;
    const now = deps.now().getTime();
    const due = post ? list : list.filter((h) => h.until <= now);
    const keep = post ? [] : list.filter((h) => h.until > now);
    if (keep.length > 0) waiting.set(key, keep);
    else waiting.delete(key);
    heldCount -= due.length;
    for (const { event } of due) {
      if (!post) {
        log.debug({ message: key }, "a held reaction expired: the message is not paperboy's");
        continue;
      }
      try {
        const result = await apply(event, post);
        log.debug({ message: key, result }, "held reaction applied");
      } catch (error) {
        metrics.voteStoreFailure(post.ref.channel.platform, "lost");
        log.error(
          { message: key, err: error instanceof Error ? error.message : String(error) },
          "a held reaction could not be stored",
        );
      }
    }
    if (waiting.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  function recheck(): void {
    for (const [key, list] of waiting) {
      const ref = list[0]?.event.message;
      if (!ref) continue;
      void deps.posts
        .lookup(ref)
        .then((post) => release(key, post))
        .catch(() => release(key, undefined));
    }
  }

  function hold(event: ReactionChanged): VoteResult {
    if (heldCount >= MAX_HELD) {
      log.warn({ held: heldCount }, "too many reactions waiting for their messages; ignoring one");
      return ignored("not a paperboy post (too many reactions waiting to be matched)");
    }
    const key = messageKey(event.message);
    const list = waiting.get(key) ?? [];
    list.push({ event, until: deps.now().getTime() + HOLD_MS });
    waiting.set(key, list);
    heldCount++;
    if (timer === undefined) {
      timer = setInterval(recheck, RECHECK_MS);
      timer.unref();
    }
    return { status: "held", reason: "not (yet) a paperboy post: held until its post is recorded" };
  }

  return {
    async handleReaction(event) {
      if (event.byBot) return ignored("reaction by a bot");
      const post = await deps.posts.lookup(event.message);
      if (!post) return hold(event);
      return apply(event, post);
    },
    recorded(ref) {
      const key = messageKey(ref);
      if (!waiting.has(key)) return;
      void deps.posts
        .lookup(ref)
        .then((post) => release(key, post))
        .catch((error: unknown) => {
          log.warn(
            { message: key, err: error instanceof Error ? error.message : String(error) },
            "could not apply held reactions yet",
          );
        });
    },
    held: () => heldCount,
    tally: (channel, ids) => votes.tallies(channel, ids),
    userVotes: (channel, userId) => votes.userVotes(channel, userId),
    userVotesInWorkspace: (platform, workspace, userId) =>
      votes.userVotesInWorkspace(platform, workspace, userId),
    channelVotes: (channel, since) => votes.channelVotes(channel, since),
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
