// Start-up catch-up: which missed runs are posted, and that subscriptions sharing a schedule share one calendar walk.
import { describe, expect, it } from "vitest";
import { catchUp } from "../../src/scheduler/catch-up.js";
import { cronNextRun } from "../../src/scheduler/node-cron-scheduler.js";
import type { SubscriptionRunner } from "../../src/scheduler/subscription-runner.js";
import type { Subscription } from "../../src/subscriptions/subscription.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";

// Tue 2026-06-16 10:00 Berlin (08:00 UTC): 09:00 Berlin was an hour ago.
const NOW = new Date("2026-06-16T08:00:00Z");

function sub(id: string, cron: string, timezone = "Europe/Berlin"): Subscription {
  return {
    id,
    channel: channelRef("console", "T1", id),
    source: { kind: "daily" },
    cron,
    timezone,
    minUpvotes: 0,
    top: 5,
    layout: "compact",
    voteEmoji: [],
    createdAt: "2026-06-01T00:00:00Z",
    emptyNotice: false,
  };
}

async function run(subs: Subscription[]): Promise<{ ran: Map<string, string>; walks: number }> {
  let walks = 0;
  const scheduler = {
    ...createManualScheduler(),
    nextRun: (cron: string, timezone: string, after: Date) => {
      walks++;
      return cronNextRun(cron, timezone, after);
    },
  };
  const ran = new Map<string, string>();
  const runner = {
    scheduler,
    run: (id: string, at: Date) => {
      ran.set(id, at.toISOString());
      return Promise.resolve({ status: "skipped" as const, reason: "test" });
    },
  } as unknown as SubscriptionRunner;
  await catchUp({ subscriptions: { all: () => Promise.resolve(subs) }, runner, now: () => NOW });
  return { ran, walks };
}

describe("catch-up at start-up", () => {
  it("runs each subscription at its own last missed time, walking each (cron, zone) pair's calendar once", async () => {
    const nine = await run([sub("a", "0 9 * * *")]);
    const eightThirtyNY = await run([sub("c", "30 8 * * *", "America/New_York")]);
    const many = Array.from({ length: 50 }, (_, i) => sub(`b${String(i)}`, "0 9 * * *"));
    const all = await run([...many, sub("c", "30 8 * * *", "America/New_York")]);
    expect(all.ran.size).toBe(50); // 08:30 New York is still to come
    expect(new Set(all.ran.values())).toEqual(new Set(["2026-06-16T07:00:00.000Z"]));
    expect(eightThirtyNY.ran.size).toBe(0);
    expect(all.walks).toBe(nine.walks + eightThirtyNY.walks);
  });
});
