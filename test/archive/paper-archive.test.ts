// The paper archive: merge-on-upsert, canonical ids, persistence across a restart, search and autocomplete.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPaperArchive, mergePaper } from "../../src/archive/paper-archive.js";
import type { Paper } from "../../src/papers/paper.js";
import { silentLogger } from "../../src/ops/logger.js";
import type { PaperStore } from "../../src/papers/paper-store.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const fixture = hfFixturePapers();
const byId = (id: string): Paper => fixture.find((p) => p.id === id)!;

const openStores: Store[] = [];
const tmpDirs: string[] = [];
afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function memoryArchive() {
  const store = await createStore("memory://");
  openStores.push(store);
  const papers = store.papers;
  return { papers, archive: createPaperArchive({ papers, log: silentLogger }) };
}

/** Every key the paper store holds, in key order. */
async function storedKeys(papers: PaperStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of papers.scan(100)) keys.push(...batch.map(([key]) => key));
  return keys;
}

describe("paper archive", () => {
  it("stores each paper once, keyed by its canonical id, and searches it", async () => {
    const { archive, papers } = await memoryArchive();
    await archive.upsert(fixture);
    expect(archive.size).toBe(30);
    expect(((await papers.getMany([byId("2606.13392").id]))[0] as Paper | undefined)?.title).toBe(
      "MiniMax Sparse Attention",
    );
    expect((await archive.search("sparse attention", { limit: 3 }))[0]?.paper.id).toBe("2606.13392");
  });

  it("treats 2401.01234v2 and 2401.01234 as one paper", async () => {
    const { archive, papers } = await memoryArchive();
    await archive.upsert([
      { ...makePaper({ id: "2401.01234", title: "Koala routing" }), id: "2401.01234v2" as Paper["id"] },
    ]);
    await archive.upsert([makePaper({ id: "2401.01234", title: "Koala routing, revised", upvotes: 3 })]);
    expect(archive.size).toBe(1);
    expect((await archive.get("2401.01234v2"))?.title).toBe("Koala routing, revised");
    expect((await archive.getMany(["2401.01234v1", "2401.01234", "9999.99999"])).map((p) => p.id)).toEqual([
      "2401.01234",
      "2401.01234",
    ]);
    expect(await storedKeys(papers)).toEqual(["2401.01234"]);
    expect(await archive.search("koala", { limit: 5 })).toHaveLength(1);
  });

  it("replaces the indexed text on upsert without leaving a duplicate", async () => {
    const { archive } = await memoryArchive();
    await archive.upsert([makePaper({ id: "2401.00010", title: "Wombat segmentation" })]);
    await archive.upsert([makePaper({ id: "2401.00010", title: "Platypus segmentation" })]);
    expect(await archive.search("wombat", { limit: 5 })).toEqual([]);
    expect((await archive.search("segmentation", { limit: 5 })).map((h) => h.paper.title)).toEqual([
      "Platypus segmentation",
    ]);
  });

  it("keeps the AI summary and keywords when a newer copy (e.g. from arXiv) lacks them", async () => {
    const { archive } = await memoryArchive();
    const hf = byId("2606.12243");
    await archive.upsert([hf]);
    const fromArxiv = makePaper({ id: hf.id, title: hf.title, abstract: hf.abstract, categories: ["cs.CL"] });
    await archive.upsert([fromArxiv]);
    const stored = (await archive.get(hf.id))!;
    expect(stored.aiSummary).toBe(hf.aiSummary);
    expect(stored.aiKeywords).toEqual(hf.aiKeywords);
    expect(stored.upvotes).toBe(hf.upvotes);
    expect(stored.categories).toEqual(["cs.CL"]);
    expect((await archive.search("slim-verifier", { limit: 3 }))[0]?.paper.id).toBe(hf.id);
  });

  it("takes newer counts from a newer Hugging Face copy", () => {
    const old = makePaper({ id: "2401.00011", title: "T", upvotes: 4, comments: 1, githubStars: 10 });
    const merged = mergePaper(old, { ...old, upvotes: 9, comments: 2, githubStars: 25, aiSummary: "S" });
    expect(merged).toMatchObject({ upvotes: 9, comments: 2, githubStars: 25, aiSummary: "S" });
  });

  it("does not write to the store when a paper comes back unchanged", async () => {
    const { papers: base } = await memoryArchive();
    const written: string[] = [];
    const counting: PaperStore = {
      ...base,
      putMany: (papers) => {
        written.push(...papers.map((p) => p.id));
        return base.putMany(papers);
      },
    };
    const archive = createPaperArchive({ papers: counting, log: silentLogger });
    await archive.upsert(fixture.slice(0, 5));
    await archive.upsert(fixture.slice(0, 5));
    expect(written).toEqual(fixture.slice(0, 5).map((p) => p.id));
    await archive.upsert([{ ...fixture[0]!, upvotes: fixture[0]!.upvotes + 1 }, ...fixture.slice(1, 5)]);
    expect(written.slice(5)).toEqual([fixture[0]!.id]);
  });

  it("survives a restart on a real SQLite store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paperboy-archive-"));
    tmpDirs.push(dir);
    const url = `sqlite://${join(dir, "archive.sqlite")}`;
    const first = await createStore(url);
    const before = createPaperArchive({ papers: first.papers, log: silentLogger });
    await before.load();
    await before.upsert(fixture);
    await first.close();

    const second = await createStore(url);
    openStores.push(second);
    const after = createPaperArchive({ papers: second.papers, log: silentLogger });
    expect(after.size).toBe(0);
    expect(await after.load()).toBe(30);
    expect((await after.get("2606.12243"))?.aiKeywords).toEqual(byId("2606.12243").aiKeywords);
    expect((await after.search("speculative decoding", { limit: 1 }))[0]?.paper.id).toBe("2606.12243");
  });

  it("keeps full papers in the store only: search and get read them back from there", async () => {
    const { papers, archive } = await memoryArchive();
    await archive.upsert(fixture);
    // Another replica rewrites a paper's summary in the shared store: this archive answers with it.
    await papers.putMany([{ ...byId("2606.13392"), aiSummary: "Rewritten elsewhere" }]);
    expect((await archive.search("sparse attention", { limit: 1 }))[0]?.paper.aiSummary).toBe(
      "Rewritten elsewhere",
    );
    expect((await archive.get("2606.13392"))?.aiSummary).toBe("Rewritten elsewhere");
    // A paper removed from the store is no longer returned, though it is still indexed.
    await papers.delete(["2606.13392"]);
    expect((await archive.search("sparse attention", { limit: 3 })).map((h) => h.paper.id)).not.toContain(
      "2606.13392",
    );
  });

  it("confirms a quoted phrase against the stored text and keeps exclusions", async () => {
    const { archive } = await memoryArchive();
    await archive.upsert([
      makePaper({ id: "2401.00021", title: "Latent space walks", abstract: "We walk." }),
      makePaper({
        id: "2401.00022",
        title: "Space of latent codes",
        abstract: "Codes in a latent, not a space walk.",
      }),
      makePaper({ id: "2401.00023", title: "Latent space video", abstract: "Video." }),
    ]);
    const ids = async (q: string): Promise<string[]> =>
      (await archive.search(q, { limit: 10 })).map((h) => h.paper.id).sort();
    expect(await ids("latent space")).toEqual(["2401.00021", "2401.00022", "2401.00023"]);
    expect(await ids('"latent space"')).toEqual(["2401.00021", "2401.00023"]);
    expect(await ids('"latent space" -video')).toEqual(["2401.00021"]);
  });

  it("lists the newest batch first, most upvoted first, read from the store", async () => {
    const { archive } = await memoryArchive();
    await archive.upsert([
      makePaper({ id: "2401.00031", title: "Old", dailyDate: "2026-06-01", upvotes: 90 }),
      makePaper({ id: "2401.00032", title: "New, few votes", dailyDate: "2026-06-02", upvotes: 1 }),
      makePaper({ id: "2401.00033", title: "New, many votes", dailyDate: "2026-06-02", upvotes: 7 }),
    ]);
    expect((await archive.newest(2)).map((p) => p.title)).toEqual(["New, many votes", "New, few votes"]);
  });

  it("merges a paper stored under a legacy versioned key into its canonical entry when loading", async () => {
    const { papers, archive } = await memoryArchive();
    await papers.putMany([
      {
        ...makePaper({ id: "2401.01234", title: "Koala routing", upvotes: 9 }),
        id: "2401.01234v2" as Paper["id"],
      },
    ]);
    expect(await storedKeys(papers)).toEqual(["2401.01234v2"]);
    expect(await archive.load()).toBe(1);
    expect((await archive.get("2401.01234"))?.upvotes).toBe(9);
    expect((await archive.search("koala", { limit: 5 })).map((h) => h.paper.id)).toEqual(["2401.01234"]);
    expect(await storedKeys(papers)).toEqual(["2401.01234"]);
  });

  it("skips stored entries that are not papers when loading", async () => {
    const { papers, archive } = await memoryArchive();
    await papers.putMany([
      byId("2606.12243"),
      { id: "garbage", hello: "world" } as unknown as Paper,
      { ...makePaper({ id: "2401.99999", title: "X" }), id: "not-an-id" as Paper["id"] },
    ]);
    expect(await storedKeys(papers)).toHaveLength(3);
    expect(await archive.load()).toBe(1);
    expect(await archive.getMany(["2606.12243", "2401.99999"])).toHaveLength(1);
  });
});

