// A channel's thread-update setting (`/papers subscribe … updates off|on|<N>`): how settings says it, and what the
// channel's subscriptions add up to.
import type { Subscription, UpdatesSetting } from "./subscription.js";

/** The upvote milestone a channel hears about unless it chose another (`updates 50`). */
export const DEFAULT_MILESTONE = 100;

/** "Thread updates: on (code released, new arXiv version, 100 upvotes)" or "Thread updates: off". */
export function describeUpdates(setting: UpdatesSetting | undefined): string {
  if (setting?.on === false) return "Thread updates: off";
  const milestone = setting?.milestone ?? DEFAULT_MILESTONE;
  return `Thread updates: on (code released, new arXiv version, ${String(milestone)} upvotes)`;
}

/**
 * The channel's setting from its subscriptions: off when any of them says `updates off` (opting out wins), else on
 * with the lowest milestone any of them chose. A channel without subscriptions gets the default.
 */
export function channelUpdates(subscriptions: readonly Pick<Subscription, "updates">[]): {
  readonly on: boolean;
  readonly milestone: number;
} {
  if (subscriptions.some((s) => s.updates?.on === false)) return { on: false, milestone: DEFAULT_MILESTONE };
  const chosen = subscriptions.flatMap((s) =>
    s.updates?.milestone !== undefined ? [s.updates.milestone] : [],
  );
  return { on: true, milestone: chosen.length > 0 ? Math.min(...chosen) : DEFAULT_MILESTONE };
}
