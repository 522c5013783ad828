// Merged /papers search: Hugging Face + archive, de-duplicated, with a notice when Hugging Face is slow or down.
import { afterEach, describe, expect, it } from "vitest";
import { createPaperArchive } from "../../src/archive/paper-archive.js";
import type { Paper } from "../../src/papers/paper.js";
import { createPaperSearch } from "../../src/search/search-papers.js";
import type { SourceResult } from "../../src/sources/paper-source.js";
import { SourceUnavailableError } from "../../src/sources/paper-source.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const daily = hfFixturePapers();
const kazakh = hfFixturePapers("papers_search_q-kazakh_2025-05-18.json");
const answer = (papers: readonly Paper[], stale = false): SourceResult => ({
  papers,
  stale,
  dropped: 0,
  fetchedAt: new Date(0),
});

const openStores: Store[] = [];
afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
});

async function archiveWith(papers: readonly Paper[]) {
  const store = await createStore("memory://");
  openStores.push(store);
  const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
  await archive.upsert(papers);
  return archive;
}

/** A Hugging Face search that answers with `papers` (recording what it was asked). */
function answeringHf(papers: readonly Paper[], stale = false) {
  const asked: string[] = [];
  return { asked, search: async (query: string) => (asked.push(query), answer(papers, stale)) };
}

/** A Hugging Face search that would answer after 3 s, but gives up when its signal aborts. */
function slowHf() {
  const state = { aborted: false };
  return {
    state,
    search: (_q: string, _limit?: number, signal?: AbortSignal) =>
      new Promise<SourceResult>((resolve, reject) => {
        const timer = setTimeout(() => resolve(answer(kazakh)), 3_000);
        signal?.addEventListener("abort", () => {
          state.aborted = true;
          clearTimeout(timer);
          reject(new Error("aborted"));
        });
      }),
  };
}

const failingHf = {
  search: async (): Promise<SourceResult> => {
    throw new SourceUnavailableError("huggingface", "http://127.0.0.1:9", "connect ECONNREFUSED");
  },
};

