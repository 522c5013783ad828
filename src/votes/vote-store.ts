// The vote store's port: a reaction cast or taken back together with its tally, in one atomic step.
import type { PaperId } from "../papers/paper.js";
import type { ChannelRef, PlatformId } from "../platform/channel-ref.js";

/** One reaction on one message by one user, on or off at `at`: a "mark". A user votes for a paper while any mark is on. */
export interface VoteCast {
  readonly channel: ChannelRef;
  readonly paperId: PaperId;
  readonly userId: string;
  /** "<emoji key>@<message key>": which reaction on which message. */
  readonly mark: string;
  readonly on: boolean;
  /** Epoch ms the platform says it happened: an older change never overrides a newer one; at a tie, off wins. */
  readonly at: number;
  /** The platform's delivery id: recorded in the same step, so a redelivery is a duplicate. */
  readonly eventId?: string;
  readonly eventTtlMs: number;
}

export interface CastResult {
  /** duplicate: the event id was seen · stale: a later change already decided · unchanged: the user's vote did not flip. */
  readonly outcome: "duplicate" | "stale" | "unchanged" | "on" | "off";
  /** The paper's tally in the channel after the step. */
  readonly count: number;
}

/** One paper's standing in a channel. */
export interface ChannelVote {
  readonly paperId: PaperId;
  readonly votes: number;
  readonly firstVotedAt: Date;
  readonly lastVotedAt: Date;
}

/** A paper one user votes for, somewhere in a workspace (Slack App Home). */
export interface UserVote {
  readonly channel: ChannelRef;
  readonly paperId: PaperId;
  readonly votedAt: Date;
}

export interface VoteStore {
  /** Records the mark and moves the tally when the user's vote flips, atomically (with the event id, when given). */
  cast(vote: VoteCast): Promise<CastResult>;
  /** Votes for exactly `ids` in a channel (0 when none). */
  tallies(channel: ChannelRef, ids: readonly PaperId[]): Promise<Map<PaperId, number>>;
  /** The channel's voted papers whose last vote is at or after `since`, by votes then most recent vote. */
  channelVotes(channel: ChannelRef, since?: Date): Promise<ChannelVote[]>;
  /** Papers this user votes for in this channel. */
  userVotes(channel: ChannelRef, userId: string): Promise<Set<PaperId>>;
  /** Papers this user votes for anywhere in a workspace, newest first. */
  userVotesInWorkspace(platform: PlatformId, workspace: string, userId: string): Promise<UserVote[]>;
}

/** Does a change at `at` override a stored mark? An older change never does; at a tie "off" wins, whatever the order. */
export function overrides(
  previous: { readonly on: boolean; readonly at: number },
  wantOn: boolean,
  at: number,
): boolean {
  if (at !== previous.at) return at > previous.at;
  return previous.on && !wantOn;
}

/** How long a platform delivery id is remembered; Slack retries within minutes, so a day is ample. */
export const EVENT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
