// Replicas benchmark: 10,000 subscriptions due in the same second on 1 and on 3 paperboy processes sharing one Redis.
// Figures: wall time from the due second to the last post, deliveries/s and the 3-vs-1 ratio, Redis commands per
// delivery (INFO commandstats before/after: every command is one round trip, none are pipelined), posts per replica.
// Env: BENCH_REPLICA_SUBS (10000), BENCH_LATENCY_MS (20, per post), BENCH_RUNS (1), BENCH_TIMEOUT_MS (60000 per run),
// BENCH_REDIS_URL (default: a private redis-server on a free port when the binary exists, else REDIS_URL).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { channelRef } from "../src/platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../src/platform/emoji.js";
import { createStore } from "../src/storage/keyv-stores.js";
import { createSubscriptionStore } from "../src/subscriptions/subscription-store.js";
import { subscriptionId, type Subscription } from "../src/subscriptions/subscription.js";
import { startPaperApiServer, type PaperApiServer } from "../test/fakes/paper-api-server.js";
import { startPostSink, type PostSink } from "../test/fakes/post-sink.js";
import { connectRedisAdmin, type RedisAdmin } from "../test/fakes/redis-admin.js";
import { spawnReplica, waitUntil, type Replica } from "../test/fakes/replica-cluster.js";

const SUBS = Number(process.env.BENCH_REPLICA_SUBS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 60_000);
const WORKSPACES = 10;
// The replicas' clock: Saturday 13 June 2026, 15:00 UTC onwards, so the due digest is the recorded Friday batch.
const PINNED = Date.parse("2026-06-13T15:00:00Z");

