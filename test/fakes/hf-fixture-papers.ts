// Recorded Hugging Face fixtures as Paper objects (via the real item parser), and a hand-made paper helper.
import { readFileSync } from "node:fs";
import { toPaperId } from "../../src/papers/paper.js";
import type { Paper } from "../../src/papers/paper.js";
import { parseHfItems } from "../../src/sources/hf-item.js";

/** The papers of one recorded file in ../shared/fixtures/hf/ (Daily Papers or search: same item shape). */
export function hfFixturePapers(file = "daily_papers_2026-06-12.json"): Paper[] {
  const url = new URL(`../../../shared/fixtures/hf/${file}`, import.meta.url);
  return parseHfItems(JSON.parse(readFileSync(url, "utf8"))).papers;
}

/** A hand-made paper for tests that need exact text; everything not given is empty. */
export function makePaper(overrides: Omit<Partial<Paper>, "id"> & { id: string; title: string }): Paper {
  const id = toPaperId(overrides.id);
  if (!id) throw new Error(`not an arXiv id: ${overrides.id}`);
  return { abstract: "", aiKeywords: [], authors: [], upvotes: 0, comments: 0, ...overrides, id };
}
