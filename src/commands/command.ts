// The `/papers` grammar as data: what the parser produces and the use cases consume.
import type { TopicFilter } from "../digest/digest-types.js";
import type { Layout } from "../platform/chat-platform.js";

/** What a subscription follows: Hugging Face daily/weekly/monthly batches, or an arXiv category. */
export type SubscriptionSource =
  | { readonly kind: "daily" }
  | { readonly kind: "weekly" }
  | { readonly kind: "monthly" }
  | { readonly kind: "arxiv"; readonly category: string }
  | { readonly kind: "recap" };

export type LeaderboardPeriod = "week" | "month" | "all";

export interface SubscribeOptions {
  readonly source: SubscriptionSource;
  /** "HH:MM" 24-hour, when given with `at`. */
  readonly at?: string;
  /** Full cron expression, when given with `cron "…"`. */
  readonly cron?: string;
  readonly timezone?: string;
  /** The raw topic text and its parsed filter. */
  readonly topic?: { readonly text: string; readonly filter: TopicFilter };
  readonly top?: number;
  readonly minUpvotes?: number;
  readonly layout?: Layout;
}

export type Command =
  | { readonly name: "help"; readonly topic?: string }
  | { readonly name: "today" }
  | { readonly name: "week" }
  | { readonly name: "month" }
  | { readonly name: "search"; readonly query: string; readonly filter: TopicFilter }
  | { readonly name: "subscribe"; readonly options: SubscribeOptions }
  | { readonly name: "unsubscribe"; readonly source?: SubscriptionSource }
  | { readonly name: "settings" }
  | { readonly name: "top"; readonly period: LeaderboardPeriod }
  | { readonly name: "catchup"; readonly days: number }
  | { readonly name: "watch"; readonly topic: string; readonly threshold?: number }
  | { readonly name: "unwatch"; readonly topic: string };

export type CommandName = Command["name"];

/** A command that changes the channel's settings: needs `canManage`. */
export const MANAGING_COMMANDS: ReadonlySet<CommandName> = new Set(["subscribe", "unsubscribe", "watch", "unwatch"]);

/** A parse failure: what was wrong and a correct example, shown to the user as is. */
export interface UsageError {
  readonly problem: string;
  readonly example: string;
}