interface Figures {
  replicas: number;
  delivered: number;
  duplicates: number;
  wallMs: number;
  finished: boolean;
  commands: number;
  byCommand: Map<string, number>;
  perReplica: Map<string, number>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A private redis-server (so INFO counts only this benchmark's commands), or undefined when there is no binary. */
async function privateRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const failed = await new Promise<boolean>((done) => {
    child.once("error", () => done(true));
    child.once("spawn", () => done(false));
  });
  if (failed) return undefined;
  const url = `redis://127.0.0.1:${String(port)}`;
  const up = await waitUntil(async () => {
    try {
      const admin = await connectRedisAdmin(url);
      admin.close();
      return true;
    } catch {
      return false;
    }
  }, 5_000);
  if (!up) {
    child.kill("SIGKILL");
    return undefined;
  }
  return { url, child };
}

async function reachable(url: string): Promise<boolean> {
  return createStore(url, { connectTimeoutMs: 1_000 }).then(
    async (s) => {
      await s.close();
      return true;
    },
    () => false,
  );
}

/** SUBS daily subscriptions whose 6-field cron names one second, `due`, in UTC. */
async function seed(url: string, prefix: string, due: Date): Promise<void> {
  const store = await createStore(url, { keyPrefix: prefix });
  const subs = createSubscriptionStore(store.namespace("subscriptions"));
  const cron = `${String(due.getUTCSeconds())} ${String(due.getUTCMinutes())} ${String(due.getUTCHours())} * * *`;
  const all = Array.from({ length: SUBS }, (_, i): Subscription => {
    const channel = channelRef("slack", `T${String(i % WORKSPACES)}`, `C${String(i)}`);
    return {
      id: subscriptionId(channel, { kind: "daily" }),
      channel,
      source: { kind: "daily" },
      cron,
      timezone: "UTC",
      minUpvotes: 0,
      top: 5,
      layout: "compact",
      voteEmoji: [...DEFAULT_VOTE_EMOJI],
      createdAt: new Date(PINNED).toISOString(),
      emptyNotice: false,
    };
  });
  for (let i = 0; i < all.length; i += 500) await Promise.all(all.slice(i, i + 500).map((s) => subs.put(s)));
  await store.close();
}

async function runOnce(url: string, admin: RedisAdmin, hf: PaperApiServer, sink: PostSink, n: number): Promise<Figures> {
  sink.reset();
  sink.setLatencyMs(LATENCY_MS);
  const prefix = `paperboy-bench-replicas-${randomUUID()}`;
  const replicas: Replica[] = Array.from({ length: n }, (_, i) =>
    spawnReplica(`r${String(i + 1)}`, {
      REDIS_URL: url,
      REPLICA_PREFIX: prefix,
      SINK_URL: sink.url,
      HF_URL: hf.url,
      NOW_OFFSET_MS: String(PINNED - Date.now()),
      GRACE_MS: "1", // the due second is in the future: nothing to catch up
      REPLICA_LOG: "error",
    }),
  );
  try {
    await Promise.all(replicas.map((r) => r.ready));
    // Start-up reads every subscription and schedules 10,000 cron tasks: leave it time before the due second.
    const due = new Date(Math.ceil((Date.now() + 6_000 + SUBS * 1.5) / 1000) * 1000);
    await seed(url, prefix, due);
    await Promise.all(replicas.map((r) => r.start()));
    if (Date.now() > due.getTime() - 500) throw new Error("replicas started after the due second; raise the margin");
    const before = await admin.commandStats();
    const finished = await waitUntil(
      () => sink.posts.length >= SUBS,
      due.getTime() - Date.now() + TIMEOUT_MS,
    );
    const after = await admin.commandStats();
    const byCommand = new Map<string, number>();
    let commands = 0;
    for (const [name, calls] of after) {
      const delta = calls - (before.get(name) ?? 0) - (name === "info" ? 1 : 0);
      if (delta > 0) byCommand.set(name, delta);
      commands += Math.max(0, delta);
    }
    const last = sink.posts.at(-1)?.at ?? due.getTime();
    const channels = new Set(sink.posts.map((p) => p.channel));
    const perReplica = new Map<string, number>();
    for (const p of sink.posts) perReplica.set(p.replica, (perReplica.get(p.replica) ?? 0) + 1);
    return {
      replicas: n,
      delivered: channels.size,
      duplicates: sink.posts.length - channels.size,
      wallMs: finished ? last - due.getTime() : Date.now() - due.getTime(),
      finished,
      commands,
      byCommand,
      perReplica,
    };
  } finally {
    await Promise.all(replicas.map((r) => r.kill()));
    await admin.deletePrefix(prefix);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const rate = (f: Figures): number => f.delivered / (f.wallMs / 1000);

function describe(label: string, runs: Figures[]): void {
  const f = runs[Math.floor(runs.length / 2)] ?? runs[0];
  if (!f) return;
  const wall = median(runs.map((r) => r.wallMs));
  const status = f.finished ? "" : `  (NOT FINISHED: ${String(f.delivered)} of ${String(SUBS)} in ${String(TIMEOUT_MS / 1000)} s)`;
  console.log(label);
  console.log(`  wall time (due second → last post)  ${wall.toFixed(0)} ms  [runs: ${runs.map((r) => r.wallMs.toFixed(0)).join(", ")}]${status}`);
  console.log(`  throughput                          ${median(runs.map(rate)).toFixed(0)} deliveries/s`);
  console.log(`  posted twice                        ${String(f.duplicates)}`);
  console.log(`  posts per replica                   ${[...f.perReplica.entries()].sort().map(([k, v]) => `${k}=${String(v)}`).join(" ")}`);
  const perDelivery = f.commands / Math.max(1, f.delivered);
  const top = [...f.byCommand.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, calls]) => `${name} ${(calls / Math.max(1, f.delivered)).toFixed(1)}`)
    .join(", ");
  console.log(`  Redis round trips per delivery      ${perDelivery.toFixed(1)}  (${top})`);
}

async function main(): Promise<void> {
  const explicit = process.env.BENCH_REDIS_URL;
  const own = explicit === undefined ? await privateRedis() : undefined;
  const url = explicit ?? own?.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (!(await reachable(url))) {
    console.log(`replicas benchmark skipped: no redis-server binary and nothing answering at ${url} (set BENCH_REDIS_URL or REDIS_URL)`);
    return;
  }
  if (!own) console.log(`(shared Redis at ${url}: other clients' commands are counted too)`);
  const hf = await startPaperApiServer();
  const sink = await startPostSink();
  const admin = await connectRedisAdmin(url);
  try {
    const results = new Map<number, Figures[]>();
    for (let run = 0; run < RUNS; run++) {
      for (const n of [1, 3]) {
        const f = await runOnce(url, admin, hf, sink, n);
        results.set(n, [...(results.get(n) ?? []), f]);
      }
    }
    console.log(`subscriptions            ${String(SUBS)} daily digests due in the same second, ${String(WORKSPACES)} workspaces`);
    console.log(`post latency             ${String(LATENCY_MS)} ms; delivery concurrency 200 per replica; runs: ${String(RUNS)}${RUNS > 1 ? " (medians)" : ""}`);
    describe("1 replica", results.get(1) ?? []);
    describe("3 replicas", results.get(3) ?? []);
    const one = median((results.get(1) ?? []).map(rate));
    const three = median((results.get(3) ?? []).map(rate));
    console.log(`throughput 3 vs 1        ${(three / one).toFixed(2)}× on ${String(availableParallelism())} CPUs`);
  } finally {
    admin.close();
    await sink.close();
    await hf.close();
    own?.child.kill("SIGKILL");
  }
}

await main();
