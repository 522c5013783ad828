import { describe, expect, it } from "vitest";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createSubscriptionStore } from "../../src/subscriptions/subscription-store.js";
import { subscriptionId, type Subscription } from "../../src/subscriptions/subscription.js";
import { createMemoryNamespace } from "../fakes/memory-namespace.js";

const sub = (workspace: string, channel: string, kind: "daily" | "weekly"): Subscription => {
  const ref = channelRef("slack", workspace, channel);
  return {
    id: subscriptionId(ref, { kind }),
    channel: ref,
    source: { kind },
    cron: "0 9 * * 1-5",
    timezone: "UTC",
    minUpvotes: 0,
    top: 5,
    layout: "compact",
    voteEmoji: ["👍"],
    createdAt: "2026-06-01T00:00:00.000Z",
    emptyNotice: false,
  };
};

describe("subscription store", () => {
  it("lists one channel's subscriptions, all of them, and forgets a workspace without touching a similar id", async () => {
    const store = createSubscriptionStore(createMemoryNamespace());
    for (const s of [sub("T1", "C1", "daily"), sub("T1", "C1", "weekly"), sub("T1", "C2", "daily"), sub("T10", "C1", "daily")]) await store.put(s);
    expect((await store.forChannel(channelRef("slack", "T1", "C1"))).map((s) => s.source.kind)).toEqual(["daily", "weekly"]);
    expect(await store.all()).toHaveLength(4);
    expect(await store.forgetWorkspace("slack", "T1")).toHaveLength(3);
    expect((await store.all()).map((s) => s.channel.workspace)).toEqual(["T10"]);
  });

  it("pauses and records deliveries without losing other fields", async () => {
    const store = createSubscriptionStore(createMemoryNamespace());
    const s = sub("T1", "C1", "daily");
    await store.put(s);
    await store.markDelivered(s.id, "daily:2026-06-12", new Date("2026-06-13T07:00:00Z"), ["2026-06-12"]);
    await store.pause(s.id, "channel-gone", "The channel is gone.", new Date("2026-06-14T07:00:00Z"));
    expect(await store.get(s.id)).toMatchObject({
      top: 5,
      lastDelivered: { periodKey: "daily:2026-06-12", dates: ["2026-06-12"] },
      paused: { reason: "channel-gone", hint: "The channel is gone." },
    });
    await store.pause("missing", "x", "y", new Date());
    expect(await store.get("missing")).toBeUndefined();
  });
});
