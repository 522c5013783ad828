// Vote benchmark: reactions per second through the vote service (post lookup + one atomic cast with its tally and event
// id), on a SQLite file, SQLite in memory and Redis when one answers; the baseline is a bare one-row SQLite transaction.
// Env: BENCH_VOTES (3000), BENCH_REDIS_URL (default REDIS_URL or redis://127.0.0.1:6379).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { toPaperId, type PaperId } from "../src/papers/paper.js";
import { channelRef, type MessageRef } from "../src/platform/channel-ref.js";
import type { ReactionChanged } from "../src/platform/events.js";
import { silentLogger } from "../src/ops/logger.js";
import { createStore } from "../src/storage/create-store.js";
import type { Store } from "../src/storage/store.js";
import { createVoteService } from "../src/votes/vote-service.js";

const EVENTS = Number(process.env.BENCH_VOTES ?? 3_000);
const REDIS = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const channel = channelRef("slack", "T1", "C1");
const papers: PaperId[] = Array.from({ length: 10 }, (_, i) => toPaperId(`2406.${String(10_000 + i)}`)!);
const digest: MessageRef = { channel, id: "digest" };

function events(): ReactionChanged[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    message: digest,
    userId: `U${String(i % 500)}`,
    emoji: { kind: "keycap", number: (i % 10) + 1 },
    change: i % 3 === 2 ? "removed" : "added",
    eventId: `E${String(i)}`,
    at: new Date(1_000 + i),
  }));
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  cpuUs: number;
}

async function run(store: Store, concurrent: boolean): Promise<Figures> {
  await store.posts.record({
    ref: digest,
    slots: new Map(papers.map((p, i) => [i + 1, p])),
    layout: "compact",
    kind: "digest",
    postedAt: new Date(0),
  });
  const service = createVoteService({
    votes: store.votes,
    posts: store.posts,
    now: () => new Date(),
    log: silentLogger,
  });
  const times: number[] = [];
  const timed = async (e: ReactionChanged): Promise<void> => {
    const start = performance.now();
    const result = await service.handleReaction(e);
    if (result.status !== "counted") throw new Error(`not counted: ${JSON.stringify(result)}`);
    times.push(performance.now() - start);
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  if (concurrent) await Promise.all(events().map(timed));
  else for (const e of events()) await timed(e);
  const total = performance.now() - start;
  const used = process.cpuUsage(cpu);
  service.close();
  times.sort((a, b) => a - b);
  const at = (p: number): number =>
    times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN;
  return {
    perSecond: (EVENTS / total) * 1000,
    p50: at(50),
    p99: at(99),
    cpuUs: (used.user + used.system) / EVENTS,
  };
}

/** The floor: one prepared INSERT per transaction on the same kind of file (what any durable write costs). */
function bareTransactions(file: string): Figures {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
  const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
  const tx = db.transaction((k: string, v: number) => insert.run(k, v));
  const times: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    const t = performance.now();
    tx.immediate(`k${String(i % 500)}`, i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  const used = process.cpuUsage(cpu);
  db.close();
  times.sort((a, b) => a - b);
  return {
    perSecond: (EVENTS / total) * 1000,
    p50: times[Math.floor(times.length / 2)] ?? 0,
    p99: times[Math.floor(times.length * 0.99)] ?? 0,
    cpuUs: (used.user + used.system) / EVENTS,
  };
}

const dir = mkdtempSync(join(tmpdir(), "paperboy-votes-bench-"));
try {
  const rows: [string, Figures][] = [
    ["bare SQLite transaction (baseline)", bareTransactions(join(dir, "bare.sqlite"))],
  ];
  const redisUp = await createStore(REDIS, {
    connectTimeoutMs: 1_000,
    keyPrefix: "paperboy-bench-probe",
  }).then(
    async (s) => {
      await s.close();
      return true;
    },
    () => false,
  );
  let n = 0;
  const engines: [string, () => Promise<Store>][] = [
    ["SQLite file", () => createStore(`sqlite://${join(dir, `v${String(n++)}.sqlite`)}`)],
    ["SQLite in memory", () => createStore("memory://")],
    ...(redisUp
      ? ([
          [
            "Redis",
            () =>
              createStore(REDIS, { keyPrefix: `paperboy-bench-votes-${String(process.pid)}-${String(n++)}` }),
          ],
        ] as [string, () => Promise<Store>][])
      : []),
  ];
  for (const [name, open] of engines)
    for (const concurrent of [false, true]) {
      const store = await open();
      try {
        rows.push([`${name}, ${concurrent ? "all at once" : "sequential"}`, await run(store, concurrent)]);
      } finally {
        await store.close();
      }
    }
  const base = rows[0]?.[1].perSecond ?? 1;
  console.log(
    `${String(EVENTS)} keycap reactions (500 users, 10 papers, 1 in 3 a removal), each with an event id${redisUp ? "" : "; Redis skipped (none answering)"}`,
  );
  for (const [label, r] of rows)
    console.log(
      `${label.padEnd(36)} ${r.perSecond.toFixed(0).padStart(7)} votes/s   p50 ${r.p50.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms   CPU ${r.cpuUs.toFixed(0)} µs/vote   ×${(r.perSecond / base).toFixed(2)} of the bare transaction`,
    );
  console.log("target: SQLite file sequential ≥ 5,000 votes/s");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
