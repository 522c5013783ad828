// Scheduler benchmark: 10,000 subscriptions due in the same minute, through createCore as production wires it (one
// schedule group → one tick → 10,000 delivery jobs on the in-process queue → the delivery pipeline on SQLite).
// Figures: wall time (median of 3) against the bound, SQL statements and CPU per delivery, HF requests, RSS.
// Env: BENCH_SUBS (10000), BENCH_LATENCY_MS (50, per post), BENCH_CONCURRENCY (200), BENCH_CARDS (0: every digest is
// one compact message, as the bound assumes; 2 = every 2nd channel gets cards, header + one message per paper),
// BENCH_STORE ("sqlite://": a file, the production default; "memory://" is SQLite in memory),
// BENCH_VOTING (every 10th channel has liked papers, so similarity boosts and team tallies do real work).
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createCore } from "../src/create-core.js";
import type { SubscriptionSource } from "../src/commands/command.js";
import { createPaperArchive } from "../src/archive/paper-archive.js";
import { channelRef, type ChannelRef } from "../src/platform/channel-ref.js";
import type { ChatPlatform } from "../src/platform/chat-platform.js";
import { DEFAULT_VOTE_EMOJI } from "../src/platform/emoji.js";
import { silentLogger } from "../src/ops/logger.js";
import { createStore } from "../src/storage/create-store.js";
import type { Store } from "../src/storage/store.js";
import { subscriptionId, type Subscription } from "../src/subscriptions/subscription.js";
import { createFakePlatform } from "../test/fakes/fake-platform.js";
import { hfFixturePapers } from "../test/fakes/hf-fixture-papers.js";
import { createManualScheduler } from "../test/fakes/manual-scheduler.js";
import { startPaperApiServer, type PaperApiServer } from "../test/fakes/paper-api-server.js";

const SUBS = Number(process.env.BENCH_SUBS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const STORES = (process.env.BENCH_STORE ?? "sqlite://").split(",").filter((s) => s !== "");
const CARDS_EVERY = Number(process.env.BENCH_CARDS ?? 0);
const VOTING_EVERY = Number(process.env.BENCH_VOTING ?? 10);
const WORKSPACES = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// Saturday 09:00 Berlin: the last completed batch is the recorded Fri 2026-06-12 (week 2026-W24, month 2026-06).
const NOW = new Date("2026-06-13T07:00:00Z");
const BEFORE = new Date(NOW.getTime() - 60_000);

/** 70 % daily, 20 % weekly, 10 % monthly: three distinct source periods across all channels. */
function sourceOf(i: number): SubscriptionSource {
  const r = i % 10;
  return r < 7 ? { kind: "daily" } : r < 9 ? { kind: "weekly" } : { kind: "monthly" };
}
const channelOf = (i: number): ChannelRef =>
  channelRef("slack", `T${String(i % WORKSPACES)}`, `C${String(i)}`);

const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};
const mb = (bytes: number): number => bytes / 1_048_576;

async function seedSubscriptions(store: Store): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SUBS; i++) {
    const channel = channelOf(i);
    const source = sourceOf(i);
    const sub: Subscription = {
      id: subscriptionId(channel, source),
      channel,
      source,
      cron: "0 9 * * *",
      timezone: "Europe/Berlin",
      minUpvotes: 0,
      top: 5,
      layout: CARDS_EVERY > 0 && i % CARDS_EVERY === 0 ? "cards" : "compact",
      voteEmoji: [...DEFAULT_VOTE_EMOJI],
      createdAt: BEFORE.toISOString(),
      emptyNotice: false,
    };
    await store.subscriptions.put(sub);
    ids.push(sub.id);
  }
  return ids;
}

/** Papers some channels voted for last month (in the archive), so boostsFor and tally have work to do. */
const LIKED = hfFixturePapers("papers_search_q-llama-3-herd_2025-05-18.json").slice(0, 9);

