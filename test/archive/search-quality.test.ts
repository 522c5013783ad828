// Guards ranking quality: the labelled queries of bench/search-quality/queries.json, as nDCG@5, against a floor and plain BM25.
import { describe, expect, it } from "vitest";
import {
  bm25Engine,
  evaluate,
  loadQualitySet,
  ndcg,
  oursEngine,
  qualityCorpus,
} from "../../bench/search-quality/quality.js";

/** Measured 0.970 when the set was labelled (README); a drop below this floor is a ranking regression. */
const FLOOR = 0.95;

describe("search quality on the labelled query set", () => {
  const set = loadQualitySet();
  const papers = qualityCorpus(set.distractors.generated);

  it("has at least 40 labelled queries of every kind the issue names, graded 1–3", () => {
    expect(set.queries.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(set.queries.map((q) => q.kind));
    for (const kind of ["typo", "acronym", "phrase", "author", "exclusion", "hyphen", "joined"])
      expect(kinds, kind).toContain(kind);
    for (const q of set.queries) {
      expect(Object.keys(q.relevant).length, q.query).toBeGreaterThan(0);
      for (const [id, grade] of Object.entries(q.relevant)) {
        expect(
          papers.some((p) => p.id === id),
          `${q.query}: ${id}`,
        ).toBe(true);
        expect([1, 2, 3], `${q.query}: ${id}`).toContain(grade);
      }
    }
  });

  it("computes nDCG@5: 1 for the ideal order, less for a worse one, 0 when nothing relevant is shown", () => {
    const relevant = { a: 3, b: 1 };
    expect(ndcg(["a", "b"], relevant)).toBe(1);
    expect(ndcg(["b", "a"], relevant)).toBeLessThan(1);
    expect(ndcg(["x", "y"], relevant)).toBe(0);
  });

  it(`GIVEN the recorded papers and generated distractors THEN our nDCG@5 is at least ${FLOOR} and above plain BM25`, () => {
    const ours = evaluate(set.queries, oursEngine(papers));
    const bm25 = evaluate(set.queries, bm25Engine(papers));
    const worst = [...ours.perCase].sort((a, b) => a.ndcg - b.ndcg).slice(0, 5);
    expect(ours.mean, `worst: ${JSON.stringify(worst)}`).toBeGreaterThanOrEqual(FLOOR);
    expect(ours.mean).toBeGreaterThan(bm25.mean);
  });
});
