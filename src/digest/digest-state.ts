// What a digest reads about its channel before ranking: papers already shown, team tallies, papers the team liked.
import type { Paper, PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";

export interface ChannelDigestState {
  /** Candidates already shown in this channel (not expired). */
  readonly seen: ReadonlySet<PaperId>;
  /** Team votes per candidate (0 when none). */
  readonly tallies: ReadonlyMap<PaperId, number>;
  /** Papers the channel voted for since `likedSince`, most votes first: the seeds of similarity boosts. */
  readonly liked: readonly Paper[];
}

export interface DigestStateReader {
  /** One read (one SQL statement, one Redis script) for the whole state. */
  digestState(
    channel: ChannelRef,
    candidates: readonly PaperId[],
    likedSince: Date,
    now: Date,
  ): Promise<ChannelDigestState>;
}