interface Figures {
  wallMs: number;
  /** Messages sent (a cards digest is several). */
  messages: number;
  /** SQL statements the store executed during the run. */
  statements: number;
  /** Process CPU (user + system) during the run: what the digests cost, less sensitive to machine load than wall time. */
  cpuMs: number;
  upstream: number;
  posted: number;
  peakRssMb: number;
  rssAfterGcMb: number;
  rssBeforeMb: number;
  heapAfterGcMb: number;
  /** Live heap the run added and kept: the store's new entries (memory://), ledger, posts, seen. */
  heapRunMb: number;
  boosted: number;
  voted: number;
}

async function runOnce(server: PaperApiServer, storeUrl: string): Promise<Figures> {
  server.reset();
  const dir = storeUrl.startsWith("sqlite://") ? mkdtempSync(join(tmpdir(), "paperboy-bench-")) : undefined;
  const store = await createStore(dir ? `sqlite://${join(dir, "bench.sqlite")}` : storeUrl);
  let clock = BEFORE;
  const scheduler = createManualScheduler();
  const fake = createFakePlatform({ id: "slack", latencyMs: LATENCY_MS });
  // The fake keeps every message; a real platform keeps none, so count them and let them go.
  let posted = 0;
  let messages = 0;
  let boosted = 0;
  const platform: ChatPlatform = {
    id: fake.id,
    isHealthy: () => fake.isHealthy(),
    async send(channel, message, handle) {
      const outcome = await fake.send(channel, message, handle);
      messages++;
      if (handle.index === 0) posted++;
      if (message.blocks.some((b) => b.type === "paper" && b.paper.reason !== undefined)) boosted++;
      fake.sent.length = 0;
      fake.attempts.length = 0;
      return outcome;
    },
    react: () => Promise.resolve(),
    findPosted: (channel, delivery, since) => fake.findPosted(channel, delivery, since),
  };
  const core = createCore({
    config: { HF_API_URL: server.url, ARXIV_API_URL: server.arxivUrl, DEFAULT_TIMEZONE: "Europe/Berlin" },
    store,
    log: silentLogger,
    now: () => clock,
    scheduler,
    deliveryConcurrency: CONCURRENCY,
    resyncMs: 0,
  });
  core.paperboy.registerPlatform(platform);

  // Votes first (shares of liked papers, two users each), then the subscriptions.
  await createPaperArchive({ papers: store.papers, log: silentLogger }).upsert(LIKED);
  let voted = 0;
  for (let i = 0; VOTING_EVERY > 0 && i < SUBS; i += VOTING_EVERY) {
    const channel = channelOf(i);
    for (let k = 0; k < 3; k++) {
      const paper = LIKED[(i + k) % LIKED.length];
      if (!paper) continue;
      const ref = { channel, id: `share-${String(k)}` };
      await store.posts.record({
        ref,
        slots: new Map([[1, paper.id]]),
        layout: "cards",
        kind: "share",
        postedAt: BEFORE,
      });
      for (const userId of ["U1", "U2"]) {
        await core.paperboy.handleReaction({
          message: ref,
          userId,
          emoji: { kind: "unicode", value: "👍" },
          change: "added",
          at: BEFORE,
        });
      }
    }
    voted++;
  }
  const ids = await seedSubscriptions(store);
  await core.start(); // one schedule group on the manual scheduler; nothing is due yet
  const group = [...scheduler.entries.keys()].find((k) => k !== "watch-poll");
  if (group === undefined) throw new Error("no schedule group");
  clock = NOW;
  gc();
  const statementsBefore = store.operations();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const start = performance.now();
  // 09:00:00: the group's one cron entry fires; its tick fans out to every subscription's delivery.
  await scheduler.fire(group, NOW);
  await core.queue.idle();
  const wallMs = performance.now() - start;
  const statements = store.operations() - statementsBefore;
  if (ids.length !== SUBS) throw new Error("seeding went wrong");
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);

  gc();
  const after = process.memoryUsage();
  const upstream = server.requestsTo("/api/daily_papers").length;
  await core.stop();
  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return {
    wallMs,
    messages,
    statements,
    cpuMs: (cpu.user + cpu.system) / 1000,
    upstream,
    posted,
    rssBeforeMb: mb(rssBefore),
    peakRssMb: mb(peak),
    rssAfterGcMb: mb(after.rss),
    heapAfterGcMb: mb(after.heapUsed),
    heapRunMb: mb(after.heapUsed - heapBefore),
    boosted,
    voted,
  };
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function benchStore(server: PaperApiServer, storeUrl: string): Promise<void> {
  const loadBefore = load();
  const runs: Figures[] = [];
  for (let i = 0; i < RUNS; i++) {
    const f = await runOnce(server, storeUrl);
    if (f.posted !== SUBS) throw new Error(`expected ${String(SUBS)} posts, got ${String(f.posted)}`);
    runs.push(f);
    gc();
  }
  const med = (pick: (f: Figures) => number): number => median(runs.map(pick));
  const wall = med((r) => r.wallMs);
  const cpu = med((r) => r.cpuMs);
  const first = runs[0];
  const lowerBound = ((first?.messages ?? SUBS) * LATENCY_MS) / CONCURRENCY;
  const rows: [string, string][] = [
    [
      "store",
      storeUrl === "memory://"
        ? "memory:// (SQLite in memory)"
        : `${storeUrl} (a file: the production default)`,
    ],
    [
      "subscriptions",
      `${String(SUBS)} across ${String(WORKSPACES)} workspaces (70% daily, 20% weekly, 10% monthly)`,
    ],
    [
      "wiring",
      `createCore: archive upsert, seen, similarity boosts, team tallies; ${String(first?.voted ?? 0)} channels with liked papers`,
    ],
    [
      "post latency / parallel",
      `${String(LATENCY_MS)} ms per message / ${String(CONCURRENCY)} deliveries (${String(first?.messages ?? 0)} messages)`,
    ],
    [
      `wall time (median of ${String(RUNS)})`,
      `${wall.toFixed(0)} ms  [runs: ${runs.map((r) => r.wallMs.toFixed(0)).join(", ")}]`,
    ],
    [
      "deliveries/s",
      `${(SUBS / (wall / 1000)).toFixed(0)} (${String(first?.posted ?? 0)} posted, ${String(first?.boosted ?? 0)} with a "you voted for" boost)`,
    ],
    [
      "CPU during the run",
      `${cpu.toFixed(0)} ms, ${((cpu * 1000) / SUBS).toFixed(0)} µs per delivery (target ≤ 600 µs)`,
    ],
    ["SQL statements", `${(med((r) => r.statements) / SUBS).toFixed(2)} per delivery (target ≤ 4)`],
    ["HF upstream requests", `${String(med((r) => r.upstream))} (distinct source periods: 3)`],
    [
      "RSS before / peak / after GC",
      `${med((r) => r.rssBeforeMb).toFixed(0)} MB / ${med((r) => r.peakRssMb).toFixed(0)} MB / ${med((r) => r.rssAfterGcMb).toFixed(0)} MB (heap after GC ${med((r) => r.heapAfterGcMb).toFixed(0)} MB, of which the run's stored data ${med((r) => r.heapRunMb).toFixed(0)} MB)`,
    ],
    [
      "lower bound",
      `${lowerBound.toFixed(0)} ms (messages × latency / concurrency); wall / bound = ${(wall / lowerBound).toFixed(2)} (target ≤ 2)`,
    ],
    [
      "load average (1/5/15)",
      `before ${loadBefore}, after ${load()} (${String(availableParallelism())} CPUs)`,
    ],
  ];
  for (const [label, value] of rows) console.log(`${label.padEnd(24)} ${value}`);
  console.log("");
}

async function main(): Promise<void> {
  const server = await startPaperApiServer();
  try {
    for (const storeUrl of STORES) await benchStore(server, storeUrl);
  } finally {
    await server.close();
  }
}

await main();
