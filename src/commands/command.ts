// The `/papers` grammar as data: what the parser produces and the use cases consume.
import type { PaperId } from "../papers/paper.js";
import type { SubscribeOptions, SubscriptionSource } from "../subscriptions/subscription.js";
import type { LeaderboardPeriod } from "../votes/leaderboard.js";

export type { LeaderboardPeriod, SubscribeOptions, SubscriptionSource };

export type Command =
  | { readonly name: "help"; readonly topic?: string }
  | { readonly name: "today" }
  | { readonly name: "week" }
  | { readonly name: "month" }
  | { readonly name: "search"; readonly query: string }
  /** An arXiv id or a paper link as the whole argument: that paper's card, not a search. */
  | { readonly name: "paper"; readonly id: PaperId }
  | { readonly name: "subscribe"; readonly options: SubscribeOptions }
  | { readonly name: "unsubscribe"; readonly source?: SubscriptionSource }
  | { readonly name: "settings" }
  | { readonly name: "top"; readonly period: LeaderboardPeriod }
  | { readonly name: "catchup"; readonly days: number }
  | { readonly name: "watch"; readonly topic: string; readonly threshold?: number }
  | { readonly name: "unwatch"; readonly topic: string };

export type CommandName = Command["name"];

/** A command that changes the channel's settings: needs `canManage`. */
export const MANAGING_COMMANDS: ReadonlySet<CommandName> = new Set([
  "subscribe",
  "unsubscribe",
  "watch",
  "unwatch",
]);

/** A parse failure: what was wrong and a correct example, shown to the user as is. */
export interface UsageError {
  readonly problem: string;
  readonly example: string;
}
