// Many replicas on one Redis: three real paperboy processes (node-cron + BullMQ) post each due digest exactly once,
// also when one is SIGKILLed mid-run and when an earlier crash left deliveries open; every digest is seeded once.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCore, type Core } from "../../src/create-core.js";
import type { DeliveryRecord } from "../../src/delivery/delivery-store.js";
import { planOf } from "../../src/delivery/delivery.js";
import { lastCompletedBatchDate } from "../../src/sources/ny-date.js";
import { channelKey, channelRef } from "../../src/platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../../src/platform/emoji.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { type Subscription } from "../../src/subscriptions/subscription.js";
import { createFakePlatform } from "../fakes/fake-platform.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { startPostSink, type PostSink, type SinkPost } from "../fakes/post-sink.js";
import { connectRedisAdmin, type RedisAdmin } from "../fakes/redis-admin.js";
import { spawnReplica, waitUntil, type Replica } from "../fakes/replica-cluster.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";
import { dailySubscription } from "../fakes/subscriptions.js";

const redisAvailable = await probeRedis("Multi-replica tests");
const runPrefix = `paperboy-test-replicas-${randomUUID()}`;

// Every process runs on a clock pinned to Saturday 13 June 2026, 15:00 UTC (advancing in real time), so the
// last completed Hugging Face day is the recorded Friday batch for the whole run, whatever today is.
const PINNED = Date.parse("2026-06-13T15:00:00Z");
const offsetMs = PINNED - Date.now();
const now = (): Date => new Date(Date.now() + offsetMs);
const PERIOD = `daily:${lastCompletedBatchDate(new Date(PINNED))}`;

const SUBSCRIPTIONS = 200;
const WORKSPACES = 8;
const TOP = 3;
const channelOf = (i: number) => channelRef("slack", `T${String(i % WORKSPACES)}`, `C${String(i)}`);

/** 200 daily subscriptions due every second (6-field cron), compact, in 8 workspaces: one schedule group. */
async function seedSubscriptions(store: Store): Promise<Subscription[]> {
  const all = Array.from({ length: SUBSCRIPTIONS }, (_, i): Subscription => {
    const channel = channelOf(i);
    return dailySubscription(channel, {
      top: TOP,
      voteEmoji: [...DEFAULT_VOTE_EMOJI],
      createdAt: now().toISOString(),
    });
  });
  await Promise.all(all.map((s) => store.subscriptions.put(s)));
  return all;
}

function duplicates(posts: readonly SinkPost[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const p of posts) {
    if (seen.has(p.channel)) twice.push(p.channel);
    seen.add(p.channel);
  }
  return twice;
}

async function ledger(store: Store, subs: readonly Subscription[]): Promise<(DeliveryRecord | undefined)[]> {
  return Promise.all(subs.map((s) => store.deliveries.get(`${s.id}@${PERIOD}`)));
}

/** Every message in the sink carries its keycaps 1️⃣…3️⃣, once each. */
function seededOnce(sink: PostSink): boolean {
  return sink.posts.every(
    (p) => JSON.stringify(sink.reactions.get(p.id)) === JSON.stringify(["keycap:1", "keycap:2", "keycap:3"]),
  );
}

