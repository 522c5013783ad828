// A /papers search answer whose hit matched in a hostile abstract, composed by the real core pieces: for renderer tests.
import { parseQuery } from "../../src/archive/search-index.js";
import { composePaperList } from "../../src/digest/compose-digest.js";
import type { OutboundMessage } from "../../src/index.js";
import { explainMatch } from "../../src/search/explain-match.js";
import { makePaper } from "./hf-fixture-papers.js";

/** The abstract around the match holds a broadcast, a user mention, a forged link and markdown. */
export const HOSTILE_ABSTRACT =
  "Nothing to see here at all, really. Sparse <!channel> kernels <@U123> make @here quadratic " +
  "<https://evil.example|click> attention **cheap** for long contexts.";

export function matchedSearchAnswer(query = "quadratic kernels"): OutboundMessage {
  const paper = makePaper({ id: "2401.00042", title: "Fast Long Contexts", abstract: HOSTILE_ABSTRACT });
  const matched = explainMatch(paper, parseQuery(query));
  if (!matched) throw new Error("the fixture paper should explain its match");
  return composePaperList([{ paper, score: 1, matched }], {
    title: `Papers matching “${query}”`,
    query,
    shareButtons: true,
  });
}
