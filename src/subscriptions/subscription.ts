// The subscription model: what a channel follows, when, filtered how, and where its delivery stands.
import type { TopicFilter } from "../digest/digest-types.js";
import { channelKey, type ChannelRef } from "../platform/channel-ref.js";
import type { Layout } from "../platform/chat-platform.js";

/** What a subscription follows: Hugging Face daily/weekly/monthly batches, or an arXiv category. */
export type SubscriptionSource =
  | { readonly kind: "daily" }
  | { readonly kind: "weekly" }
  | { readonly kind: "monthly" }
  | { readonly kind: "arxiv"; readonly category: string }
  | { readonly kind: "recap" };

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
  readonly updates?: UpdatesSetting;
}

/**
 * Thread updates (`updates off|on|<N>`): whether paperboy replies in a posted paper's thread when it releases code,
 * passes the upvote milestone or gets a new arXiv version. Absent: on, with the default milestone.
 */
export interface UpdatesSetting {
  readonly on: boolean;
  /** The upvote milestone the channel hears about (default 100). */
  readonly milestone?: number;
}

export const DEFAULT_CRON = "0 9 * * 1-5";
export const DEFAULT_RECAP_CRON = "0 16 * * 5";
export const DEFAULT_TOP = 5;
export const MAX_TOP = 10;

export interface Subscription {
  /** "<channelKey>|<source key>": one subscription per channel and source (arXiv: per category). */
  readonly id: string;
  readonly channel: ChannelRef;
  readonly source: SubscriptionSource;
  readonly cron: string;
  readonly timezone: string;
  readonly topic?: { readonly text: string; readonly filter: TopicFilter };
  readonly minUpvotes: number;
  /** How many papers a digest shows, 1–10. */
  readonly top: number;
  readonly layout: Layout;
  readonly voteEmoji: readonly string[];
  /** Set when the platform rejected a post (bot removed, channel gone); re-subscribing clears it. */
  readonly paused?: { readonly reason: string; readonly hint: string; readonly at: string };
  /** ISO time. */
  readonly createdAt: string;
  /** The last period delivered (posted, or nothing new), e.g. "daily:2026-06-12". */
  readonly lastDelivered?: {
    readonly periodKey: string;
    readonly at: string;
    readonly dates?: readonly string[];
  };
  /** Post a one-line "no new papers" when a run finds nothing new. */
  readonly emptyNotice: boolean;
  /** Set while the current period's delivery is being retried after an upstream failure. */
  readonly retry?: RetryState;
  /** Thread updates on this channel's posted papers; absent: on. */
  readonly updates?: UpdatesSetting;
}

/** A delivery waiting for its next attempt: why, since when, and when it tries again. */
export interface RetryState {
  readonly periodKey: string;
  /** "Hugging Face unreachable", "Slack answered 503", … */
  readonly reason: string;
  /** ISO time of the first failure. */
  readonly since: string;
  readonly attempts: number;
  /** ISO time of the next attempt. */
  readonly nextAt: string;
}

/** "daily", "weekly", "monthly", "recap", "arxiv:cs.CL". */
export function sourceKey(source: SubscriptionSource): string {
  return source.kind === "arxiv" ? `arxiv:${source.category}` : source.kind;
}

export function subscriptionId(channel: ChannelRef, source: SubscriptionSource): string {
  return `${channelKey(channel)}|${sourceKey(source)}`;
}

/** "Hugging Face daily papers", "arXiv cs.CL", "weekly recap of the team's votes". */
export function describeSource(source: SubscriptionSource): string {
  switch (source.kind) {
    case "daily":
      return "Hugging Face daily papers";
    case "weekly":
      return "Hugging Face papers of the week";
    case "monthly":
      return "Hugging Face papers of the month";
    case "arxiv":
      return `new arXiv papers in ${source.category}`;
    case "recap":
      return "weekly recap of the channel's most-voted papers";
  }
}

/** The cron for `at HH:MM`: weekdays for daily/arXiv, Mondays for weekly, the 1st for monthly, Fridays for recap. */
export function cronForTime(source: SubscriptionSource, hour: number, minute: number): string {
  const mm = String(minute);
  const hh = String(hour);
  switch (source.kind) {
    case "daily":
    case "arxiv":
      return `${mm} ${hh} * * 1-5`;
    case "weekly":
      return `${mm} ${hh} * * 1`;
    case "monthly":
      return `${mm} ${hh} 1 * *`;
    case "recap":
      return `${mm} ${hh} * * 5`;
  }
}

export function defaultCron(source: SubscriptionSource): string {
  switch (source.kind) {
    case "recap":
      return DEFAULT_RECAP_CRON;
    case "weekly":
      return "0 9 * * 1";
    case "monthly":
      return "0 9 1 * *";
    case "daily":
    case "arxiv":
      return DEFAULT_CRON;
  }
}

/** "HH:MM" (24-hour) → hour and minute, or undefined when it is not a time of day. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}
