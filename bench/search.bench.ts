// Search benchmark: the archive's full-text index vs a naive substring scan over 100,000 generated papers.
import { performance } from "node:perf_hooks";
import { createSearchIndex, parseQuery } from "../src/papers/archive/search-index.js";
import type { Paper } from "../src/papers/paper.js";
import { generateCorpus } from "./generate-papers.js";

const PAPERS = Number(process.env.BENCH_PAPERS ?? 100_000);
const LIMIT = 10;

const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};
const heapMb = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function timeAll(queries: readonly string[], run: (q: string) => unknown): { p50: number; p95: number; p99: number; hits: number } {
  const times: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const start = performance.now();
    const found = run(q);
    times.push(performance.now() - start);
    if (Array.isArray(found) && found.length > 0) hits++;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), hits };
}

/** Baseline: lower-cased title+abstract must include every query word (no ranking, no typos). */
function naiveSearch(papers: readonly Paper[], lowered: readonly string[], query: string, limit: number): Paper[] {
  const words = parseQuery(query).terms;
  if (words.length === 0) return [];
  const out: Paper[] = [];
  for (let i = 0; i < papers.length; i++) {
    const text = lowered[i] ?? "";
    if (words.every((w) => text.includes(w))) {
      out.push(papers[i] as Paper);
      if (out.length >= limit) break;
    }
  }
  return out;
}

const fmt = (ms: number): string => ms.toFixed(2);

const rssStart = rssMb();
const genStart = performance.now();
const { papers, queries, vocabularySize } = generateCorpus(PAPERS);
console.log(`papers generated:              ${papers.length} (vocabulary ${vocabularySize} words) in ${fmt(performance.now() - genStart)} ms`);
const heapBefore = heapMb();
const rssPapers = rssMb();

const buildStart = performance.now();
const index = createSearchIndex();
index.add(papers);
const buildMs = performance.now() - buildStart;
const heapAfter = heapMb();
const rssAfter = rssMb();
console.log(`index build time:              ${buildMs.toFixed(0)} ms`);
console.log(`RSS at start:                  ${rssStart.toFixed(0)} MB`);
console.log(`RSS with papers, before index: ${rssPapers.toFixed(0)} MB`);
console.log(`RSS after build:               ${rssAfter.toFixed(0)} MB${gc ? "" : " (no global.gc; run with --expose-gc)"}`);
const mem = process.memoryUsage();
console.log(`heap used by the index:        ${(heapAfter - heapBefore).toFixed(0)} MB (+ typed-array postings off-heap: ${(mem.arrayBuffers / 1024 / 1024).toFixed(0)} MB)`);
console.log(`memory after build:            heapUsed ${(mem.heapUsed / 1048576).toFixed(0)} MB, heapTotal ${(mem.heapTotal / 1048576).toFixed(0)} MB, external ${(mem.external / 1048576).toFixed(0)} MB`);

// Warm up both paths (JIT) on a separate slice of the same query mix before measuring.
for (const q of queries.slice(0, 100)) index.search(q, { limit: LIMIT });
const indexed = timeAll(queries, (q) => index.search(q, { limit: LIMIT }));

const lowered = papers.map((p) => `${p.title}\n${p.abstract}`.toLowerCase());
for (const q of queries.slice(0, 20)) naiveSearch(papers, lowered, q, LIMIT);
const naive = timeAll(queries, (q) => naiveSearch(papers, lowered, q, LIMIT));

console.log(`queries:                       ${queries.length} (index answered ${indexed.hits}, naive answered ${naive.hits})`);
console.log(`index search latency ms:       p50 ${fmt(indexed.p50)}  p95 ${fmt(indexed.p95)}  p99 ${fmt(indexed.p99)}`);
console.log(`naive scan latency ms:         p50 ${fmt(naive.p50)}  p95 ${fmt(naive.p95)}  p99 ${fmt(naive.p99)}`);
console.log(`speed-up naive/index:          p50 ${(naive.p50 / indexed.p50).toFixed(1)}x  p95 ${(naive.p95 / indexed.p95).toFixed(1)}x`);
const ok = indexed.p95 < 10 && rssAfter < 300;
console.log(`targets (p95 < 10 ms, RSS < 300 MB): ${ok ? "met" : "MISSED"}`);
