// Scheduler benchmark: 10,000 subscriptions due in the same minute, through the real digest job and HF source.
// Figures: wall time, upstream requests (one per distinct source period, not per channel), RSS; medians of 3.
// Env: BENCH_SUBS (10000), BENCH_LATENCY_MS (50, per post), BENCH_CONCURRENCY (200), BENCH_BASELINE (1 = run it).
import { performance } from "node:perf_hooks";
import { createPlatformRegistry } from "../src/app/platform-registry.js";
import type { SubscriptionSource } from "../src/commands/command.js";
import type { HuggingFaceSource } from "../src/papers/sources/paper-source.js";
import { createHuggingFaceSource } from "../src/papers/sources/huggingface-source.js";
import { channelRef } from "../src/platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../src/platform/emoji.js";
import { createDeliveryLedger } from "../src/scheduler/delivery-ledger.js";
import { createDigestJob } from "../src/scheduler/digest-job.js";
import { createSubscriptionRunner } from "../src/scheduler/subscription-runner.js";
import { silentLogger } from "../src/shared/logger.js";
import type { Store } from "../src/storage/key-value.js";
import { createStore } from "../src/storage/keyv-stores.js";
import { createSubscriptionStore } from "../src/subscriptions/subscription-store.js";
import { subscriptionId, type Subscription } from "../src/subscriptions/subscription.js";
import { createPostStore } from "../src/votes/post-store.js";
import { createFakePlatform } from "../test/fakes/fake-platform.js";
import { createManualScheduler } from "../test/fakes/manual-scheduler.js";
import { createMemoryNamespace } from "../test/fakes/memory-namespace.js";
import { startPaperApiServer, type PaperApiServer } from "../test/fakes/paper-api-server.js";

const SUBS = Number(process.env.BENCH_SUBS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const WORKSPACES = 10;
const RUNS = 3;
// Saturday 09:00 Berlin: the last completed batch is the recorded Fri 2026-06-12 (week 2026-W24, month 2026-06).
const NOW = new Date("2026-06-13T07:00:00Z");
const now = (): Date => NOW;

/** 70 % daily, 20 % weekly, 10 % monthly: three distinct source periods across all channels. */
function sourceOf(i: number): SubscriptionSource {
  const r = i % 10;
  return r < 7 ? { kind: "daily" } : r < 9 ? { kind: "weekly" } : { kind: "monthly" };
}

async function seed(store: Store): Promise<string[]> {
  const subs = createSubscriptionStore(store.namespace("subscriptions"));
  const ids: string[] = [];
  for (let i = 0; i < SUBS; i++) {
    const channel = channelRef("slack", `T${String(i % WORKSPACES)}`, `C${String(i)}`);
    const source = sourceOf(i);
    const sub: Subscription = {
      id: subscriptionId(channel, source),
      channel,
      source,
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
      minUpvotes: 0,
      top: 5,
      layout: i % 2 === 0 ? "compact" : "cards",
      voteEmoji: [...DEFAULT_VOTE_EMOJI],
      createdAt: NOW.toISOString(),
      emptyNotice: false,
    };
    await subs.put(sub);
    ids.push(sub.id);
  }
  return ids;
}

interface Figures {
  wallMs: number;
  upstream: number;
  posted: number;
  rssMb: number;
}

async function runOnce(server: PaperApiServer, coldCachePerChannel: boolean): Promise<Figures> {
  server.reset();
  const store = await createStore("memory://");
  const ids = await seed(store);
  // Baseline: a brand-new source with an empty cache per call, i.e. every channel fetching its own copy.
  const coldSource = (): HuggingFaceSource =>
    createHuggingFaceSource({ baseUrl: server.url, cache: createMemoryNamespace(), now, log: silentLogger });
  const hf: Pick<HuggingFaceSource, "daily" | "week" | "month"> = coldCachePerChannel
    ? { daily: (d) => coldSource().daily(d), week: (w) => coldSource().week(w), month: (m) => coldSource().month(m) }
    : createHuggingFaceSource({ baseUrl: server.url, cache: store.namespace("cache"), now, log: silentLogger });
  const platform = createFakePlatform({ id: "slack", latencyMs: LATENCY_MS });
  const platforms = createPlatformRegistry();
  platforms.register(platform);
  const job = createDigestJob({
    subscriptions: createSubscriptionStore(store.namespace("subscriptions")),
    hf,
    posts: createPostStore(store.namespace("posts")),
    seen: store.namespace("seen"),
    ledger: createDeliveryLedger({ deliveries: store.namespace("deliveries"), now, log: silentLogger, owner: "bench" }),
    platforms,
    now,
    log: silentLogger,
  });
  const scheduler = createManualScheduler();
  const runner = createSubscriptionRunner({ scheduler, job, concurrency: CONCURRENCY });
  const subs = await createSubscriptionStore(store.namespace("subscriptions")).all();
  for (const s of subs) runner.schedule(s);

  const start = performance.now();
  // The same minute: every entry fires at once, as node-cron would at 09:00:00.
  await Promise.all(ids.map((id) => scheduler.fire(id, NOW)));
  await runner.idle();
  const wallMs = performance.now() - start;
  const rssMb = process.memoryUsage().rss / 1_048_576;
  const upstream = server.requestsTo("/api/daily_papers").length;
  const posted = platform.posted.length;
  await store.close();
  return { wallMs, upstream, posted, rssMb };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const server = await startPaperApiServer();
  try {
    const runs: Figures[] = [];
    for (let i = 0; i < RUNS; i++) {
      const f = await runOnce(server, false);
      if (f.posted !== SUBS) throw new Error(`expected ${String(SUBS)} posts, got ${String(f.posted)}`);
      runs.push(f);
      (globalThis as { gc?: () => void }).gc?.();
    }
    const wall = median(runs.map((r) => r.wallMs));
    const upstream = median(runs.map((r) => r.upstream));
    const lowerBound = (SUBS * LATENCY_MS) / CONCURRENCY;
    console.log(`subscriptions            ${String(SUBS)} across ${String(WORKSPACES)} workspaces (70% daily, 20% weekly, 10% monthly)`);
    console.log(`post latency / parallel  ${String(LATENCY_MS)} ms / ${String(CONCURRENCY)}`);
    console.log(`wall time (median of 3)  ${wall.toFixed(0)} ms  [runs: ${runs.map((r) => r.wallMs.toFixed(0)).join(", ")}]`);
    console.log(`posts                    ${String(runs[0]?.posted ?? 0)} (${(SUBS / (wall / 1000)).toFixed(0)} deliveries/s)`);
    console.log(`HF upstream requests     ${String(upstream)} (distinct source periods: 3)`);
    console.log(`RSS                      ${median(runs.map((r) => r.rssMb)).toFixed(0)} MB`);
    console.log(`lower bound              ${lowerBound.toFixed(0)} ms (subs × latency / concurrency); wall / bound = ${(wall / lowerBound).toFixed(2)}`);
    if (process.env.BENCH_BASELINE !== "0") {
      const cold = await runOnce(server, true);
      console.log(`baseline: cold cache per channel (1 run): ${cold.wallMs.toFixed(0)} ms, ${String(cold.upstream)} upstream requests`);
      console.log(`coalescing saves         ${(cold.upstream / Math.max(1, upstream)).toFixed(0)}× requests, ${(cold.wallMs / wall).toFixed(2)}× wall time`);
    }
  } finally {
    await server.close();
  }
}

await main();
