// Why a search hit matched: an abstract fragment with the matched words bold, else the field that matched.
import { describe, expect, it } from "vitest";
import { parseQuery } from "../../src/archive/search-index.js";
import { explainMatch } from "../../src/search/explain-match.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const plain = (runs: readonly { text: string }[] | undefined): string =>
  (runs ?? []).map((r) => r.text).join("");
const bolds = (runs: readonly { type: string; text: string }[] | undefined): string[] =>
  (runs ?? []).filter((r) => r.type === "bold").map((r) => r.text);

describe("explainMatch", () => {
  const sparse = hfFixturePapers().find((p) => p.id === "2606.13392")!; // MiniMax Sparse Attention

  it("says nothing when the title holds every query word", () => {
    expect(explainMatch(sparse, parseQuery("sparse attention"))).toBeUndefined();
  });

  it("GIVEN words only in the abstract THEN a short fragment around them, those words bold", () => {
    const runs = explainMatch(sparse, parseQuery("quadratic softmax"));
    expect(bolds(runs)).toEqual(["quadratic", "softmax"]);
    expect(plain(runs)).toMatch(/^….*quadratic cost of softmax attention.*…$/);
    expect(plain(runs).length).toBeLessThanOrEqual(170);
  });

  it("GIVEN an abbreviation THEN the fragment shows its spelled-out form in bold", () => {
    const paper = makePaper({
      id: "2401.00001",
      title: "Agents that remember",
      abstract: "We study how large language models keep notes across sessions.",
    });
    expect(bolds(explainMatch(paper, parseQuery("LLM")))).toEqual(["large", "language", "models"]);
  });

  it("GIVEN words only in keywords or authors THEN it names the field and the matching entries", () => {
    const paper = makePaper({
      id: "2401.00002",
      title: "A study",
      abstract: "Nothing here.",
      aiKeywords: ["speculative decoding", "drafters"],
      authors: [{ name: "Huseyin Atakan Varol" }],
    });
    expect(plain(explainMatch(paper, parseQuery("drafters")))).toBe("matched keywords: drafters");
    expect(plain(explainMatch(paper, parseQuery("varol")))).toBe("matched author: Huseyin Atakan Varol");
  });

  it("GIVEN only a typo matched THEN it points at nothing rather than at the wrong words", () => {
    expect(explainMatch(sparse, parseQuery("quadratik"))).toBeUndefined();
  });
});
