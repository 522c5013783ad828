// Replicas benchmark: 3,000 subscriptions due in the same second on 1 and on 3 paperboy processes sharing one Redis
// (node-cron in each, BullMQ between them), posting to a loopback sink at 200 ms per message, 20 in flight per replica.
// Figures: wall time and deliveries/s, the 3-vs-1 ratio, each replica's share, and Redis commands per delivery as the
// clients send them (MONITOR, leaving out the lines scripts run, marked "lua"; each pipelined command counts), by
// command, with SCAN/KEYS called out; INFO commandstats per delivery (script internals included) for the record.
// Env: BENCH_REPLICA_SUBS (3000), BENCH_LATENCY_MS (200), BENCH_CONCURRENCY (20 per replica), BENCH_RUNS (1),
// BENCH_TIMEOUT_MS (120000 per run), BENCH_REDIS_URL (default: a private redis-server on a free port, else REDIS_URL).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect, createServer } from "node:net";
import { availableParallelism } from "node:os";
import { channelRef } from "../src/platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../src/platform/emoji.js";
import { createStore } from "../src/storage/create-store.js";
import { subscriptionId, type Subscription } from "../src/subscriptions/subscription.js";
import { startPaperApiServer, type PaperApiServer } from "../test/fakes/paper-api-server.js";
import { startPostSink, type PostSink } from "../test/fakes/post-sink.js";
import { connectRedisAdmin, type RedisAdmin } from "../test/fakes/redis-admin.js";
import { spawnReplica, waitUntil, type Replica } from "../test/fakes/replica-cluster.js";

const SUBS = Number(process.env.BENCH_REPLICA_SUBS ?? 3_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 120_000);
const WORKSPACES = 10;
// The replicas' clock: Saturday 13 June 2026, 15:00 UTC onwards, so the due digest is the recorded Friday batch.
const PINNED = Date.parse("2026-06-13T15:00:00Z");

interface Figures {
  replicas: number;
  delivered: number;
  duplicates: number;
  wallMs: number;
  finished: boolean;
  /** Commands the clients sent (MONITOR, script lines left out), by command. */
  sent: Map<string, number>;
  /** INFO commandstats deltas (what the server executed, scripts' insides included). */
  executed: Map<string, number>;
  perReplica: Map<string, number>;
}

/** Counts what the clients send while it runs: MONITOR lines, except those a script issued ("[0 lua]"). */
async function monitor(url: string): Promise<{ counts: Map<string, number>; stop(): void }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname || "127.0.0.1", port: Number(port || 6379) });
  await new Promise<void>((ready, fail) => {
    socket.once("connect", ready);
    socket.once("error", fail);
  });
  const counts = new Map<string, number>();
  let rest = "";
  socket.on("data", (chunk: Buffer) => {
    const text = rest + chunk.toString("utf8");
    const lines = text.split("\r\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("+") || line === "+OK" || line.includes(" lua]")) continue;
      const m = /\] "([^"]+)"/.exec(line);
      if (!m?.[1]) continue;
      const name = m[1].toLowerCase();
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  });
  socket.write("MONITOR\r\n");
  await new Promise((r) => setTimeout(r, 100));
  return { counts, stop: () => socket.destroy() };
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
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
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

/** SUBS daily subscriptions whose 6-field cron names one second, `due`, in UTC: one schedule group. */
async function seed(url: string, prefix: string, due: Date): Promise<void> {
  const store = await createStore(url, { keyPrefix: prefix, owner: "bench-seed" });
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
  for (let i = 0; i < all.length; i += 500)
    await Promise.all(all.slice(i, i + 500).map((s) => store.subscriptions.put(s)));
  await store.close();
}

