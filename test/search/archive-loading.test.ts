// Search while the archive loads (Hugging Face answers alone, and says so), and what an empty answer says about how
// far back the archive reaches — composed by the core, rendered by every platform.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderText } from "../../adapters/console/index.js";
import { renderDiscordMessage } from "../../adapters/discord/index.js";
import { renderSlackMessage } from "../../adapters/slack/index.js";
import { createPaperArchive } from "../../src/archive/paper-archive.js";
import { silentLogger } from "../../src/ops/logger.js";
import { coverageNote } from "../../src/search/archive-coverage.js";
import { createPaperSearch } from "../../src/search/search-papers.js";
import { createHuggingFaceSource } from "../../src/sources/huggingface-source.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { createTestCore } from "../fakes/test-core.js";

let hf: PaperApiServer;
const stores: Store[] = [];
beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function storeWith(count: number): Promise<Store> {
  const store = await createStore("memory://");
  stores.push(store);
  const papers = Array.from({ length: count }, (_, i) =>
    makePaper({
      id: `2501.${String(10000 + i)}`,
      title: `Kazakh speech corpus part ${i}`,
      dailyDate: `2025-01-${String(2 + (i % 28)).padStart(2, "0")}`,
    }),
  );
  for (let i = 0; i < papers.length; i += 500) await store.papers.putMany(papers.slice(i, i + 500));
  return store;
}

describe("search while the archive loads", () => {
  it("GIVEN a load in progress THEN a search answers from Hugging Face with 'the archive is still loading (N of M papers)', and from both once loaded", async () => {
    const store = await storeWith(3_000);
    const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
    const source = createHuggingFaceSource({
      baseUrl: hf.url,
      cache: store.namespace("cache"),
      now: () => new Date(),
      log: silentLogger,
    });
    const search = createPaperSearch({ hf: source, archive, log: silentLogger });
    const loaded = archive.load();
    while (archive.loading() === undefined) await new Promise((r) => setImmediate(r));

    const during = await search.search("kazakh", { limit: 5 });
    expect(during.notice).toMatch(
      /^The archive is still loading \(\d[\d,]* of 3,000 papers\) — showing Hugging Face's results\.$/,
    );
    expect(during.results.length).toBeGreaterThan(0);
    expect(during.results.every((r) => r.from.join() === "huggingface")).toBe(true);
    expect(hf.requestsTo("/api/papers/search").map((r) => r.query.q)).toContain("kazakh");
    expect(archive.loading()).toBeDefined(); // the answer came while the index was still building

    expect(await loaded).toBeGreaterThanOrEqual(3_000);
    expect(archive.loading()).toBeUndefined();
    const after = await search.search("kazakh speech corpus", { limit: 5 });
    expect(after.notice).toBeUndefined();
    expect(after.results.some((r) => r.from.includes("archive"))).toBe(true);
  });

  it("GIVEN Hugging Face down while loading THEN the notice says both, and nothing is made up", async () => {
    const store = await storeWith(2_000);
    const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
    const source = createHuggingFaceSource({
      baseUrl: "http://127.0.0.1:9",
      cache: store.namespace("cache"),
      now: () => new Date(),
      log: silentLogger,
      http: { retries: 0 },
    });
    const search = createPaperSearch({ hf: source, archive, log: silentLogger });
    const loaded = archive.load();
    while (archive.loading() === undefined) await new Promise((r) => setImmediate(r));
    const during = await search.search("kazakh", { limit: 5 });
    expect(during.notice).toMatch(
      /^Hugging Face cannot be reached at http:\/\/127\.0\.0\.1:9: .*, and the archive is still loading \(\d[\d,]* of 2,000 papers\) — showing papers from nowhere else yet\.$/,
    );
    expect(during.results).toEqual([]);
    await loaded;
  });
});

describe("an empty answer says how far back the archive reaches", () => {
  it("words the archive's span and the backfill command (a year further back, never before 2023-05-04)", () => {
    const now = new Date("2026-11-29T12:00:00Z");
    const text = (runs: ReturnType<typeof coverageNote>) => runs.map((r) => r.text).join("");
    expect(text(coverageNote({ papers: 12_345, from: "2025-01-02", to: "2026-11-28" }, now))).toBe(
      "The archive holds 12,345 papers from 2025-01-02 to 2026-11-28; paperboy archive backfill --from 2024-01-03 fills older days.",
    );
    expect(text(coverageNote({ papers: 3, from: "2023-06-01", to: "2023-06-02" }, now))).toContain(
      "--from 2023-05-04 fills older days",
    );
    expect(text(coverageNote({ papers: 3, from: "2023-05-04", to: "2023-06-02" }, now))).toBe(
      "The archive holds 3 papers from 2023-05-04 to 2023-06-02, back to the first Daily Papers list.",
    );
    expect(text(coverageNote({ papers: 0 }, now))).toBe(
      "The archive is empty; paperboy archive backfill --from 2026-10-30 fills it from Hugging Face's daily lists.",
    );
    expect(coverageNote({ papers: 1, from: "2026-06-12", to: "2026-06-12" }, now)[0]?.text).toBe(
      "The archive holds 1 paper from 2026-06-12",
    );
  });

  it("GIVEN /papers with no match THEN Slack, Discord and the console all show the archive's span and the command", async () => {
    const store = await createStore("memory://");
    stores.push(store);
    await store.papers.putMany(hfFixturePapers());
    const { core } = await createTestCore(hf, () => new Date("2026-06-13T15:00:00Z"), { store });
    await core.start();
    await core.background.archive;
    try {
      const reply = await core.paperboy.handleCommand({
        channel: channelRef("slack", "T1", "C1"),
        userId: "U1",
        text: "zyxwvut qwertyuiop",
        canManage: false,
      });
      const expected = "The archive holds 30 papers from 2026-06-12";
      const command = "paperboy archive backfill --from 2025-06-12";
      const slack = JSON.stringify(renderSlackMessage(reply.message));
      expect(slack).toContain(expected);
      expect(slack).toContain(`\`${command}\``);
      const discord = JSON.stringify(renderDiscordMessage(reply.message));
      expect(discord).toContain(expected);
      expect(discord).toContain(`\`${command}\``);
      const console = renderText(reply.message);
      // The console prints code plainly (no backticks: its own words, not Slack's).
      expect(console).toContain(`${expected}; ${command} fills older days.`);
      expect(reply.message.fallbackText).toContain(`${expected}; ${command} fills older days.`);
    } finally {
      await core.stop();
    }
  });
});
