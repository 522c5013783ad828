// Search benchmark: the archive (index in memory, papers in SQLite) vs a naive substring scan, at 100,000 generated papers.

import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { createPaperArchive } from "../src/archive/paper-archive.js";
import { silentLogger } from "../src/ops/logger.js";
import { createStore } from "../src/storage/create-store.js";

import { generateCorpus, latenciesAsync, machineLoad, medianOf } from "./search-stats.js";

const PAPERS = Number(process.env.BENCH_PAPERS ?? 100_000);
const PASSES = 3;
const LIMIT = 10;
const TARGET_P95_MS = 10;
const TARGET_RSS_MB = 250;

const gc = (globalThis as { gc?: () => void }).gc;
/** Full GCs with pauses between, so freed array buffers are swept and their memory returned before measuring. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
const ms = (value: number): string => value.toFixed(2);
const line = (label: string, value: string): void => console.log(`${`${label}:`.padEnd(44)}${value}`);

line("machine load (1/5/15 min) at start", `${machineLoad()}  (${cpus().length} CPUs)`);
const dir = mkdtempSync(join(tmpdir(), "paperboy-search-bench-"));
try {
  // 1. Another process generates the papers, stores them in SQLite and times the naive scan.
  const storeUrl = `sqlite://${join(dir, "papers.sqlite")}`;
  const reportFile = join(dir, "corpus.json");
  const corpus = generateCorpus(storeUrl, PAPERS, reportFile, PASSES);
  line(
    "papers generated",
    `${corpus.papers} (vocabulary ${corpus.vocabularySize} words, abstracts ${corpus.averageAbstract.toFixed(0)} chars on average) in ${(corpus.generateMs / 1000).toFixed(1)} s`,
  );
  line("written to SQLite", `${(corpus.writeMs / 1000).toFixed(1)} s`);

  // 2. This process only loads the archive from the store: what a restarted paperboy does.
  await settle();
  const rssStart = process.memoryUsage().rss;
  const store = await createStore(storeUrl);
  const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
  const cpuStart = process.cpuUsage();
  const buildStart = performance.now();
  const loaded = await archive.load();
  const buildMs = performance.now() - buildStart;
  const cpu = process.cpuUsage(cpuStart);
  await settle();
  const mem = process.memoryUsage();
  line(
    "index build (archive.load from SQLite)",
    `${(buildMs / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${loaded} papers`,
  );
  line(
    "RSS before load / after load, after GC",
    `${mb(rssStart)} / ${mb(mem.rss)}${gc ? "" : " (no global.gc: run through `npm run bench`)"}`,
  );
  line(
    "V8 heap used / committed, array buffers",
    `${mb(mem.heapUsed)} / ${mb(mem.heapTotal)}, ${mb(mem.arrayBuffers)} (postings, phrase filters, scratch)`,
  );

  // 3. The same 1,000 queries through the archive (ranking in memory, top hits read back from SQLite).
  const search = async (q: string): Promise<boolean> =>
    (await archive.search(q, { limit: LIMIT })).length > 0;
  for (const q of corpus.queries.slice(0, 100)) await search(q);
  const runs = [];
  const queryCpu = process.cpuUsage();
  for (let pass = 0; pass < PASSES; pass++) runs.push(await latenciesAsync(corpus.queries, search));
  const cpuPerQuery = (() => {
    const used = process.cpuUsage(queryCpu);
    return (used.user + used.system) / 1000 / (PASSES * corpus.queries.length);
  })();
  const indexed = medianOf(runs.map((r) => r.latency));
  const naive = corpus.naive;
  await store.close();

  line(
    "queries",
    `${corpus.queries.length} × ${PASSES} passes, medians (archive answered ${runs[0]?.answered}, naive answered ${naive.answered})`,
  );
  line(
    "archive search latency",
    `p50 ${ms(indexed.p50)} ms  p95 ${ms(indexed.p95)} ms  p99 ${ms(indexed.p99)} ms  (CPU ${ms(cpuPerQuery)} ms a query on average)`,
  );
  line(
    "naive scan latency (baseline)",
    `p50 ${ms(naive.p50)} ms  p95 ${ms(naive.p95)} ms  p99 ${ms(naive.p99)} ms`,
  );
  line(
    "naive / archive",
    `p50 ${(naive.p50 / indexed.p50).toFixed(1)}x  p95 ${(naive.p95 / indexed.p95).toFixed(1)}x  p99 ${(naive.p99 / indexed.p99).toFixed(1)}x`,
  );
  line("machine load (1/5/15 min) at end", machineLoad());
  const ok = indexed.p95 < TARGET_P95_MS && mem.rss / 1048576 < TARGET_RSS_MB;
  line(`targets (p95 < ${TARGET_P95_MS} ms, RSS < ${TARGET_RSS_MB} MB)`, ok ? "met" : "MISSED");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
