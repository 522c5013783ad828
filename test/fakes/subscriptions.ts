// A stored subscription for tests that seed the store directly: a daily digest every second in UTC unless told otherwise.
import type { ChannelRef } from "../../src/platform/channel-ref.js";
import { subscriptionId, type Subscription } from "../../src/subscriptions/subscription.js";

export function dailySubscription(
  channel: ChannelRef,
  fields: Partial<Omit<Subscription, "id" | "channel">> = {},
): Subscription {
  const source = fields.source ?? { kind: "daily" };
  return {
    id: subscriptionId(channel, source),
    channel,
    source,
    cron: "* * * * * *",
    timezone: "UTC",
    minUpvotes: 0,
    top: 3,
    layout: "compact",
    voteEmoji: [],
    createdAt: new Date().toISOString(),
    emptyNotice: false,
    ...fields,
  };
}
