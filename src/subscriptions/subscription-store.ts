// The subscription store's port: a channel's subscriptions, indexed by channel and by schedule (cron + time zone).
import type { ChannelRef, PlatformId } from "../platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../platform/emoji.js";
import type { RetryState, Subscription } from "./subscription.js";

/** Subscriptions that fire together: one cron entry per group, however many channels share it. */
export interface ScheduleGroup {
  readonly cron: string;
  readonly timezone: string;
}

export interface SubscriptionStore {
  get(id: string): Promise<Subscription | undefined>;
  /**
   * Creates or replaces a subscription (its indexes move with it). The ledger owns `lastDelivered`: a stored one is
   * kept. A put clears `paused` and `retry` unless the new document carries them (re-subscribing resumes).
   */
  put(subscription: Subscription): Promise<void>;
  delete(id: string): Promise<boolean>;
  forChannel(channel: ChannelRef): Promise<Subscription[]>;
  all(): Promise<Subscription[]>;
  /** The subscriptions of one schedule group (paused ones included; the caller skips them). */
  inGroup(group: ScheduleGroup): Promise<Subscription[]>;
  /** Every schedule group with at least one subscription. */
  groups(): Promise<ScheduleGroup[]>;
  /** A number that changes whenever any subscription changes: replicas resync only when it moved. */
  version(): Promise<number>;
  /** Pauses a subscription after a rejected post; settings shows the reason and the hint. */
  pause(id: string, reason: string, hint: string, at: Date): Promise<void>;
  /** Notes that a delivery is being retried (or, with undefined, that it no longer is). */
  markRetrying(id: string, retry: RetryState | undefined): Promise<void>;
  /** Drops every subscription of a workspace (uninstalled); resolves to the removed ids. */
  forgetWorkspace(platform: PlatformId, workspace: string): Promise<string[]>;
}

/** The emoji that vote in a channel: the first of its subscriptions that chose some, else the defaults. */
export async function channelVoteEmoji(
  subscriptions: Pick<SubscriptionStore, "forChannel">,
  channel: ChannelRef,
): Promise<readonly string[]> {
  const withEmoji = (await subscriptions.forChannel(channel)).find((s) => s.voteEmoji.length > 0);
  return withEmoji?.voteEmoji ?? DEFAULT_VOTE_EMOJI;
}
