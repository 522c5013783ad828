import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWatchPoller, WATCH_POLL_CRON, WATCH_POLL_ID } from "../../src/scheduler/watch-poller.js";
import { silentLogger } from "../../src/shared/logger.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import type { Store } from "../../src/storage/key-value.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { makePaper } from "../fakes/hf-fixture-papers.js";
import { CHANNEL, createClock, createHarness, invocation } from "./harness.js";

let store: Store;
beforeEach(async () => {
  store = await createStore("memory://");
});
afterEach(async () => {
  await store.close();
});

function setup() {
  const clock = createClock("2026-06-13T15:00:00Z");
  const h = createHarness(store, { now: clock.now });
  const poller = createWatchPoller({ watches: h.watches, hf: h.hf, ledger: h.ledger, platforms: h.platforms, posts: h.posts, now: clock.now, log: silentLogger });
  return { ...h, poller, clock };
}

const alertedIds = (h: ReturnType<typeof setup>) =>
  h.platform.posted.flatMap((r) => r.messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === "paper" ? [b.paper.id] : []))));

describe("watch poller", () => {
  it("alerts once per paper that matches the topic and passes the threshold, as a votable card", async () => {
    const h = setup();
    await h.commands.watch(invocation(), "agents", 50);
    const first = await h.poller.poll();
    // Of the recorded batch, only EvoArena (118 upvotes) is about agents and above 50.
    expect(alertedIds(h)).toEqual(["2606.13681"]);
    expect(first).toEqual({ alerts: 1, failed: 0 });
    const ref = (await h.posts.postedIn(CHANNEL))[0];
    expect(ref?.kind).toBe("alert");
    expect(ref?.layout).toBe("cards");
    expect(h.hf.calls).toEqual(expect.arrayContaining(["trending", "daily:2026-06-13"]));
    // Next hour: still trending, never announced twice.
    h.clock.advance(3600_000);
    expect(await h.poller.poll()).toEqual({ alerts: 0, failed: 0 });
    expect(h.platform.posted).toHaveLength(1);
  });

  it("alerts when a paper crosses the threshold later", async () => {
    const h = setup();
    await h.commands.watch(invocation(), "sparse attention", 200);
    await h.poller.poll();
    expect(h.platform.posted).toHaveLength(0);
    h.hf.setTrending([makePaper({ id: "2606.13392", title: "MiniMax Sparse Attention", upvotes: 240 })]);
    await h.poller.poll();
    expect(alertedIds(h)).toEqual(["2606.13392"]);
  });

  it("alerts each watching channel separately", async () => {
    const h = setup();
    const other = channelRef("console", "local", "other");
    await h.commands.watch(invocation(), "agents", 50);
    await h.commands.watch(invocation(other), "agents", 50);
    await h.poller.poll();
    expect(h.platform.posted.map((r) => r.channel.channel).sort()).toEqual(["other", "research"]);
  });

  it("retries an alert whose post failed, and stops after unwatch", async () => {
    const h = setup();
    await h.commands.watch(invocation(), "agents", 50);
    h.platform.nextOnce({ kind: "fail", error: "HTTP 500" });
    expect(await h.poller.poll()).toEqual({ alerts: 0, failed: 1 });
    expect(await h.poller.poll()).toEqual({ alerts: 1, failed: 0 });
    await h.commands.unwatch(invocation(), "agents");
    h.hf.setTrending([makePaper({ id: "2606.99999", title: "More agents", upvotes: 500 })]);
    await h.poller.poll();
    expect(h.platform.posted).toHaveLength(1);
  });

  it("puts an hourly UTC poll on the scheduler", async () => {
    const h = setup();
    h.poller.start(h.scheduler);
    expect(h.scheduler.entries.get(WATCH_POLL_ID)).toMatchObject({ cron: WATCH_POLL_CRON, timezone: "UTC" });
    await h.commands.watch(invocation(), "agents", 50);
    await h.scheduler.fire(WATCH_POLL_ID, h.clock.now());
    expect(h.platform.posted).toHaveLength(1);
  });
});
