// `/papers subscribe | unsubscribe | settings | watch | unwatch` over a real store: what is stored, what is said, and that the schedules are told.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSubscriptionCommands } from "../../src/subscriptions/subscription-commands.js";
import type { SubscribeOptions } from "../../src/commands/command.js";
import { parseTopic } from "../../src/digest/topic-filter.js";
import { channelRef, type ChannelRef } from "../../src/platform/channel-ref.js";
import type { CommandInvocation } from "../../src/platform/events.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";

const FRIDAY_NOON = "2026-11-27T12:00:00Z";
const CHANNEL: ChannelRef = channelRef("console", "local", "research");
const DAILY_ID = subscriptionId(CHANNEL, { kind: "daily" });

const invocation = (channel: ChannelRef = CHANNEL, canManage = true): CommandInvocation => ({
  channel,
  userId: "U1",
  text: "",
  canManage,
  managersHint: "workspace admins",
});
const daily = (extra: Partial<SubscribeOptions> = {}): SubscribeOptions => ({
  source: { kind: "daily" },
  ...extra,
});
const topic = (text: string) => ({ text, filter: parseTopic(text) });
const replyText = (reply: { message: { fallbackText: string } }): string => reply.message.fallbackText;

let store: Store;
beforeEach(async () => {
  store = await createStore("memory://");
});
afterEach(async () => {
  await store.close();
});

/** The commands over `store`, with a count of the times they told the schedules to follow. */
function setup(options: { timezone?: string | undefined } = { timezone: "Europe/Berlin" }) {
  const state = { changes: 0 };
  const commands = createSubscriptionCommands({
    subscriptions: store.subscriptions,
    watches: store.watches,
    scheduler: createManualScheduler(),
    changed: () => {
      state.changes++;
    },
    now: () => new Date(FRIDAY_NOON),
    ...(options.timezone !== undefined ? { defaultTimezone: options.timezone } : {}),
  });
  return { commands, subscriptions: store.subscriptions, watches: store.watches, state };
}

