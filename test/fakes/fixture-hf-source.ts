// In-process stand-in of the HuggingFaceSource port serving fixture papers; counts calls, can fail or go stale.
import type { Paper } from "../../src/papers/paper.js";
import type { HuggingFaceSource, SourceResult } from "../../src/sources/paper-source.js";
import { hfFixturePapers } from "./hf-fixture-papers.js";

export interface FixtureHfSource extends HuggingFaceSource {
  /** Every call, e.g. "daily:2026-06-12", "week:2026-W24", "trending". */
  readonly calls: string[];
  /** Papers per batch date (default: the recorded 2026-06-12 batch, every other date empty). */
  readonly byDate: Map<string, Paper[]>;
  setTrending(papers: Paper[]): void;
  /** Throw on every call until called with false. */
  setFailing(failing: boolean): void;
  /** Answer with stale: true (an outage served from cache). */
  setStale(stale: boolean): void;
}

export function createFixtureHfSource(now: () => Date = () => new Date()): FixtureHfSource {
  const recorded = hfFixturePapers();
  const byDate = new Map<string, Paper[]>([["2026-06-12", recorded]]);
  let trending = recorded;
  let failing = false;
  let stale = false;
  const calls: string[] = [];
  const answer = (call: string, papers: readonly Paper[]): Promise<SourceResult> => {
    calls.push(call);
    if (failing) return Promise.reject(new Error(`Hugging Face cannot be reached (${call})`));
    return Promise.resolve({ papers: [...papers], stale, dropped: 0, fetchedAt: now() });
  };
  const inRange = (prefix: string): Paper[] =>
    [...byDate.entries()].filter(([d]) => d.startsWith(prefix)).flatMap(([, p]) => p);
  return {
    calls,
    byDate,
    baseUrl: "http://fixture.invalid",
    setTrending: (p) => {
      trending = p;
    },
    setFailing: (f) => {
      failing = f;
    },
    setStale: (s) => {
      stale = s;
    },
    daily: (date) => answer(`daily:${date}`, byDate.get(date) ?? []),
    week: (week) => answer(`week:${week}`, week === "2026-W24" ? (byDate.get("2026-06-12") ?? []) : []),
    month: (month) => answer(`month:${month}`, inRange(month)),
    trending: () => answer("trending", trending),
    search: (q) => answer(`search:${q}`, []),
    paper: (id) => Promise.resolve(recorded.find((p) => p.id === id)),
  };
}
