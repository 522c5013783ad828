// The full-text index: prefixes, typos, field boosts, query syntax, upserts, determinism.
import { describe, expect, it } from "vitest";
import { createSearchIndex, parseQuery } from "../../src/archive/search-index.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const fixture = hfFixturePapers();
const ids = (hits: readonly { id: string }[]): string[] => hits.map((h) => h.id);

function fixtureIndex() {
  const index = createSearchIndex();
  index.add(fixture);
  return index;
}

describe("search index over the recorded Daily Papers batch", () => {
  it("indexes all 30 recorded papers", () => {
    expect(fixtureIndex().size).toBe(30);
  });

  it("finds transformer papers from the prefix 'transf'", () => {
    const hits = fixtureIndex().search("transf", { limit: 10 });
    // HYDRA-X has "Vision Transformer" as a keyword; MaskAlign has "diffusion transformers".
    expect(ids(hits)).toEqual(expect.arrayContaining(["2606.13289", "2606.08788"]));
  });

  it("tolerates a typo: 'speculatve decodng' finds the speculative decoding paper first", () => {
    expect(ids(fixtureIndex().search("speculatve decodng", { limit: 5 }))[0]).toBe("2606.12243");
  });

  it("tolerates a transposition: 'transfromer' finds transformer papers", () => {
    expect(ids(fixtureIndex().search("transfromer", { limit: 10 }))).toContain("2606.13289");
  });

  it("finds a paper by an author's name, diacritics and case ignored", () => {
    expect(ids(fixtureIndex().search("kocielnik", { limit: 5 }))).toContain("2606.00467");
  });

  it("ranks papers with every word first, then papers with some of the words (never a short list by AND)", () => {
    const hits = fixtureIndex().search("sparse attention", { limit: 30 });
    const has = (id: string, word: RegExp): boolean => {
      const paper = fixture.find((p) => p.id === id)!;
      return word.test(`${paper.title} ${paper.abstract} ${paper.aiKeywords.join(" ")}`.toLowerCase());
    };
    expect(ids(hits)[0]).toBe("2606.13392");
    const both = ids(hits).map((id) => has(id, /spars/) && has(id, /attention/));
    const firstPartial = both.indexOf(false);
    expect(firstPartial).toBeGreaterThan(0);
    // Every paper with both words ranks above every paper with only one, and the partial ones are there.
    expect(both.slice(firstPartial)).not.toContain(true);
    expect(ids(hits).length).toBeGreaterThan(firstPartial);
  });

  it("falls back to OR when no paper has every word", () => {
    const hits = fixtureIndex().search("speculative zebrafish", { limit: 5 });
    expect(ids(hits)).toContain("2606.12243");
  });

  it("applies -exclusions: '-diffusion' drops papers that mention diffusion", () => {
    const index = fixtureIndex();
    const with_ = ids(index.search("alignment", { limit: 30 }));
    const without = ids(index.search("alignment -diffusion", { limit: 30 }));
    expect(with_).toContain("2606.08788"); // MaskAlign: representation alignment for diffusion training
    expect(without).not.toContain("2606.08788");
    expect(without.length).toBeGreaterThan(0);
  });

  it('applies "quoted phrases": the exact phrase must appear', () => {
    const index = fixtureIndex();
    const loose = ids(index.search("latent space", { limit: 30 }));
    const phrase = ids(index.search('"latent space"', { limit: 30 }));
    expect(phrase.length).toBeGreaterThan(0);
    expect(phrase.length).toBeLessThanOrEqual(loose.length);
    for (const id of phrase) {
      const p = fixture.find((x) => x.id === id)!;
      expect(`${p.title} ${p.abstract} ${p.aiKeywords.join(" ")}`.toLowerCase()).toContain("latent space");
    }
  });

  it("applies the caller's filter before the limit", () => {
    const hits = fixtureIndex().search("llm", { limit: 3, filter: (p) => p.id !== "2606.00467" });
    expect(hits).toHaveLength(3);
    expect(ids(hits)).not.toContain("2606.00467");
  });

  it("returns nothing for a query of stop words or exclusions only", () => {
    const index = fixtureIndex();
    expect(index.search("the of and", { limit: 5 })).toEqual([]);
    expect(index.search("-agents", { limit: 5 })).toEqual([]);
  });

  it("answers the same query the same way every time", () => {
    const a = fixtureIndex().search("agents", { limit: 20 });
    const b = fixtureIndex().search("agents", { limit: 20 });
    expect(a).toEqual(b);
  });
});

describe("search index ranking and tokenising", () => {
  const titleHit = makePaper({
    id: "2401.00001",
    title: "Quokka networks for vision",
    abstract: "We study images.",
  });
  const abstractHit = makePaper({
    id: "2401.00002",
    title: "Image models revisited",
    abstract: "Unlike quokka networks, we study images with many words about images and vision.",
  });

  it("ranks a title match above an abstract-only match", () => {
    const index = createSearchIndex();
    index.add([abstractHit, titleHit]);
    expect(ids(index.search("quokka", { limit: 5 }))).toEqual(["2401.00001", "2401.00002"]);
  });

  it("matches hyphenated words by their parts and joined: self-supervised", () => {
    const index = createSearchIndex();
    index.add([makePaper({ id: "2401.00003", title: "Self-Supervised Pretraining at Scale" })]);
    expect(ids(index.search("self supervised", { limit: 5 }))).toEqual(["2401.00003"]);
    expect(ids(index.search("self-supervised", { limit: 5 }))).toEqual(["2401.00003"]);
    expect(ids(index.search("selfsupervised", { limit: 5 }))).toEqual(["2401.00003"]);
  });

  it("folds diacritics both ways: 'schrodinger' finds Schrödinger", () => {
    const index = createSearchIndex();
    index.add([makePaper({ id: "2401.00004", title: "Schrödinger bridges for generative modelling" })]);
    expect(ids(index.search("schrodinger", { limit: 5 }))).toEqual(["2401.00004"]);
    expect(ids(index.search("SCHRÖDINGER", { limit: 5 }))).toEqual(["2401.00004"]);
  });

  it("replaces a paper on upsert: the old text no longer matches and there is one copy", () => {
    const index = createSearchIndex();
    index.add([makePaper({ id: "2401.00005", title: "Wombat detection" })]);
    index.replace(makePaper({ id: "2401.00005", title: "Platypus detection" }));
    expect(index.size).toBe(1);
    expect(index.search("wombat", { limit: 5 })).toEqual([]);
    expect(ids(index.search("platypus", { limit: 5 }))).toEqual(["2401.00005"]);
    expect(ids(index.search("detection", { limit: 5 }))).toEqual(["2401.00005"]);
  });

  it("searchTitles matches word prefixes of titles only", () => {
    const index = createSearchIndex();
    index.add([titleHit, abstractHit]);
    expect(ids(index.searchTitles("quok", 5))).toEqual(["2401.00001"]);
    expect(ids(index.searchTitles("image mod", 5))).toEqual(["2401.00002"]);
  });
});

describe("parseQuery", () => {
  it("splits words, quoted phrases and exclusions", () => {
    expect(parseQuery('diffusion "Latent Space" -video -Audio')).toEqual({
      terms: ["diffusion", "latent", "space"],
      // Joined forms of neighbouring words count as them ("latent space" = "latentspace").
      alternatives: [["diffusionlatent"], ["diffusionlatent", "latentspace"], ["latentspace"]],
      phrases: ["latent space"],
      excluded: ["video", "audio"],
      text: "diffusion Latent Space",
    });
  });
});