describe.runIf(redisAvailable)("three paperboy replicas on one Redis", () => {
  let hf: PaperApiServer;
  let sink: PostSink;
  let admin: RedisAdmin;
  let store: Store | undefined;
  let replicas: Replica[] = [];

  beforeAll(async () => {
    hf = await startPaperApiServer();
    sink = await startPostSink();
    admin = await connectRedisAdmin(redisUrl);
  });
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    replicas = [];
    await store?.close();
    store = undefined;
    sink.reset();
  });
  afterAll(async () => {
    await admin.deletePrefix(runPrefix);
    admin.close();
    await sink.close();
    await hf.close();
  });

  /** Opens the test's own view of a fresh prefix and spawns three replicas on it (not yet started). */
  async function cluster(prefix: string, extra: { DELIVERY_CONCURRENCY?: string } = {}): Promise<Store> {
    const opened = await createStore(redisUrl, { keyPrefix: prefix, owner: "test" });
    store = opened;
    replicas = ["a", "b", "c"].map((id) =>
      spawnReplica(id, {
        STORE_URL: redisUrl,
        REPLICA_PREFIX: prefix,
        SINK_URL: sink.url,
        HF_URL: hf.url,
        NOW_OFFSET_MS: String(offsetMs),
        // A killed replica's jobs run again 2 s after its last lock renewal (BullMQ's default is 30 s).
        LOCK_MS: "2000",
        // A per-second cron has 21,600 runs in the default 6-hour catch-up window: keep catch-up out, the ticks do the work.
        GRACE_MS: "1",
        REPLICA_LOG: "warn",
        ...extra,
      }),
    );
    await Promise.all(replicas.map((r) => r.ready));
    return opened;
  }

  it("GIVEN 200 subscriptions due in the same second on 3 replicas THEN exactly 200 posts, none twice, each seeded once, shared across replicas", async () => {
    const db = await cluster(`${runPrefix}-all`, { DELIVERY_CONCURRENCY: "20" });
    const subs = await seedSubscriptions(db);
    sink.setLatencyMs(100);
    const started = await Promise.all(replicas.map((r) => r.start()));
    expect(started.map((s) => s.groups)).toEqual([1, 1, 1]);

    const all = await waitUntil(
      async () => (await ledger(db, subs)).every((r) => r?.state === "posted"),
      45_000,
    );
    expect(all, replicas.map((r) => r.stderr()).join("\n")).toBe(true);
    // Three more seconds of ticks on every replica: nothing is posted again.
    await new Promise((r) => setTimeout(r, 3_000));

    expect(duplicates(sink.posts)).toEqual([]);
    expect(sink.posts).toHaveLength(SUBSCRIPTIONS);
    expect(new Set(sink.posts.map((p) => p.channel))).toEqual(
      new Set(subs.map((s) => channelKey(s.channel))),
    );
    expect(sink.posts.every((p) => p.text.startsWith("Trending on Hugging Face — Fri 12 June"))).toBe(true);
    expect(seededOnce(sink)).toBe(true);
    // The queue spreads the deliveries: every replica posted some.
    const byReplica = new Map<string, number>();
    for (const p of sink.posts) byReplica.set(p.replica, (byReplica.get(p.replica) ?? 0) + 1);
    expect([...byReplica.keys()].sort()).toEqual(["a", "b", "c"]);
    const stored = await db.subscriptions.all();
    expect(stored.every((s) => s.lastDelivered?.periodKey === PERIOD)).toBe(true);
  }, 60_000);

  it("GIVEN an earlier crash's open deliveries and one replica SIGKILLed mid-run THEN every channel gets exactly one digest, seeded once", async () => {
    const db = await cluster(`${runPrefix}-kill`, { DELIVERY_CONCURRENCY: "4" });
    const subs = await seedSubscriptions(db);
    // A replica that died before these started left 10 claims that never reached "posting", 5 caught mid-post whose
    // message did reach the channel (its answer never came back), and 5 mid-post whose message did not.
    const papers = hfFixturePapers().sort((a, b) => b.upvotes - a.upvotes);
    await db.papers.putMany(papers);
    const dead = await createStore(redisUrl, { keyPrefix: `${runPrefix}-kill`, owner: "dead-replica" });
    const ranked = papers.slice(0, TOP).map((paper, i) => ({ paper, score: 10 - i }));
    const plan = planOf(
      "digest",
      { title: "Trending on Hugging Face — Fri 12 June", top: TOP, layout: "compact" },
      ranked,
      papers.length - TOP,
    );
    const claimedOnly = subs.slice(0, 10);
    const reached = subs.slice(10, 15);
    const lost = subs.slice(15, 20);
    for (const [i, s] of [...claimedOnly, ...reached, ...lost].entries()) {
      const key = `${s.id}@${PERIOD}`;
      const handle = `d${i.toString(16).padStart(16, "0")}`;
      await dead.deliveries.claim({
        key,
        token: "dead-replica#1",
        handle,
        channel: s.channel,
        at: Date.now(),
        subscriptionId: s.id,
        periodKey: PERIOD,
      });
      if (claimedOnly.includes(s)) continue;
      await dead.deliveries.markPosting(key, "dead-replica#1", 0, plan);
      if (reached.includes(s))
        await fetch(`${sink.url}/post`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            replica: "dead",
            channel: channelKey(s.channel),
            text: "Trending on Hugging Face — Fri 12 June",
            delivery: handle,
            index: 0,
          }),
        });
    }
    await dead.close(); // its heartbeat goes with it: its claims are a dead replica's

    // Slow posts (150 ms, 4 at a time per replica) so the run lasts seconds; the 40th message's sender dies.
    sink.setLatencyMs(150);
    let victim: Replica | undefined;
    sink.onPost((post) => {
      if (post.seq !== 39) return;
      victim = replicas.find((r) => r.id === post.replica);
      victim?.child.kill("SIGKILL");
    });
    await Promise.all(replicas.map((r) => r.start()));

    const settled = async (): Promise<boolean> =>
      (await ledger(db, subs)).every((r) => r?.state === "posted");
    const done = await waitUntil(settled, 50_000);
    expect(done, replicas.map((r) => r.stderr()).join("\n")).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000)); // more ticks on the survivors: nothing is posted again

    expect(victim?.exited).toBe(true);
    expect(duplicates(sink.posts)).toEqual([]);
    expect(new Set(sink.posts.map((p) => p.channel))).toEqual(
      new Set(subs.map((s) => channelKey(s.channel))),
    );
    expect(seededOnce(sink)).toBe(true);
    // The messages that reached the channel before the crash were found by reading back, not posted again.
    for (const s of reached)
      expect(sink.posts.filter((p) => p.channel === channelKey(s.channel)).map((p) => p.replica)).toEqual([
        "dead",
      ]);
    // The survivors did the rest of the work.
    const after = new Set(sink.posts.filter((p) => p.seq > 39).map((p) => p.replica));
    expect([...after].filter((id) => id !== victim?.id && id !== "dead").length).toBeGreaterThan(0);
  }, 70_000);
});

