import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SubscribeOptions } from "../../src/commands/command.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import type { Store } from "../../src/storage/key-value.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import {
  CHANNEL,
  createClock,
  createHarness,
  daily,
  invocation,
  replyText,
  topic,
} from "../scheduler/harness.js";

const FRIDAY_NOON = "2026-11-27T12:00:00Z";
const DAILY_ID = subscriptionId(CHANNEL, { kind: "daily" });

let store: Store;
beforeEach(async () => {
  store = await createStore("memory://");
});
afterEach(async () => {
  await store.close();
});

const setup = (timezone = "Europe/Berlin") =>
  createHarness(store, { now: createClock(FRIDAY_NOON).now, timezone });

describe("subscription commands", () => {
  it("subscribes with defaults, schedules it and says when the next digest comes in the channel's zone", async () => {
    const h = setup();
    const reply = await h.commands.subscribe(invocation(), daily());
    expect(reply.visibility).toBe("public");
    expect(replyText(reply)).toContain("Next digest: Mon 30 Nov 09:00 Europe/Berlin");
    const sub = await h.subscriptions.get(DAILY_ID);
    expect(sub).toMatchObject({
      cron: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
      top: 5,
      minUpvotes: 0,
      layout: "compact",
      emptyNotice: false,
    });
    expect(h.scheduler.entries.get(DAILY_ID)).toMatchObject({
      cron: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
    });
  });

  it("uses UTC when no default zone is configured", async () => {
    const h = createHarness(store, { now: createClock(FRIDAY_NOON).now });
    await h.commands.subscribe(invocation(), daily());
    expect((await h.subscriptions.get(DAILY_ID))?.timezone).toBe("UTC");
  });

  it("turns `at HH:MM` into weekdays, Mondays, the 1st or Fridays by source", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily({ at: "07:45" }));
    await h.commands.subscribe(invocation(), { source: { kind: "weekly" }, at: "08:00" });
    await h.commands.subscribe(invocation(), { source: { kind: "monthly" }, at: "10:15" });
    await h.commands.subscribe(invocation(), { source: { kind: "recap" } });
    const crons = (await h.subscriptions.forChannel(CHANNEL)).map((s) => `${s.source.kind}=${s.cron}`).sort();
    expect(crons).toEqual([
      "daily=45 7 * * 1-5",
      "monthly=15 10 1 * *",
      "recap=0 16 * * 5",
      "weekly=0 8 * * 1",
    ]);
  });

  it("updates only the options given when subscribing again", async () => {
    const h = setup();
    await h.commands.subscribe(
      invocation(),
      daily({ at: "08:00", topic: topic("agents"), top: 3, layout: "cards" }),
    );
    const reply = await h.commands.subscribe(invocation(), daily({ minUpvotes: 10 }));
    expect(replyText(reply)).toContain("Updated");
    expect(await h.subscriptions.get(DAILY_ID)).toMatchObject({
      cron: "0 8 * * 1-5",
      top: 3,
      layout: "cards",
      minUpvotes: 10,
      topic: { text: "agents" },
    });
  });

  it("settings lists source, schedule in words and cron, zone, topic, numbers, layout and next run", async () => {
    const h = setup();
    await h.commands.subscribe(
      invocation(),
      daily({ topic: topic("agents"), top: 7, minUpvotes: 4, timezone: "America/New_York" }),
    );
    const text = replyText(await h.commands.settings(invocation()));
    expect(text).toContain("Hugging Face daily papers");
    expect(text).toContain("weekdays at 09:00 0 9 * * 1-5 (America/New_York)");
    expect(text).toContain("top 7 · min 4 upvotes · compact layout");
    expect(text).toContain("agents");
    // 12:00 UTC is 07:00 in New York: today's 09:00 is still ahead there.
    expect(text).toContain("Next digest: Fri 27 Nov 09:00 America/New_York");
  });

  it("unsubscribes, stops the schedule, and settings shows nothing left", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    const reply = await h.commands.unsubscribe(invocation(), { kind: "daily" });
    expect(replyText(reply)).toContain("Unsubscribed");
    expect(h.scheduler.scheduledIds()).toEqual([]);
    expect(replyText(await h.commands.settings(invocation()))).toContain("no subscriptions");
    expect(replyText(await h.commands.unsubscribe(invocation(), { kind: "daily" }))).toContain(
      "not subscribed",
    );
  });

  const bad: [string, SubscribeOptions, string][] = [
    ["a cron with an hour of 25", daily({ cron: "0 25 * * *" }), 'hour field "25"'],
    ["a four-field cron", daily({ cron: "0 9 * *" }), "expected 5 or 6 fields"],
    ["a time of 24:10", daily({ at: "24:10" }), '"24:10" is not a time of day'],
    ["an unknown zone", daily({ timezone: "Mars/Olympus" }), '"Mars/Olympus" is not a time zone'],
    ["top 0", daily({ top: 0 }), '"top 0" must be a whole number from 1 to 10'],
    ["top 11", daily({ top: 11 }), '"top 11"'],
    ["top 2.5", daily({ top: 2.5 }), '"top 2.5"'],
    ["a negative minimum", daily({ minUpvotes: -1 }), '"min -1"'],
    ["a cron on 31 February", daily({ cron: "0 9 31 2 *" }), 'dayOfMonth field "31"'],
  ];
  for (const [name, options, message] of bad) {
    it(`rejects ${name} with an example and leaves the subscription unchanged`, async () => {
      const h = setup();
      await h.commands.subscribe(invocation(), daily({ at: "08:00", top: 3 }));
      const before = await h.subscriptions.get(DAILY_ID);
      const reply = await h.commands.subscribe(invocation(), options);
      expect(reply.visibility).toBe("ephemeral");
      expect(replyText(reply)).toContain(message);
      expect(replyText(reply)).toContain("Example: /papers subscribe daily");
      expect(await h.subscriptions.get(DAILY_ID)).toEqual(before);
      expect(h.scheduler.entries.get(DAILY_ID)?.cron).toBe("0 8 * * 1-5");
    });
  }

  it("refuses a stored schedule that has gone bad instead of saving it again", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    await h.subscriptions.update(DAILY_ID, (s) => (s ? { ...s, cron: "0 99 * * *" } : s));
    const reply = await h.commands.subscribe(invocation(), daily({ top: 4 }));
    expect(replyText(reply)).toContain("stored schedule is not valid");
    expect((await h.subscriptions.get(DAILY_ID))?.top).toBe(5);
  });

  it("re-subscribing a paused subscription resumes it", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    await h.subscriptions.pause(DAILY_ID, "channel-gone", "The channel is gone.", new Date());
    const reply = await h.commands.subscribe(invocation(), daily());
    expect(replyText(reply)).toContain("Resumed");
    expect((await h.subscriptions.get(DAILY_ID))?.paused).toBeUndefined();
    expect(h.scheduler.scheduledIds()).toContain(DAILY_ID);
  });

  it("politely refuses people who cannot manage the channel and says who can", async () => {
    const h = setup();
    const reply = await h.commands.subscribe(invocation(CHANNEL, false), daily());
    expect(reply.visibility).toBe("ephemeral");
    expect(replyText(reply)).toContain("only workspace admins can change");
    expect(await h.subscriptions.get(DAILY_ID)).toBeUndefined();
    for (const r of [
      await h.commands.unsubscribe(invocation(CHANNEL, false)),
      await h.commands.watch(invocation(CHANNEL, false), "agents"),
    ]) {
      expect(replyText(r)).toContain("only workspace admins");
    }
  });

  it("keeps one subscription per arXiv category", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), { source: { kind: "arxiv", category: "cs.CL" } });
    await h.commands.subscribe(invocation(), { source: { kind: "arxiv", category: "cs.LG" } });
    await h.commands.subscribe(invocation(), { source: { kind: "arxiv", category: "cs.CL" }, top: 8 });
    expect((await h.subscriptions.forChannel(CHANNEL)).map((s) => s.id)).toEqual([
      subscriptionId(CHANNEL, { kind: "arxiv", category: "cs.CL" }),
      subscriptionId(CHANNEL, { kind: "arxiv", category: "cs.LG" }),
    ]);
  });

  it("watch and unwatch round trip through settings", async () => {
    const h = setup();
    expect(replyText(await h.commands.watch(invocation(), "sparse attention", 50))).toContain(
      "passes 50 upvotes",
    );
    await h.commands.watch(invocation(), "agents");
    const text = replyText(await h.commands.settings(invocation()));
    expect(text).toContain("“sparse attention”");
    expect(text).toContain("above 50 upvotes");
    expect(text).toContain("“agents” (agents) above 20 upvotes");
    expect(replyText(await h.commands.unwatch(invocation(), "Sparse  Attention"))).toContain(
      "No more alerts",
    );
    expect(replyText(await h.commands.unwatch(invocation(), "sparse attention"))).toContain("no watch");
    expect(await h.watches.forChannel(CHANNEL)).toHaveLength(1);
  });
});
