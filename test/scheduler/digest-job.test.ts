import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { matchesTopic, parseTopic } from "../../src/digest/topic-filter.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import type { Store } from "../../src/storage/key-value.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { createFixtureHfSource } from "../fakes/fixture-hf-source.js";
import { CHANNEL, createClock, createHarness, daily, invocation, replyText, topic } from "./harness.js";

// Saturday 2026-06-13 09:00 Berlin = 03:00 New York: the last completed batch is Fri 2026-06-12 (the recording).
const SAT_MORNING = "2026-06-13T07:00:00Z";
const DAILY_ID = subscriptionId(CHANNEL, { kind: "daily" });

let store: Store;
beforeEach(async () => {
  store = await createStore("memory://");
});
afterEach(async () => {
  await store.close();
});

async function subscribed(options = daily(), clockAt = SAT_MORNING) {
  const clock = createClock(clockAt);
  const h = createHarness(store, { now: clock.now, timezone: "Europe/Berlin" });
  await h.commands.subscribe(invocation(), options);
  return { ...h, clock };
}

describe("digest job", () => {
  it("posts the last completed Hugging Face day as a channel's first digest", async () => {
    const h = await subscribed();
    const result = await h.job.run(DAILY_ID, h.clock.now());
    expect(result.status).toBe("posted");
    expect(h.hf.calls).toEqual(["daily:2026-06-12"]);
    expect(h.platform.posted).toHaveLength(1);
    const message = h.platform.posted[0]?.messages[0];
    expect(message?.blocks[0]).toEqual({ type: "header", text: "Trending on Hugging Face — Fri 12 June" });
    // Top 5 by upvotes and recency: the three 100+ papers lead.
    expect(h.shownIds().slice(0, 3)).toEqual(["2606.13681", "2606.13392", "2606.08063"]);
    expect(h.shownIds()).toHaveLength(5);
    expect(h.platform.posted[0]?.seed?.[0]).toEqual([1, 2, 3, 4, 5].map((n) => ({ kind: "keycap", number: n })));
    const sub = await h.subscriptions.get(DAILY_ID);
    expect(sub?.lastDelivered?.periodKey).toBe("daily:2026-06-12");
  });

  it("records the posted digest so reactions on it count as votes", async () => {
    const h = await subscribed();
    const result = await h.job.run(DAILY_ID, h.clock.now());
    if (result.status !== "posted") throw new Error(result.status);
    const ref = result.messages[0]?.ref;
    if (!ref) throw new Error("no message");
    const entry = await h.posts.lookup(ref);
    expect(entry?.kind).toBe("digest");
    expect(entry?.layout).toBe("compact");
    expect(entry?.slots.get(1)).toBe("2606.13681");
  });

  it("posts once when the same period fires twice at the same time", async () => {
    const h = await subscribed();
    const results = await Promise.all([h.job.run(DAILY_ID, h.clock.now()), h.job.run(DAILY_ID, h.clock.now())]);
    expect(results.map((r) => r.status).sort()).toEqual(["posted", "skipped"]);
    expect(h.platform.requests).toHaveLength(1);
  });

  it("does not post the same period again on a later run", async () => {
    const h = await subscribed();
    await h.job.run(DAILY_ID, h.clock.now());
    h.clock.advance(60 * 60_000);
    const again = await h.job.run(DAILY_ID, h.clock.now());
    expect(again.status).toBe("skipped");
    expect(h.platform.requests).toHaveLength(1);
  });

  it("posts nothing when nothing is new, and still marks the period delivered", async () => {
    const h = await subscribed();
    await h.job.run(DAILY_ID, h.clock.now());
    h.clock.set("2026-06-16T07:00:00Z"); // Tue: batches 13, 14 (weekend) and 15 are empty
    const result = await h.job.run(DAILY_ID, h.clock.now());
    expect(result).toEqual({ status: "skipped", reason: "nothing new" });
    expect(h.hf.calls).toEqual(["daily:2026-06-12", "daily:2026-06-13", "daily:2026-06-14", "daily:2026-06-15"]);
    expect(h.platform.requests).toHaveLength(1);
    expect((await h.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe("daily:2026-06-15");
  });

  it("posts a one-line 'no new papers' when the channel asked for it", async () => {
    const h = await subscribed();
    await h.subscriptions.update(DAILY_ID, (s) => (s ? { ...s, emptyNotice: true } : s));
    h.hf.byDate.clear();
    const result = await h.job.run(DAILY_ID, h.clock.now());
    expect(result.status).toBe("posted");
    expect(h.platform.posted[0]?.messages[0]?.fallbackText).toContain("No new papers");
    expect(h.shownIds()).toEqual([]);
  });

  it("never shows a channel a paper it has already been shown", async () => {
    const h = await subscribed();
    await h.job.run(DAILY_ID, h.clock.now());
    const first = h.shownIds();
    // The same 30 papers turn up again in Monday's batch.
    h.hf.byDate.set("2026-06-15", h.hf.byDate.get("2026-06-12") ?? []);
    h.clock.set("2026-06-16T07:00:00Z");
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("posted");
    const second = h.shownIds().slice(first.length);
    expect(second).toHaveLength(5);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  it("applies the channel's topic and minimum upvotes", async () => {
    const h = await subscribed(daily({ topic: topic("agents"), minUpvotes: 3 }));
    await h.job.run(DAILY_ID, h.clock.now());
    const all = h.hf.byDate.get("2026-06-12") ?? [];
    const eligible = all.filter((p) => p.upvotes >= 3 && matchesTopic(p, parseTopic("agents"))).map((p) => p.id);
    const offTopic = all.filter((p) => !matchesTopic(p, parseTopic("agents"))).map((p) => p.id);
    expect(offTopic.length).toBeGreaterThan(0);
    expect(h.shownIds().length).toBeGreaterThan(0);
    for (const id of h.shownIds()) expect(eligible).toContain(id);
  });

  it("pauses a subscription the platform rejects, and settings shows the reason and the fix", async () => {
    const h = await subscribed();
    h.platform.setMode({ kind: "reject", reason: "not-in-channel", hint: "Run /invite @paperboy in #research." });
    const result = await h.job.run(DAILY_ID, h.clock.now());
    expect(result.status).toBe("rejected");
    expect((await h.subscriptions.get(DAILY_ID))?.paused?.hint).toBe("Run /invite @paperboy in #research.");
    const settings = replyText(await h.commands.settings(invocation()));
    expect(settings).toContain("Paused: not-in-channel");
    expect(settings).toContain("Run /invite @paperboy in #research.");
    // No retry while paused.
    h.clock.advance(24 * 60 * 60_000);
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("skipped");
    expect(h.platform.requests).toHaveLength(1);
  });

  it("retries a failed post on the next run and posts it once", async () => {
    const h = await subscribed();
    h.platform.nextOnce({ kind: "fail", error: "HTTP 503" });
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("failed");
    expect(h.platform.posted).toHaveLength(0);
    h.clock.advance(60_000);
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("posted");
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("skipped");
    expect(h.platform.posted).toHaveLength(1);
  });

  it("treats an adapter that throws as a failed post, not a crash", async () => {
    const h = await subscribed();
    h.platform.nextOnce({ kind: "throw", error: "socket hang up" });
    const result = await h.job.run(DAILY_ID, h.clock.now());
    expect(result).toMatchObject({ status: "failed" });
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("posted");
  });

  it("gives the claim back when Hugging Face is down, so a later run delivers", async () => {
    const h = await subscribed();
    h.hf.setFailing(true);
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("failed");
    h.hf.setFailing(false);
    expect((await h.job.run(DAILY_ID, h.clock.now())).status).toBe("posted");
  });

  it("says so in the digest when the papers come from a stale cache", async () => {
    const h = await subscribed();
    h.hf.setStale(true);
    await h.job.run(DAILY_ID, h.clock.now());
    expect(h.platform.posted[0]?.messages[0]?.fallbackText).toContain("could not be reached");
  });

  it("asks for the ISO week of the last completed day for a weekly subscription", async () => {
    const h = await subscribed({ source: { kind: "weekly" } }, "2026-06-15T07:00:00Z"); // Monday
    const result = await h.job.run(subscriptionId(CHANNEL, { kind: "weekly" }), h.clock.now());
    expect(result.status).toBe("posted");
    expect(h.hf.calls).toEqual(["week:2026-W24"]);
  });

  it("archives every paper it fetched, shown or not", async () => {
    const h = await subscribed();
    await h.job.run(DAILY_ID, h.clock.now());
    expect(h.archived).toHaveLength(30);
  });

  it("archives a batch shared by many channels once, and again when the source serves a new batch", async () => {
    const clock = createClock(SAT_MORNING);
    const upserts: number[] = [];
    const batch = await createFixtureHfSource(clock.now).daily("2026-06-12");
    let current = batch;
    const h = createHarness(store, {
      now: clock.now,
      timezone: "Europe/Berlin",
      extra: {
        hf: { daily: () => Promise.resolve(current), week: () => Promise.resolve(current), month: () => Promise.resolve(current) },
        archive: {
          upsert: (papers) => {
            upserts.push(papers.length);
            return Promise.resolve();
          },
        },
      },
    });
    const channels = ["a", "b", "c", "d"].map((c) => ({ ...CHANNEL, channel: c }));
    for (const channel of channels) await h.commands.subscribe(invocation(channel), daily());
    const results = await Promise.all(channels.slice(0, 3).map((c) => h.job.run(subscriptionId(c, { kind: "daily" }), clock.now())));
    expect(results.map((r) => r.status)).toEqual(["posted", "posted", "posted"]);
    expect(upserts).toEqual([30]);
    current = { ...batch, papers: [...batch.papers] };
    await h.job.run(subscriptionId(channels[3]!, { kind: "daily" }), clock.now());
    expect(upserts).toEqual([30, 30]);
  });

  it("skips a subscription that no longer exists", async () => {
    const h = await subscribed();
    await h.commands.unsubscribe(invocation());
    expect(await h.job.run(DAILY_ID, h.clock.now())).toEqual({ status: "skipped", reason: "no such subscription" });
  });
});
