// Many replicas on one Redis: three real paperboy processes with node-cron post each due digest once, also when one dies.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCore, type Core } from "../../src/app/create-core.js";
import { lastCompletedBatchDate } from "../../src/papers/sources/ny-date.js";
import { channelKey, channelRef } from "../../src/platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../../src/platform/emoji.js";
import { createDeliveryLedger, type DeliveryRecord } from "../../src/scheduler/delivery-ledger.js";
import { silentLogger } from "../../src/shared/logger.js";
import type { Store } from "../../src/storage/key-value.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import { createSubscriptionStore } from "../../src/subscriptions/subscription-store.js";
import { subscriptionId, type Subscription } from "../../src/subscriptions/subscription.js";
import { createFakePlatform } from "../fakes/fake-platform.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { startPostSink, type PostSink, type SinkPost } from "../fakes/post-sink.js";
import { connectRedisAdmin, type RedisAdmin } from "../fakes/redis-admin.js";
import { spawnReplica, waitUntil, type Replica } from "../fakes/replica-cluster.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";

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
const channelOf = (i: number) => channelRef("slack", `T${String(i % WORKSPACES)}`, `C${String(i)}`);

/** 200 daily subscriptions due every second (6-field cron), compact, in 8 workspaces. */
async function seedSubscriptions(store: Store): Promise<Subscription[]> {
  const subs = createSubscriptionStore(store.namespace("subscriptions"));
  const all = Array.from({ length: SUBSCRIPTIONS }, (_, i): Subscription => {
    const channel = channelOf(i);
    return {
      id: subscriptionId(channel, { kind: "daily" }),
      channel,
      source: { kind: "daily" },
      cron: "* * * * * *",
      timezone: "UTC",
      minUpvotes: 0,
      top: 3,
      layout: "compact",
      voteEmoji: [...DEFAULT_VOTE_EMOJI],
      createdAt: now().toISOString(),
      emptyNotice: false,
    };
  });
  await Promise.all(all.map((s) => subs.put(s)));
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

async function ledgerRecords(store: Store): Promise<Map<string, DeliveryRecord>> {
  const out = new Map<string, DeliveryRecord>();
  for await (const [key, record] of store.namespace("deliveries").entries<DeliveryRecord>()) out.set(key, record);
  return out;
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
  async function cluster(prefix: string, extra: { DELIVERY_CONCURRENCY?: string; CLAIM_LEASE_MS?: string } = {}): Promise<Store> {
    const opened = await createStore(redisUrl, { keyPrefix: prefix });
    store = opened;
    replicas = ["a", "b", "c"].map((id) =>
      spawnReplica(id, {
        REDIS_URL: redisUrl,
        REPLICA_PREFIX: prefix,
        SINK_URL: sink.url,
        HF_URL: hf.url,
        NOW_OFFSET_MS: String(offsetMs),
        // A dead replica's claim is taken over after 3 s, not 10 min; tick leases expire after 2 s.
        CLAIM_LEASE_MS: "3000",
        TICK_LEASE_MS: "2000",
        // A per-second cron has 21,600 runs in the default 6-hour catch-up window (and cronNextRun walks every
        // second of the hour before `now`, ~100 ms a call): catch-up is kept out, the ticks do the work.
        GRACE_MS: "1",
        REPLICA_LOG: "warn",
        ...extra,
      }),
    );
    await Promise.all(replicas.map((r) => r.ready));
    return opened;
  }

  it("GIVEN 200 subscriptions due in the same second on 3 replicas THEN exactly 200 posts, no channel twice, shared across replicas", async () => {
    // 200 deliveries start at once per replica and each stores the fetched papers under per-key Redis locks,
    // so a claim can take seconds to reach "posting": a 3 s lease would see live claims taken over (safe since
    // markPosting checks ownership, but slow). Nobody dies here, so the lease is 10 s.
    // Sharing: the replica whose timer fires first wins every tick lease of that second. The work spreads
    // because a replica still busy with a subscription's run skips its next tick (node-cron noOverlap), so
    // the run must outlast a second: 200 ms posts, 20 at a time per replica.
    const db = await cluster(`${runPrefix}-all`, { CLAIM_LEASE_MS: "10000", DELIVERY_CONCURRENCY: "20" });
    const subs = await seedSubscriptions(db);
    sink.setLatencyMs(200);
    const started = await Promise.all(replicas.map((r) => r.start()));
    expect(started.map((s) => s.scheduled)).toEqual([200, 200, 200]);

    const all = await waitUntil(() => new Set(sink.posts.map((p) => p.channel)).size >= SUBSCRIPTIONS, 45_000);
    expect(all, replicas.map((r) => r.stderr()).join("\n")).toBe(true);
    // Three more seconds of ticks on every replica: nothing is posted again.
    await new Promise((r) => setTimeout(r, 3_000));

    expect(duplicates(sink.posts)).toEqual([]);
    expect(sink.posts).toHaveLength(SUBSCRIPTIONS);
    expect(new Set(sink.posts.map((p) => p.channel))).toEqual(new Set(subs.map((s) => channelKey(s.channel))));
    expect(sink.posts.every((p) => p.texts[0]?.startsWith("Trending on Hugging Face — Fri 12 June"))).toBe(true);
    const byReplica = new Set(sink.posts.map((p) => p.replica));
    expect(byReplica.size).toBeGreaterThan(1);

    const records = await ledgerRecords(db);
    expect(records.size).toBe(SUBSCRIPTIONS);
    expect([...records.values()].every((r) => r.state === "posted")).toBe(true);
    const stored = await createSubscriptionStore(db.namespace("subscriptions")).all();
    expect(stored.every((s) => s.lastDelivered?.periodKey === PERIOD)).toBe(true);
  }, 60_000);

  it("GIVEN an earlier crash's open claims and one replica SIGKILLed mid-run THEN the other two finish: none twice, every channel posted or marked unknown", async () => {
    const db = await cluster(`${runPrefix}-kill`, { DELIVERY_CONCURRENCY: "4" });
    const subs = await seedSubscriptions(db);
    // A replica that died before these replicas started left 10 claims that never reached "posting" (nothing
    // went out: they must be taken over and posted once) and 5 caught mid-post (may have gone out: never again).
    const dead = createDeliveryLedger({ deliveries: db.namespace("deliveries"), now, log: silentLogger, owner: "dead-replica" });
    const claimedOnly = subs.slice(0, 10);
    const midPost = subs.slice(10, 15);
    for (const s of [...claimedOnly, ...midPost]) {
      const token = await dead.claim(`${s.id}@${PERIOD}`, { subscriptionId: s.id, periodKey: PERIOD });
      if (token === undefined) throw new Error("seeding the dead claims failed");
      if (midPost.includes(s)) await dead.markPosting(`${s.id}@${PERIOD}`, token);
    }

    // Slow posts (150 ms, 4 at a time per replica) so the run lasts seconds; the 30th post's sender dies.
    sink.setLatencyMs(150);
    let victim: Replica | undefined;
    sink.onPost((post) => {
      if (post.seq !== 29) return;
      victim = replicas.find((r) => r.id === post.replica);
      victim?.child.kill("SIGKILL");
    });
    await Promise.all(replicas.map((r) => r.start()));

    const settled = async (): Promise<boolean> => {
      const posted = new Set(sink.posts.map((p) => p.channel));
      const records = await ledgerRecords(db);
      return subs.every(
        (s) => posted.has(channelKey(s.channel)) || records.get(`${s.id}@${PERIOD}`)?.state === "unknown",
      );
    };
    const done = await waitUntil(settled, 45_000);
    expect(done, replicas.map((r) => r.stderr()).join("\n")).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000)); // more ticks on the survivors: nothing is posted again

    expect(victim).toBeDefined();
    expect(victim?.exited).toBe(true);
    expect(duplicates(sink.posts)).toEqual([]);
    expect(sink.posts.length).toBeLessThanOrEqual(SUBSCRIPTIONS);
    const posted = new Set(sink.posts.map((p) => p.channel));
    // The crash's "claimed" ones were taken over after the lease and posted once; its "posting" ones never.
    for (const s of claimedOnly) expect(posted.has(channelKey(s.channel))).toBe(true);
    for (const s of midPost) expect(posted.has(channelKey(s.channel))).toBe(false);

    const records = await ledgerRecords(db);
    const states = [...records.values()].map((r) => r.state);
    expect(states.every((s) => s === "posted" || s === "unknown")).toBe(true);
    const unknown = [...records.entries()].filter(([, r]) => r.state === "unknown");
    // Unknown: the 5 seeded mid-post claims plus what the killed replica had in flight (its own post included).
    expect(unknown.length).toBeGreaterThanOrEqual(midPost.length + 1);
    const victimPid = String(victim?.child.pid);
    for (const [key, r] of unknown) {
      const seeded = midPost.some((s) => key === `${s.id}@${PERIOD}`);
      expect(seeded ? r.owner.startsWith("dead-replica#") : r.owner.includes(`-${victimPid}-`)).toBe(true);
    }
    for (const s of subs) {
      const ok = posted.has(channelKey(s.channel)) || records.get(`${s.id}@${PERIOD}`)?.state === "unknown";
      expect(ok).toBe(true);
    }
    // The survivors did the rest of the work.
    const after = new Set(sink.posts.filter((p) => p.seq > 29).map((p) => p.replica));
    expect([...after].filter((id) => id !== victim?.id).length).toBeGreaterThan(0);
  }, 60_000);
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
    const onA = await a.paperboy.handleReaction({ message, userId: "U1", emoji: { kind: "keycap", number: 1 }, change: "added" });
    const onB = await b.paperboy.handleReaction({ message, userId: "U2", emoji: { kind: "keycap", number: 1 }, change: "added" });
    expect(onA).toMatchObject({ status: "counted", votes: 1 });
    expect(onB).toMatchObject({ status: "counted", votes: 2 });

    for (const core of [a, b]) {
      const top = await core.paperboy.handleCommand({ channel, userId: "U3", text: "top week", canManage: false });
      expect(top.message.fallbackText).toContain("(2 votes)");
    }
  });
});