describe.runIf(redisAvailable)("votes through two replicas' cores on one Redis", () => {
  let hf: PaperApiServer;
  const stores: Store[] = [];
  const cores: Core[] = [];
  const prefix = `${runPrefix}-votes`;

  beforeAll(async () => {
    hf = await startPaperApiServer();
  });
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.stop()));
    await Promise.all(stores.map((s) => s.close()));
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(prefix);
    admin.close();
    await hf.close();
  });

  async function replicaCore(): Promise<Core> {
    const store = await createStore(redisUrl, { keyPrefix: prefix });
    stores.push(store);
    const core = createCore({
      config: { HF_API_URL: hf.url, ARXIV_API_URL: hf.arxivUrl, DEFAULT_TIMEZONE: "UTC" },
      store,
      log: silentLogger,
      now,
      scheduler: createManualScheduler(),
      http: { timeoutMs: 1_000, retries: 0 },
      resyncMs: 0,
    });
    core.paperboy.registerPlatform(createFakePlatform({ id: "console" }));
    await core.start();
    cores.push(core);
    return core;
  }

  it("GIVEN a digest posted by replica A THEN a vote on A and a vote on B land in one tally that /papers top shows on both", async () => {
    const [a, b] = [await replicaCore(), await replicaCore()];
    const channel = channelRef("console", "local", "C-votes");
    const posted = await a.paperboy.handleCommand({ channel, userId: "U0", text: "today", canManage: true });
    expect(JSON.stringify(posted.message.blocks)).toContain("Posted");

    const message = { channel, id: "m1" };
    const onA = await a.paperboy.handleReaction({
      message,
      userId: "U1",
      emoji: { kind: "keycap", number: 1 },
      change: "added",
    });
    const onB = await b.paperboy.handleReaction({
      message,
      userId: "U2",
      emoji: { kind: "keycap", number: 1 },
      change: "added",
    });
    expect(onA).toMatchObject({ status: "counted", votes: 1 });
    expect(onB).toMatchObject({ status: "counted", votes: 2 });

    for (const core of [a, b]) {
      const top = await core.paperboy.handleCommand({
        channel,
        userId: "U3",
        text: "top week",
        canManage: false,
      });
      expect(top.message.fallbackText).toContain("(2 votes)");
    }
  });
});
