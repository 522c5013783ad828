// The field's vocabulary in the index: plurals, hyphen/space/joined compounds and abbreviations, both ways.
import { describe, expect, it } from "vitest";
import { createSearchIndex } from "../../src/archive/search-index.js";
import { stem, spelledOut } from "../../src/archive/vocabulary.js";
import { makePaper } from "../fakes/hf-fixture-papers.js";

const ids = (hits: readonly { id: string }[]): string[] => hits.map((h) => h.id);

describe("plural stemming", () => {
  it("folds plurals onto their singular and leaves words that only end in s alone", () => {
    expect(["models", "learners", "studies", "processes", "approaches", "llms", "boxes"].map(stem)).toEqual([
      "model",
      "learner",
      "study",
      "process",
      "approach",
      "llm",
      "box",
    ]);
    expect(["analysis", "corpus", "loss", "bias", "gas", "its"].map(stem)).toEqual([
      "analysis",
      "corpus",
      "loss",
      "bias",
      "gas",
      "its",
    ]);
  });
});

describe("abbreviations spelled out", () => {
  it("finds every expansion in a word sequence, the longest and the nested one", () => {
    expect(spelledOut(["large", "language", "model", "agent"])).toEqual([
      { key: "llm", start: 0, end: 3 },
      { key: "lm", start: 1, end: 3 },
    ]);
    expect(spelledOut(["language", "modelling"])).toEqual([]);
  });
});

describe("search over the field's vocabulary", () => {
  const index = createSearchIndex();
  index.add([
    makePaper({ id: "2401.00001", title: "Agents built on large language models" }),
    makePaper({ id: "2401.00002", title: "Tool use for LLMs" }),
    makePaper({ id: "2401.00003", title: "A self-supervised learner for audio" }),
    makePaper({ id: "2401.00004", title: "Selfsupervised pretraining of vision encoders" }),
    makePaper({ id: "2401.00005", title: "Self supervised depth from video" }),
    makePaper({ id: "2401.00006", title: "Caching keys", abstract: "We compress the KV-cache of decoders." }),
    makePaper({ id: "2401.00007", title: "Key-value cache eviction" }),
    makePaper({ id: "2401.00008", title: "Fine tuning recipes" }),
    makePaper({ id: "2401.00009", title: "Finetuning without labels" }),
  ]);
  const found = (q: string): string[] => ids(index.search(q, { limit: 10 }));

  it("GIVEN 'LLM' THEN it finds 'large language models', and the expansion finds 'LLMs'", () => {
    expect(found("LLM")).toEqual(expect.arrayContaining(["2401.00001", "2401.00002"]));
    expect(found("large language model")).toEqual(expect.arrayContaining(["2401.00001", "2401.00002"]));
  });

  it("GIVEN self-supervised, self supervised or selfsupervised THEN each finds all three spellings", () => {
    for (const q of ["self-supervised", "self supervised", "selfsupervised"])
      expect(found(q).slice(0, 3).sort(), q).toEqual(["2401.00003", "2401.00004", "2401.00005"]);
  });

  it("GIVEN 'KV cache' or 'key-value cache' THEN both cache papers come first", () => {
    for (const q of ["KV cache", "key-value cache", "kv-cache"])
      expect(found(q).slice(0, 2).sort(), q).toEqual(["2401.00006", "2401.00007"]);
  });

  it("GIVEN plural or singular THEN the same papers: 'learners' finds 'learner', 'agent' finds 'Agents'", () => {
    expect(found("learners")).toContain("2401.00003");
    expect(found("agent")).toContain("2401.00001");
    expect(found("fine-tuning").slice(0, 2).sort()).toEqual(["2401.00008", "2401.00009"]);
  });

  it("keeps exclusions strict across forms: '-llm' drops the paper that spells it out", () => {
    expect(found("agents tool -llm")).not.toContain("2401.00001");
    expect(found("agents tool -llm")).not.toContain("2401.00002");
  });
});