describe("merged paper search", () => {
  it("merges a Hugging Face hit and the archived copy of the same paper (v2 ≡ unversioned) into one result", async () => {
    const archive = await archiveWith(daily);
    const speculative = daily.find((p) => p.id === "2606.12243")!;
    const hf = answeringHf([{ ...speculative, id: "2606.12243v2" as Paper["id"], upvotes: 99 }, kazakh[0]!]);
    const search = createPaperSearch({ hf, archive, log: silentLogger });
    const { results, notice } = await search.search("speculative decoding", { limit: 5 });
    expect(notice).toBeUndefined();
    const ids = results.map((r) => r.paper.id);
    expect(ids.filter((id) => id === "2606.12243")).toHaveLength(1);
    expect(results[0]).toMatchObject({
      paper: { id: "2606.12243", upvotes: 99 },
      from: ["huggingface", "archive"],
    });
    expect(results.find((r) => r.paper.id === kazakh[0]!.id)?.from).toEqual(["huggingface"]);
  });

  it("GIVEN a hit whose title lacks the words THEN it carries why it matched; a title match carries nothing", async () => {
    const archive = await archiveWith(daily);
    const search = createPaperSearch({ hf: answeringHf([]), archive, log: silentLogger });
    const { results } = await search.search("quadratic softmax", { limit: 3 });
    expect(results[0]?.paper.id).toBe("2606.13392");
    const bold = results[0]?.matched?.filter((r) => r.type === "bold").map((r) => r.text);
    expect(bold).toEqual(["quadratic", "softmax"]);
    const titled = await search.search("sparse attention", { limit: 1 });
    expect(titled.results[0]?.matched).toBeUndefined();
  });

  it("archives every paper Hugging Face returns", async () => {
    const archive = await archiveWith([]);
    const search = createPaperSearch({ hf: answeringHf(kazakh), archive, log: silentLogger });
    await search.search("kazakh", { limit: 10 });
    expect(archive.size).toBe(kazakh.length);
    expect((await archive.search("kazakh sentiment", { limit: 1 }))[0]?.paper.id).toBe("2403.19335");
  });

  it('applies the query\'s -exclusions and "phrases" to Hugging Face results too', async () => {
    const archive = await archiveWith([]);
    const hf = answeringHf(kazakh);
    const search = createPaperSearch({ hf, archive, log: silentLogger });
    const excluded = await search.search("kazakh -speech", { limit: 10 });
    expect(hf.asked).toEqual(["kazakh"]);
    expect(excluded.results.length).toBeGreaterThan(0);
    for (const { paper } of excluded.results)
      expect(`${paper.title} ${paper.abstract}`.toLowerCase()).not.toContain("speech");
    const phrase = await search.search('kazakh "sentiment analysis"', { limit: 10 });
    expect(phrase.results.map((r) => r.paper.id)).toEqual(["2403.19335"]);
  });

  it("GIVEN Hugging Face slower than the timeout THEN it answers from the archive with a notice and aborts the request", async () => {
    const archive = await archiveWith(daily);
    const hf = slowHf();
    const search = createPaperSearch({ hf, archive, hfTimeoutMs: 100, log: silentLogger });
    const { results, notice } = await search.search("sparse attention", { limit: 3 });
    expect(results[0]).toMatchObject({ paper: { id: "2606.13392" }, from: ["archive"] });
    expect(notice).toBe("Hugging Face did not answer within 0.1 s — showing papers from paperboy's archive.");
    expect(hf.state.aborted).toBe(true);
  });

  it("GIVEN Hugging Face unreachable THEN it answers from the archive and says why", async () => {
    const archive = await archiveWith(daily);
    const search = createPaperSearch({ hf: failingHf, archive, log: silentLogger });
    const { results, notice } = await search.search("speculative decoding", { limit: 3 });
    expect(results[0]?.paper.id).toBe("2606.12243");
    expect(notice).toBe(
      "Hugging Face cannot be reached at http://127.0.0.1:9: connect ECONNREFUSED — showing papers from paperboy's archive.",
    );
  });

  it("GIVEN Hugging Face throwing a plain error THEN the notice names the reason", async () => {
    const archive = await archiveWith(daily);
    const hf = { search: async (): Promise<SourceResult> => Promise.reject(new Error("HTTP 503")) };
    const { notice } = await createPaperSearch({ hf, archive, log: silentLogger }).search("agents", {
      limit: 3,
    });
    expect(notice).toBe(
      "Hugging Face cannot be reached (HTTP 503) — showing papers from paperboy's archive.",
    );
  });

  it("GIVEN Hugging Face down and a thin archive THEN arXiv fills in", async () => {
    const archive = await archiveWith([kazakh[0]!]);
    const fromArxiv = makePaper({
      id: "2403.19399v1",
      title: "KazParC: Kazakh Parallel Corpus",
      categories: ["cs.CL"],
    });
    const arxiv = { search: async () => answer([fromArxiv]) };
    const search = createPaperSearch({ hf: failingHf, archive, arxiv, log: silentLogger });
    const { results, notice } = await search.search("kazakh", { limit: 5 });
    expect(results.map((r) => [r.paper.id, r.from])).toEqual([
      ["2404.04487", ["archive"]],
      ["2403.19399", ["arxiv"]],
    ]);
    expect(notice).toMatch(/showing papers from paperboy's archive and arXiv\.$/);
    expect((await archive.get("2403.19399"))?.categories).toEqual(["cs.CL"]);
  });

  it("does not ask arXiv when Hugging Face answers", async () => {
    let asked = 0;
    const arxiv = { search: async () => (asked++, answer([])) };
    const search = createPaperSearch({
      hf: answeringHf(kazakh),
      archive: await archiveWith([]),
      arxiv,
      log: silentLogger,
    });
    await search.search("kazakh", { limit: 5 });
    expect(asked).toBe(0);
  });

  it("says so when Hugging Face served a stale cached answer", async () => {
    const search = createPaperSearch({
      hf: answeringHf(kazakh, true),
      archive: await archiveWith([]),
      log: silentLogger,
    });
    const { results, notice } = await search.search("kazakh", { limit: 3 });
    expect(results).toHaveLength(3);
    expect(notice).toMatch(/last saved answer/);
  });

  it("ranks deterministically and respects the limit", async () => {
    const archive = await archiveWith([...daily, ...kazakh]); // HF's answer is already archived, so nothing changes between calls
    const search = createPaperSearch({ hf: answeringHf(kazakh), archive, log: silentLogger });
    const a = await search.search("language models", { limit: 7 });
    const b = await search.search("language models", { limit: 7 });
    expect(a.results).toHaveLength(7);
    expect(a.results.map((r) => r.paper.id)).toEqual(b.results.map((r) => r.paper.id));
    const scores = a.results.map((r) => r.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it("returns nothing (and asks nobody) for an empty query", async () => {
    const hf = answeringHf(kazakh);
    const search = createPaperSearch({ hf, archive: await archiveWith(daily), log: silentLogger });
    expect(await search.search("  ", { limit: 5 })).toEqual({ results: [] });
    expect(hf.asked).toEqual([]);
  });
});