describe("archive autocomplete", () => {
  async function loaded() {
    const { archive } = await memoryArchive();
    await archive.upsert(fixture);
    return archive;
  }

  it("suggests titles from the start of a title first", async () => {
    const archive = await loaded();
    expect(archive.suggest("minimax", 5)[0]).toEqual({ id: "2606.13392", title: "MiniMax Sparse Attention" });
  });

  it("suggests by any word prefix of a title", async () => {
    const archive = await loaded();
    const ids = archive.suggest("spars atten", 5).map((s) => s.id);
    expect(ids).toEqual(["2606.13392"]);
  });

  it("suggests by a typed arXiv id or its prefix", async () => {
    const archive = await loaded();
    expect(archive.suggest("2606.12243v1", 5).map((s) => s.id)).toEqual(["2606.12243"]);
    expect(archive.suggest("2606.13", 5).map((s) => s.id)).toEqual([
      "2606.13681",
      "2606.13594",
      "2606.13572",
      "2606.13392",
      "2606.13289",
    ]);
  });

  it("returns at most `limit` suggestions, and the newest, most upvoted papers for an empty prefix", async () => {
    const archive = await loaded();
    await archive.upsert([
      makePaper({ id: "2607.00001", title: "Tomorrow's paper", dailyDate: "2026-06-13" }),
    ]);
    expect(archive.suggest("agent", 2)).toHaveLength(2);
    const empty = archive.suggest("", 3).map((s) => s.id);
    expect(empty[0]).toBe("2607.00001");
    const mostUpvoted = [...fixture].sort((a, b) => b.upvotes - a.upvotes || (a.id < b.id ? 1 : -1))[0]!;
    expect(empty[1]).toBe(mostUpvoted.id);
    expect(empty).toHaveLength(3);
  });
});
