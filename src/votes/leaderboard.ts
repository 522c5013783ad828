// The channel's leaderboard: papers by team votes over a week, a month or all time.
import type { ChannelRef } from "../platform/channel-ref.js";
import type { ChannelVote, VoteStore } from "./vote-store.js";

/** The window a leaderboard covers. */
export type LeaderboardPeriod = "week" | "month" | "all";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How far back each period looks: a rolling window ending now (not a calendar week or month). */
export const PERIOD_DAYS = { week: 7, month: 30 } as const;

/** The start of the period's window, or undefined for all time. */
export function periodStart(period: LeaderboardPeriod, now: Date): Date | undefined {
  switch (period) {
    case "week":
    case "month":
      return new Date(now.getTime() - PERIOD_DAYS[period] * DAY_MS);
    case "all":
      return undefined;
  }
}

/** "this week", "this month", "of all time": for headers and empty-state text. */
export function periodLabel(period: LeaderboardPeriod): string {
  switch (period) {
    case "week":
      return "this week";
    case "month":
      return "this month";
    case "all":
      return "of all time";
  }
}

/**
 * Papers with votes whose latest vote falls in the period, most votes first (ties: the most
 * recently voted first). The counts are the papers' current totals.
 */
export async function leaderboard(
  votes: Pick<VoteStore, "channelVotes">,
  channel: ChannelRef,
  period: LeaderboardPeriod,
  now: Date,
): Promise<ChannelVote[]> {
  return votes.channelVotes(channel, periodStart(period, now));
}
