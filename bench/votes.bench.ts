// Vote benchmark: reactions per second through the vote service on memory and SQLite, sequential and concurrent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { toPaperId, type PaperId } from "../src/papers/paper.js";
import { channelRef, type MessageRef } from "../src/platform/channel-ref.js";
import type { ReactionChanged } from "../src/platform/events.js";
import type { Store } from "../src/storage/key-value.js";
import { createStore } from "../src/storage/keyv-stores.js";
import { createPostStore } from "../src/votes/post-store.js";
import { createVoteService } from "../src/votes/vote-service.js";

const EVENTS = Number(process.env.BENCH_VOTES ?? 300);
const channel = channelRef("slack", "T1", "C1");
const papers: PaperId[] = Array.from({ length: 10 }, (_, i) => toPaperId(`2406.${String(10_000 + i)}`)!);
const digest: MessageRef = { channel, id: "digest" };

function events(): ReactionChanged[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    message: digest,
    userId: `U${String(i % 100)}`,
    emoji: { kind: "keycap", number: (i % 10) + 1 },
    change: i % 3 === 2 ? "removed" : "added",
    eventId: `E${String(i)}`,
    at: new Date(1_000 + i),
  }));
}

async function run(store: Store, concurrent: boolean): Promise<{ perSecond: number; p50: number; p95: number }> {
  const posts = createPostStore(store.namespace("posts"));
  await posts.record({ ref: digest, slots: new Map(papers.map((p, i) => [i + 1, p])) }, { layout: "compact", kind: "digest", postedAt: new Date(0) });
  const service = createVoteService({ votes: store.namespace("votes"), events: store.namespace("events"), posts, now: () => new Date() });
  const times: number[] = [];
  const timed = async (e: ReactionChanged): Promise<void> => {
    const start = performance.now();
    await service.handleReaction(e);
    times.push(performance.now() - start);
  };
  const start = performance.now();
  if (concurrent) await Promise.all(events().map(timed));
  else for (const e of events()) await timed(e);
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN;
  return { perSecond: (EVENTS / total) * 1000, p50: at(50), p95: at(95) };
}

const dir = mkdtempSync(join(tmpdir(), "paperboy-votes-bench-"));
try {
  const rows: [string, Awaited<ReturnType<typeof run>>][] = [];
  let n = 0;
  for (const [name, url] of [
    ["memory", "memory://"],
    ["sqlite (tmpdir)", "sqlite://"],
  ] as const) {
    for (const concurrent of [false, true]) {
      const store = await createStore(url === "sqlite://" ? `sqlite://${join(dir, `b${String(n++)}.sqlite`)}` : url);
      try {
        rows.push([`${name} ${concurrent ? "concurrent" : "sequential"}`, await run(store, concurrent)]);
      } finally {
        await store.close();
      }
    }
  }
  const base = rows[0]?.[1].perSecond ?? 1;
  console.log(`${String(EVENTS)} keycap reactions (100 users, 10 papers, 1 in 3 a removal), each with an event id`);
  for (const [label, r] of rows) {
    console.log(
      `${label.padEnd(28)} ${r.perSecond.toFixed(0).padStart(7)} events/s   p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms   ×${(r.perSecond / base).toFixed(3)} of memory sequential`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