async function runOnce(
  url: string,
  admin: RedisAdmin,
  hf: PaperApiServer,
  sink: PostSink,
  n: number,
): Promise<Figures> {
  sink.reset();
  sink.setLatencyMs(LATENCY_MS);
  const prefix = `paperboy-bench-replicas-${randomUUID()}`;
  const replicas: Replica[] = Array.from({ length: n }, (_, i) =>
    spawnReplica(`r${String(i + 1)}`, {
      STORE_URL: url,
      REPLICA_PREFIX: prefix,
      SINK_URL: sink.url,
      HF_URL: hf.url,
      NOW_OFFSET_MS: String(PINNED - Date.now()),
      GRACE_MS: "1", // the due second is in the future: nothing to catch up
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
      REPLICA_LOG: "error",
    }),
  );
  try {
    await Promise.all(replicas.map((r) => r.ready));
    const due = new Date(Math.ceil((Date.now() + 6_000) / 1000) * 1000);
    await seed(url, prefix, due);
    await Promise.all(replicas.map((r) => r.start()));
    if (Date.now() > due.getTime() - 500)
      throw new Error("replicas started after the due second; raise the margin");
    const before = await admin.commandStats();
    const watch = await monitor(url);
    const finished = await waitUntil(
      () => new Set(sink.posts.map((p) => p.channel)).size >= SUBS,
      due.getTime() - Date.now() + TIMEOUT_MS,
    );
    // Seeding finishes after the last post (5 keycaps per digest): count until it settles.
    await waitUntil(
      () => [...sink.reactions.values()].reduce((a, r) => a + r.length, 0) >= sink.posts.length * 5,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    watch.stop();
    const after = await admin.commandStats();
    const executed = new Map<string, number>();
    for (const [name, calls] of after) {
      const delta =
        calls - (before.get(name) ?? 0) - (name === "info" ? 1 : 0) - (name === "monitor" ? 1 : 0);
      if (delta > 0) executed.set(name, delta);
    }
    const last = Math.max(...sink.posts.map((p) => p.at), due.getTime());
    const channels = new Set(sink.posts.map((p) => p.channel));
    const perReplica = new Map<string, number>();
    for (const p of sink.posts) perReplica.set(p.replica, (perReplica.get(p.replica) ?? 0) + 1);
    return {
      replicas: n,
      delivered: channels.size,
      duplicates: sink.posts.length - channels.size,
      wallMs: finished ? last - due.getTime() : Date.now() - due.getTime(),
      finished,
      sent: watch.counts,
      executed,
      perReplica,
    };
  } finally {
    await Promise.all(replicas.map((r) => r.kill()));
    await admin.deletePrefix(prefix);
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const rate = (f: Figures): number => f.delivered / (f.wallMs / 1000);
const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const top = (m: Map<string, number>, per: number, k = 8): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, calls]) => `${name} ${(calls / per).toFixed(2)}`)
    .join(", ");

function describe(label: string, runs: Figures[]): void {
  const f = runs[Math.floor(runs.length / 2)] ?? runs[0];
  if (!f) return;
  const wall = median(runs.map((r) => r.wallMs));
  const status = f.finished
    ? ""
    : `  (NOT FINISHED: ${String(f.delivered)} of ${String(SUBS)} in ${String(TIMEOUT_MS / 1000)} s)`;
  const per = Math.max(1, f.delivered);
  const scans = (f.sent.get("scan") ?? 0) + (f.sent.get("keys") ?? 0);
  const shares = [...f.perReplica.entries()]
    .sort()
    .map(([k, v]) => `${k}=${String(v)} (${((100 * v) / per).toFixed(1)} %)`);
  console.log(label);
  console.log(
    `  wall time (due second → last post)  ${wall.toFixed(0)} ms  [runs: ${runs.map((r) => r.wallMs.toFixed(0)).join(", ")}]${status}`,
  );
  console.log(
    `  throughput                          ${median(runs.map(rate)).toFixed(0)} deliveries/s (bound: ${String(f.replicas * CONCURRENCY)} in flight × 1 post / ${String(LATENCY_MS)} ms = ${String((f.replicas * CONCURRENCY * 1000) / LATENCY_MS)}/s)`,
  );
  console.log(`  posted twice                        ${String(f.duplicates)}`);
  console.log(`  posts per replica                   ${shares.join(" ")}`);
  console.log(
    `  commands sent per delivery          ${(total(f.sent) / per).toFixed(2)}  (${top(f.sent, per)}); SCAN/KEYS: ${String(scans)}`,
  );
  console.log(
    `  executed per delivery (commandstats) ${(total(f.executed) / per).toFixed(1)}  (${top(f.executed, per, 6)})`,
  );
}

async function main(): Promise<void> {
  const explicit = process.env.BENCH_REDIS_URL;
  const own = explicit === undefined ? await privateRedis() : undefined;
  const url = explicit ?? own?.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (!(await reachable(url))) {
    console.log(
      `replicas benchmark skipped: no redis-server binary and nothing answering at ${url} (set BENCH_REDIS_URL or REDIS_URL)`,
    );
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
    console.log(
      `subscriptions            ${String(SUBS)} daily digests due in the same second, ${String(WORKSPACES)} workspaces, one schedule group`,
    );
    console.log(
      `post latency             ${String(LATENCY_MS)} ms; ${String(CONCURRENCY)} deliveries in flight per replica; runs: ${String(RUNS)}${RUNS > 1 ? " (medians)" : ""}`,
    );
    describe("1 replica", results.get(1) ?? []);
    describe("3 replicas", results.get(3) ?? []);
    const one = median((results.get(1) ?? []).map(rate));
    const three = median((results.get(3) ?? []).map(rate));
    const perDelivery = (n: number): number => {
      const f = results.get(n)?.[0];
      return f ? total(f.sent) / Math.max(1, f.delivered) : Number.NaN;
    };
    console.log(
      `throughput 3 vs 1        ${(three / one).toFixed(2)}× on ${String(availableParallelism())} CPUs (target ≥ 2.5×)`,
    );
    console.log(
      `commands 3 vs 1          ${(perDelivery(3) / perDelivery(1)).toFixed(2)}× per delivery (target 1 ± 0.10; each ≤ 10)`,
    );
  } finally {
    admin.close();
    await sink.close();
    await hf.close();
    own?.child.kill("SIGKILL");
  }
}

await main();
