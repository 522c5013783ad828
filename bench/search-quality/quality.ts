// Search quality: the labelled queries of queries.json over the recorded papers plus generated distractors, as nDCG@5.
import { readFileSync } from "node:fs";
import MiniSearch from "minisearch";
import { createSearchIndex } from "../../src/archive/search-index.js";
import type { Paper } from "../../src/papers/paper.js";
import { hfFixturePapers } from "../../test/fakes/hf-fixture-papers.js";
import { generateCorpus } from "../generate-papers.js";

export interface QualityCase {
  readonly query: string;
  /** What the query tests: words, typo, acronym, expansion, hyphen, joined, spaced, plural, phrase, exclusion, author. */
  readonly kind: string;
  /** Graded relevance (1–3) of the papers that are relevant; every other paper is 0. */
  readonly relevant: Readonly<Record<string, number>>;
}

interface QualitySet {
  readonly queries: readonly QualityCase[];
  readonly distractors: { readonly generated: number };
}

const FIXTURE_FILES = [
  "daily_papers_2026-06-12.json",
  "papers_search_q-kazakh_2025-05-18.json",
  "papers_search_q-llama-3-herd_2025-05-18.json",
];

export function loadQualitySet(): QualitySet {
  return JSON.parse(readFileSync(new URL("./queries.json", import.meta.url), "utf8")) as QualitySet;
}

/** The recorded papers (each once) and `generated` synthetic distractors whose ids do not collide with them. */
export function qualityCorpus(generated: number): Paper[] {
  const papers = new Map<string, Paper>();
  for (const file of FIXTURE_FILES) for (const p of hfFixturePapers(file)) papers.set(p.id, p);
  for (const p of generateCorpus(generated, 20261129, false).papers)
    if (!papers.has(p.id)) papers.set(p.id, p);
  return [...papers.values()];
}

/** nDCG@k with exponential gain (2^rel − 1) and log2 discount; 1 when the top k are the best possible. */
export function ndcg(ranked: readonly string[], relevant: Readonly<Record<string, number>>, k = 5): number {
  const dcg = (grades: readonly number[]): number =>
    grades.slice(0, k).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg(Object.values(relevant).sort((a, b) => b - a));
  return ideal === 0 ? 1 : dcg(ranked.map((id) => relevant[id] ?? 0)) / ideal;
}

export type Engine = (query: string, limit: number) => string[];

/** The mean nDCG@5 of an engine over the cases, and each case's. */
export function evaluate(
  cases: readonly QualityCase[],
  engine: Engine,
): { mean: number; perCase: { query: string; kind: string; ndcg: number }[] } {
  const perCase = cases.map((c) => ({
    query: c.query,
    kind: c.kind,
    ndcg: ndcg(engine(c.query, 5), c.relevant),
  }));
  return { mean: perCase.reduce((s, c) => s + c.ndcg, 0) / Math.max(1, perCase.length), perCase };
}

/** paperboy's index as `/papers` uses it (the archive ranks with the same index). */
export function oursEngine(papers: readonly Paper[]): Engine {
  const index = createSearchIndex();
  index.add(papers);
  return (query, limit) => index.search(query, { limit }).map((h) => h.id);
}

/** Plain BM25: MiniSearch with its defaults (OR of words, no prefix, no typos, no boosts) over title and abstract. */
export function bm25Engine(papers: readonly Paper[]): Engine {
  const mini = new MiniSearch<Paper>({ fields: ["title", "abstract"] });
  mini.addAll(papers);
  return (query, limit) =>
    mini
      .search(query)
      .slice(0, limit)
      .map((r) => String(r.id));
}
