// Typo lookup without a radix tree: bounded Levenshtein over the candidates of the first two letters and the length.
import { describe, expect, it } from "vitest";
import {
  boundedDistance,
  headLengthOrder,
  termsWithin,
  typoCandidates,
} from "../../src/archive/fuzzy-terms.js";

describe("typo lookup over sorted terms", () => {
  const row = new Int32Array(32);
  it("computes the edit distance up to the bound, and bound + 1 past it", () => {
    expect(boundedDistance("transformer", "transfromer", 2, row)).toBe(2);
    expect(boundedDistance("decoding", "decodng", 2, row)).toBe(1);
    expect(boundedDistance("kitten", "sitting", 2, row)).toBe(3);
    expect(boundedDistance("attention", "retention", 1, row)).toBe(2);
  });

  it("finds every term within the distance and skips the word itself (also with non-ASCII terms)", () => {
    const found = termsWithin(
      "speculatve",
      ["speculative", "speculate", "spectacle", "speculatve", "spéculative"],
      2,
    );
    expect(found).toEqual([
      { term: "speculative", distance: 1 },
      { term: "speculate", distance: 1 }, // "speculatve" without its v
      { term: "spéculative", distance: 2 },
    ]);
  });

  it("offers the terms that start with the word's first or second letter and are near its length", () => {
    const sorted = [
      "ransformer",
      "rtansformer",
      "trans",
      "transformer",
      "transformers",
      "xtransformer",
    ].sort();
    const order = headLengthOrder(sorted);
    expect(typoCandidates(sorted, order, "rtansformer", 2).sort()).toEqual(
      ["ransformer", "rtansformer", "transformer", "transformers"].sort(),
    );
  });
});
