// The one delivery pipeline on real stores: record before decorate, exactly once through failures, resume from the plan.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeliverer } from "../../src/delivery/deliver.js";
import { planOf, RetryableError, type Compose, type Deliverer } from "../../src/delivery/delivery.js";
import type { RankedPaper } from "../../src/digest/digest-types.js";
import type { Paper } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { type Subscription } from "../../src/subscriptions/subscription.js";
import { createFakePlatform, type FakePlatform } from "../fakes/fake-platform.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { dailySubscription } from "../fakes/subscriptions.js";

const dir = mkdtempSync(join(tmpdir(), "paperboy-deliver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const channel = channelRef("slack", "T1", "C1");
const papers = hfFixturePapers().sort((a, b) => b.upvotes - a.upvotes);
const byId = new Map(papers.map((p) => [p.id, p] as const));
const NOW = new Date("2026-06-13T15:00:00Z");

function composition(kind: "compact" | "cards", shown: readonly Paper[] = papers.slice(0, 3)): Compose {
  const ranked: RankedPaper[] = shown.map((paper, i) => ({ paper, score: 10 - i }));
  return () =>
    Promise.resolve({
      plan: planOf(
        "digest",
        { title: "Trending on Hugging Face — Fri 12 June", top: ranked.length, layout: kind },
        ranked,
        2,
      ),
      ranked,
    });
}

interface Rig {
  store: Store;
  platform: FakePlatform;
  deliverer: Deliverer;
  recorded: string[];
}

async function rig(url: string, owner: string, platform = createFakePlatform({ id: "slack" })): Promise<Rig> {
  const store = await createStore(url, { owner });
  const recorded: string[] = [];
  const deliverer = createDeliverer({
    deliveries: store.deliveries,
    platform: () => platform,
    papers: (ids) => Promise.resolve(ids.flatMap((id) => (byId.get(id) ? [byId.get(id)!] : []))),
    owner,
    now: () => NOW,
    log: silentLogger,
    onRecorded: (ref) => recorded.push(ref.id),
  });
  return { store, platform, deliverer, recorded };
}

describe("the delivery pipeline", () => {
  let file: string;
  let opened: Store[] = [];
  const open = async (owner: string, platform?: FakePlatform): Promise<Rig> => {
    const r = await rig(`sqlite://${file}`, owner, platform);
    opened.push(r.store);
    return r;
  };
  beforeEach(() => {
    file = join(dir, `${String(Date.now())}-${String(Math.random()).slice(2)}.sqlite`);
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
    opened = [];
  });

  it("GIVEN a compact digest THEN it is posted once, recorded as paperboy's before its keycaps go on, and finished", async () => {
    const { store, platform, deliverer, recorded } = await open("p1");
    platform.setReactionLatencyMs(30);
    const lookups: boolean[] = [];
    const pending = deliverer.deliver({ key: "k1", channel }, composition("compact"));
    // While the keycaps are still being added, the message already counts as paperboy's.
    await new Promise((r) => setTimeout(r, 20));
    lookups.push((await store.posts.lookup({ channel, id: "m1" })) !== undefined);
    const result = await pending;
    expect(result).toMatchObject({
      status: "posted",
      resumed: false,
      shown: papers.slice(0, 3).map((p) => p.id),
    });
    expect(lookups).toEqual([true]);
    expect(recorded).toEqual(["m1"]);
    expect(platform.sent).toHaveLength(1);
    expect(platform.reactions.get("m1")).toEqual(["keycap:1", "keycap:2", "keycap:3"]);
    expect(await store.deliveries.get("k1")).toMatchObject({
      state: "posted",
      sent: [{ index: 0, id: "m1" }],
    });
    // The same key again: already delivered.
    expect(await deliverer.deliver({ key: "k1", channel }, composition("compact"))).toMatchObject({
      status: "skipped",
    });
    expect(platform.sent).toHaveLength(1);
  });

  it("GIVEN a cards digest on a slow platform THEN each card is paperboy's as soon as it is sent, before the next one", async () => {
    const { store, platform, deliverer } = await open("p1");
    platform.setLatencyMs(40);
    const seenWhileSending: number[] = [];
    platform.onSent(() => {
      void (async () => {
        let known = 0;
        for (const s of platform.sent) if (await store.posts.lookup(s.ref)) known++;
        seenWhileSending.push(known);
      })();
    });
    const result = await deliverer.deliver({ key: "cards", channel }, composition("cards"));
    expect(result).toMatchObject({ status: "posted" });
    expect(platform.sent).toHaveLength(4); // header + 3 cards
    // When card n reaches the channel, the n − 1 before it are already recorded.
    expect(seenWhileSending).toEqual([0, 1, 2, 3]);
    expect(platform.reactions.size).toBe(0); // cards are voted with any vote emoji: nothing seeded
  });

  it("GIVEN the answer to a post is lost (the message is in the channel) THEN the retry reads the channel back and records it, never posting twice", async () => {
    const { store, platform, deliverer } = await open("p1");
    platform.nextOnce({ kind: "sent-but-lost" });
    expect(await deliverer.deliver({ key: "lost", channel }, composition("compact"))).toMatchObject({
      status: "retry",
    });
    expect(await store.deliveries.get("lost")).toMatchObject({ state: "posting", posting: 0, sent: [] });
    expect(platform.sent).toHaveLength(1);
    const again = await deliverer.deliver(
      { key: "lost", channel },
      composition("compact", papers.slice(5, 8)),
    );
    expect(again).toMatchObject({
      status: "posted",
      resumed: true,
      shown: papers.slice(0, 3).map((p) => p.id),
    });
    expect(platform.sent).toHaveLength(1);
    expect(await store.posts.lookup(platform.sent[0]!.ref)).toBeDefined();
    expect(platform.reactions.get(platform.sent[0]!.ref.id)).toEqual(["keycap:1", "keycap:2", "keycap:3"]);
  });

  it("GIVEN a process died mid cards digest THEN another takes over, finds what went out and posts only the rest, from the same plan", async () => {
    const first = await open("dead");
    first.platform.setLatencyMs(30);
    first.platform.onSent((s) => {
      // Dies right after the second message reaches the channel, before its answer.
      if (s.handle.index === 1) void first.store.close();
    });
    const crashed = await first.deliverer.deliver({ key: "cards", channel }, composition("cards"));
    expect(crashed.status).toBe("unrecorded");
    expect(first.platform.sent).toHaveLength(2);
    const second = await open("alive", first.platform);
    // A different composition would be ranked now; the plan keeps the original papers.
    const result = await second.deliverer.deliver(
      { key: "cards", channel },
      composition("cards", papers.slice(10, 13)),
    );
    expect(result).toMatchObject({ status: "posted", resumed: true });
    expect(second.platform.sent.map((s) => s.handle.index)).toEqual([0, 1, 2, 3]);
    expect(second.platform.shownIds()).toEqual(papers.slice(0, 3).map((p) => p.id));
    expect((await second.store.deliveries.get("cards"))?.sent.map((s) => s.index)).toEqual([0, 1, 2, 3]);
  });

  it("GIVEN an open claim of a live owner THEN another run leaves it alone, unless it is the queue's next attempt", async () => {
    const a = await open("a");
    a.platform.setLatencyMs(100);
    const running = a.deliverer.deliver({ key: "busy", channel }, composition("compact"));
    await new Promise((r) => setTimeout(r, 20));
    expect(await a.deliverer.deliver({ key: "busy", channel }, composition("compact"))).toMatchObject({
      status: "skipped",
    });
    expect(a.deliverer.running("busy")).toBe(true);
    await running;
    expect(a.platform.sent).toHaveLength(1);
  });

  it("GIVEN the platform rejects the first message THEN the delivery finishes rejected and pauses its subscription", async () => {
    const { store, platform, deliverer } = await open("p1");
    const sub: Subscription = dailySubscription(channel, { cron: "0 9 * * *", createdAt: NOW.toISOString() });
    await store.subscriptions.put(sub);
    platform.nextOnce({ kind: "reject", reason: "not-in-channel", hint: "invite @paperboy" });
    const result = await deliverer.deliver(
      { key: `${sub.id}@daily:2026-06-12`, channel, subscriptionId: sub.id },
      composition("compact"),
    );
    expect(result).toMatchObject({ status: "rejected", reason: "not-in-channel", posted: 0 });
    expect((await store.subscriptions.get(sub.id))?.paused).toMatchObject({
      reason: "not-in-channel",
      hint: "invite @paperboy",
    });
  });

  it("GIVEN a payload the platform refuses for good THEN the claim is given back; a retryable failure keeps nothing posted and the next attempt posts once", async () => {
    const { store, platform, deliverer } = await open("p1");
    platform.nextOnce({ kind: "fail", error: "invalid_blocks", retryable: false });
    expect(await deliverer.deliver({ key: "bad", channel }, composition("compact"))).toMatchObject({
      status: "failed",
    });
    expect(await store.deliveries.get("bad")).toBeUndefined();
    platform.nextOnce({ kind: "fail", error: "HTTP 503", retryable: true });
    expect(await deliverer.deliver({ key: "blip", channel }, composition("compact"))).toMatchObject({
      status: "retry",
      reason: "HTTP 503",
    });
    expect(platform.sent).toHaveLength(0);
    expect(await deliverer.deliver({ key: "blip", channel }, composition("compact"))).toMatchObject({
      status: "posted",
      resumed: true,
    });
    expect(platform.sent).toHaveLength(1);
  });

  it("GIVEN an upstream failure while composing THEN the claim is given back and the result says retry", async () => {
    const { store, deliverer } = await open("p1");
    const result = await deliverer.deliver({ key: "hf", channel }, () =>
      Promise.reject(new RetryableError("Hugging Face cannot be reached")),
    );
    expect(result).toMatchObject({ status: "retry", reason: "Hugging Face cannot be reached" });
    expect(await store.deliveries.get("hf")).toBeUndefined();
  });

  it("GIVEN a delivery asked for again after it finished THEN a new copy is posted with a new handle", async () => {
    const { platform, deliverer } = await open("p1");
    await deliverer.deliver({ key: "ondemand", channel, again: true }, composition("compact"));
    await deliverer.deliver({ key: "ondemand", channel, again: true }, composition("compact"));
    expect(platform.sent).toHaveLength(2);
    expect(platform.sent[0]!.handle.delivery).not.toBe(platform.sent[1]!.handle.delivery);
  });

  it("GIVEN the same delivery started twice at once THEN it is posted once", async () => {
    const { platform, deliverer } = await open("p1");
    platform.setLatencyMs(20);
    const results = await Promise.all(
      [1, 2, 3].map(() => deliverer.deliver({ key: "race", channel }, composition("compact"))),
    );
    expect(results.filter((r) => r.status === "posted")).toHaveLength(1);
    expect(platform.sent).toHaveLength(1);
  });

  it("GIVEN a resumed delivery whose open record has no plan (it never reached posting) THEN resume gives the claim back", async () => {
    const dead = await open("dead");
    await dead.store.deliveries.claim({
      key: "early",
      token: "dead#1",
      handle: "d0000000000000001",
      channel,
      at: 1,
    });
    await dead.store.close();
    const live = await open("live");
    const record = await live.store.deliveries.get("early");
    expect(await live.deliverer.resume(record!, false)).toMatchObject({ status: "skipped" });
    expect(await live.store.deliveries.get("early")).toBeUndefined();
  });
});
