// Search benchmark helper process: generates the corpus into a SQLite store and times the naive substring scan.
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseQuery } from "../src/archive/search-index.js";
import type { Paper } from "../src/papers/paper.js";
import { createStore } from "../src/storage/create-store.js";
import { generateCorpus } from "./generate-papers.js";
import { latencies, medianOf } from "./search-stats.js";
import type { Latency } from "./search-stats.js";

// Runs apart from the measured process, so the corpus never sits in that process's heap.
export interface CorpusReport {
  readonly papers: number;
  readonly vocabularySize: number;
  readonly averageAbstract: number;
  readonly generateMs: number;
  readonly writeMs: number;
  readonly queries: string[];
  /** Median over the passes of the naive scan's percentiles, and how many queries it answered. */
  readonly naive: Latency & { readonly answered: number };
}

const [storeUrl, count, out, passes] = process.argv.slice(2);
if (!storeUrl || !count || !out)
  throw new Error("usage: search-corpus-child.ts <store url> <papers> <report.json> [passes]");
const LIMIT = 10;

/** Baseline: lower-cased title+abstract must include every query word (no ranking, no typos). */
function naiveSearch(
  papers: readonly Paper[],
  lowered: readonly string[],
  query: string,
  limit: number,
): Paper[] {
  const words = parseQuery(query).terms;
  if (words.length === 0) return [];
  const found: Paper[] = [];
  for (let i = 0; i < papers.length; i++) {
    const text = lowered[i] ?? "";
    if (words.every((w) => text.includes(w))) {
      found.push(papers[i] as Paper);
      if (found.length >= limit) break;
    }
  }
  return found;
}

const generateStart = performance.now();
const { papers, queries, vocabularySize } = generateCorpus(Number(count));
const generateMs = performance.now() - generateStart;

const writeStart = performance.now();
const store = await createStore(storeUrl);

for (let i = 0; i < papers.length; i += 500) {
  await store.papers.putMany(papers.slice(i, i + 500));
}
await store.close();
const writeMs = performance.now() - writeStart;

const lowered = papers.map((p) => `${p.title}\n${p.abstract}`.toLowerCase());
for (const q of queries.slice(0, 20)) naiveSearch(papers, lowered, q, LIMIT);
const runs = Array.from({ length: Number(passes ?? 3) }, () =>
  latencies(queries, (q) => naiveSearch(papers, lowered, q, LIMIT).length > 0),
);
const report: CorpusReport = {
  papers: papers.length,
  vocabularySize,
  averageAbstract: papers.reduce((n, p) => n + p.abstract.length, 0) / papers.length,
  generateMs,
  writeMs,
  queries,
  naive: { ...medianOf(runs.map((r) => r.latency)), answered: runs[0]?.answered ?? 0 },
};
writeFileSync(out, JSON.stringify(report));
