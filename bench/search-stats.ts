// Latency percentiles for the search benchmark: per pass, and the median of several passes.
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { CorpusReport } from "./search-corpus-child.js";

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function summarise(times: number[]): Latency {
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

/** Times `run` on every query once; `run` says whether the query found anything. */
export function latencies(
  queries: readonly string[],
  run: (q: string) => boolean,
): { latency: Latency; answered: number } {
  const times: number[] = [];
  let answered = 0;
  for (const q of queries) {
    const start = performance.now();
    if (run(q)) answered++;
    times.push(performance.now() - start);
  }
  return { latency: summarise(times), answered };
}

/** The async twin of {@link latencies}, one query at a time. */
export async function latenciesAsync(
  queries: readonly string[],
  run: (q: string) => Promise<boolean>,
): Promise<{ latency: Latency; answered: number }> {
  const times: number[] = [];
  let answered = 0;
  for (const q of queries) {
    const start = performance.now();
    if (await run(q)) answered++;
    times.push(performance.now() - start);
  }
  return { latency: summarise(times), answered };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

/** Each percentile's median over the passes. */
export function medianOf(runs: readonly Latency[]): Latency {
  return {
    p50: median(runs.map((r) => r.p50)),
    p95: median(runs.map((r) => r.p95)),
    p99: median(runs.map((r) => r.p99)),
  };
}

/** "1.23 / 1.10 / 0.98": the 1, 5 and 15 minute load averages. */
export const machineLoad = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

/**
 * Generates `papers` papers in another process (search-corpus-child.ts), stores them in SQLite at `storeUrl` and
 * returns its report: the queries, and the naive scan timed over `passes` passes.
 */
export function generateCorpus(
  storeUrl: string,
  papers: number,
  reportFile: string,
  passes: number,
): CorpusReport {
  const child = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(new URL("./search-corpus-child.ts", import.meta.url)),
      storeUrl,
      String(papers),
      reportFile,
      String(passes),
    ],
    { stdio: "inherit" },
  );
  if (child.status !== 0) throw new Error(`the corpus process failed (status ${String(child.status)})`);
  return JSON.parse(readFileSync(reportFile, "utf8")) as CorpusReport;
}