describe("subscription commands", () => {
  it("subscribes with defaults, tells the schedules and says when the next digest comes in the channel's zone", async () => {
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
    expect(h.state.changes).toBe(1);
    expect(await h.subscriptions.inGroup({ cron: "0 9 * * 1-5", timezone: "Europe/Berlin" })).toEqual([sub]);
  });

  it("uses UTC when no default zone is configured", async () => {
    const h = setup({ timezone: undefined });
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
    expect(h.state.changes).toBe(2);
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
    expect(text).toContain("Schedule: weekdays at 09:00 (America/New_York) · cron 0 9 * * 1-5");
    expect(text).toContain("top 7 · min 4 upvotes · compact layout");
    expect(text).toContain("agents");
    // 12:00 UTC is 07:00 in New York: today's 09:00 is still ahead there.
    expect(text).toContain("Next digest: Fri 27 Nov 09:00 America/New_York");
  });

  it("GIVEN a delivery being retried THEN settings shows a Retrying line with the reason, since when and the next attempt, until it is cleared", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    await h.subscriptions.markRetrying(DAILY_ID, {
      periodKey: "daily:2026-11-27",
      reason: "Hugging Face unreachable",
      since: "2026-11-27T11:50:00.000Z",
      attempts: 2,
      nextAt: "2026-11-27T12:05:00.000Z",
    });
    const text = replyText(await h.commands.settings(invocation()));
    expect(text).toContain(
      "Retrying: Hugging Face unreachable since Fri 27 Nov 12:50 Europe/Berlin; attempt 3 at Fri 27 Nov 13:05 Europe/Berlin.",
    );
    expect(text).toContain("Next digest: Mon 30 Nov 09:00 Europe/Berlin");
    await h.subscriptions.markRetrying(DAILY_ID, undefined);
    expect(replyText(await h.commands.settings(invocation()))).not.toContain("Retrying");
  });

  it("GIVEN a paused subscription that was being retried THEN settings says Paused and how to resume, not Retrying", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    await h.subscriptions.markRetrying(DAILY_ID, {
      periodKey: "daily:2026-11-27",
      reason: "Slack answered 503",
      since: "2026-11-27T11:50:00.000Z",
      attempts: 1,
      nextAt: "2026-11-27T12:05:00.000Z",
    });
    await h.subscriptions.pause(
      DAILY_ID,
      "no-access",
      "Invite paperboy to the channel.",
      new Date(FRIDAY_NOON),
    );
    const text = replyText(await h.commands.settings(invocation()));
    expect(text).toContain(
      "Paused: no-access. Invite paperboy to the channel. Then run /papers subscribe daily to resume.",
    );
    expect(text).not.toContain("Retrying");
  });

  it("unsubscribes, tells the schedules, and settings shows nothing left", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    expect(h.state.changes).toBe(1);
    const reply = await h.commands.unsubscribe(invocation(), { kind: "daily" });
    expect(replyText(reply)).toContain("Unsubscribed");
    expect(h.state.changes).toBe(2);
    expect(await h.subscriptions.groups()).toEqual([]);
    expect(replyText(await h.commands.settings(invocation()))).toContain("no subscriptions");
    expect(replyText(await h.commands.unsubscribe(invocation(), { kind: "daily" }))).toContain(
      "not subscribed",
    );
    expect(h.state.changes).toBe(2);
  });

  it("unsubscribes every subscription of the channel when no source is named, telling the schedules once", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    await h.commands.subscribe(invocation(), { source: { kind: "weekly" } });
    const other = channelRef("console", "local", "elsewhere");
    await h.commands.subscribe(invocation(other), daily());
    expect(h.state.changes).toBe(3);
    const reply = await h.commands.unsubscribe(invocation());
    expect(replyText(reply)).toContain("Unsubscribed");
    expect(h.state.changes).toBe(4);
    expect(await h.subscriptions.forChannel(CHANNEL)).toEqual([]);
    expect((await h.subscriptions.forChannel(other)).map((s) => s.source.kind)).toEqual(["daily"]);
  });

  const bad: [string, SubscribeOptions, string][] = [
    [
      "a cron with an hour of 25",
      daily({ cron: "0 25 * * *" }),
      'Cron field 2 (hour): "25" is out of range 0–23',
    ],
    ["a four-field cron", daily({ cron: "0 9 * *" }), "A cron expression has 5 fields"],
    ["a time of 24:10", daily({ at: "24:10" }), '"24:10" is not a time of day'],
    ["an unknown zone", daily({ timezone: "Mars/Olympus" }), '"Mars/Olympus" is not a time zone'],
    ["top 0", daily({ top: 0 }), '"top 0" must be a whole number from 1 to 10'],
    ["top 11", daily({ top: 11 }), '"top 11"'],
    ["top 2.5", daily({ top: 2.5 }), '"top 2.5"'],
    ["a negative minimum", daily({ minUpvotes: -1 }), '"min -1"'],
    ["a cron on 31 February", daily({ cron: "0 9 31 2 *" }), 'The schedule "0 9 31 2 *" never fires'],
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
      expect(h.state.changes).toBe(1);
    });
  }

  it("refuses a stored schedule that has gone bad instead of saving it again", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    const stored = await h.subscriptions.get(DAILY_ID);
    await h.subscriptions.put({ ...stored!, cron: "0 99 * * *" });
    const reply = await h.commands.subscribe(invocation(), daily({ top: 4 }));
    expect(replyText(reply)).toContain("stored schedule is not valid");
    expect(await h.subscriptions.get(DAILY_ID)).toMatchObject({ cron: "0 99 * * *", top: 5 });
    expect(h.state.changes).toBe(1);
  });

  it("GIVEN a watch on a quoted phrase THEN settings, the answer and unwatch show its quotes once", async () => {
    const h = setup();
    const watching = replyText(await h.commands.watch(invocation(), '"world model"', 20));
    expect(watching).toContain('one alert per paper on "world model" that passes 20 upvotes');
    const text = replyText(await h.commands.settings(invocation()));
    expect(text).toContain('"world model" above 20 upvotes');
    expect(text).not.toMatch(/“"|"”|\(with/);
    expect(replyText(await h.commands.unwatch(invocation(), '"world model"'))).toContain(
      'No more alerts on "world model".',
    );
  });

  it("GIVEN a cron schedule with no words for it THEN settings shows the expression once", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily({ cron: "15 8 * * 1,3" }));
    const text = replyText(await h.commands.settings(invocation()));
    expect(text).toContain("Schedule: Mondays and Wednesdays at 08:15 (Europe/Berlin) · cron 15 8 * * 1,3");
    await h.commands.subscribe(invocation(), daily({ cron: "0 9 1-7 * 1" }));
    const odd = replyText(await h.commands.settings(invocation()));
    expect(odd).toContain("Schedule: cron 0 9 1-7 * 1 (Europe/Berlin)");
    expect(odd.split("0 9 1-7 * 1")).toHaveLength(2);
  });

  it("GIVEN a bare subscribe that changes nothing THEN it says so with the current settings, privately, and stores nothing", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily({ at: "08:00", top: 3 }));
    const reply = await h.commands.subscribe(invocation(), daily());
    expect(reply.visibility).toBe("ephemeral");
    const text = replyText(reply);
    expect(text).toContain("Nothing changed: Hugging Face daily papers");
    expect(text).not.toContain("Updated");
    expect(text).toContain("weekdays at 08:00");
    expect(text).toContain("top 3");
    expect(h.state.changes).toBe(1);
    // The same settings given again change nothing either; a new one does.
    expect(replyText(await h.commands.subscribe(invocation(), daily({ top: 3 })))).toContain(
      "Nothing changed",
    );
    expect(replyText(await h.commands.subscribe(invocation(), daily({ top: 4 })))).toContain("Updated");
  });

  it("re-subscribing a paused subscription resumes it", async () => {
    const h = setup();
    await h.commands.subscribe(invocation(), daily());
    await h.subscriptions.pause(DAILY_ID, "channel-gone", "The channel is gone.", new Date());
    const reply = await h.commands.subscribe(invocation(), daily());
    expect(replyText(reply)).toContain("Resumed");
    expect((await h.subscriptions.get(DAILY_ID))?.paused).toBeUndefined();
    expect(h.state.changes).toBe(2);
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
    expect(text).toContain("“agents” above 20 upvotes");
    expect(text).toContain("“sparse attention” (any of sparse, attention) above 50 upvotes");
    expect(replyText(await h.commands.unwatch(invocation(), "Sparse  Attention"))).toContain(
      "No more alerts",
    );
    expect(replyText(await h.commands.unwatch(invocation(), "sparse attention"))).toContain("no watch");
    expect(await h.watches.forChannel(CHANNEL)).toHaveLength(1);
  });
});
