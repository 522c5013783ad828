// The weekly recap: a channel's most-voted papers of the last seven days, posted once per ISO week.
import { leaderboard } from "../votes/leaderboard.js";
import type { VoteStore } from "../votes/vote-store.js";
import type { RankedPaper } from "../digest/digest-types.js";
import type { Paper, PaperId } from "../papers/paper.js";
import { isoWeek } from "../sources/ny-date.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import { plural } from "../messages/plural.js";

export interface RecapDeps {
  readonly votes: Pick<VoteStore, "channelVotes">;
  /** A voted paper's details (the archive keeps every paper the bot has posted). */
  readonly paperById: (id: PaperId) => Paper | undefined | Promise<Paper | undefined>;
}

export interface RecapPlan {
  readonly periodKey: string;
  readonly title: string;
  readonly ranked: RankedPaper[];
  readonly teamVotes: ReadonlyMap<PaperId, number>;
}

/** The recap's period: the ISO week of the New York date the recap fires in ("recap:2026-W24"). */
export function recapPeriodKey(firedAt: Date): string {
  return `recap:${isoWeek(firedAt)}`;
}

/**
 * The week's most-voted papers in `channel`, most votes first (the leaderboard's rolling seven days),
 * as ranked papers whose score is the vote count. Papers the archive does not know are left out.
 */
export async function planRecap(
  deps: RecapDeps,
  channel: ChannelRef,
  firedAt: Date,
  now: Date,
): Promise<RecapPlan> {
  const standings = await leaderboard(deps.votes, channel, "week", now);
  const ranked: RankedPaper[] = [];
  const teamVotes = new Map<PaperId, number>();
  for (const entry of standings) {
    if (entry.votes <= 0) continue;
    const paper = await deps.paperById(entry.paperId);
    if (!paper) continue;
    teamVotes.set(paper.id, entry.votes);
    ranked.push({
      paper,
      score: entry.votes,
      reason: `${plural(entry.votes, "team vote")} this week`,
    });
  }
  return {
    periodKey: recapPeriodKey(firedAt),
    title: `This week's most-voted papers — ${isoWeek(firedAt)}`,
    ranked,
    teamVotes,
  };
}
