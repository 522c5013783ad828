// The arXiv source against the loopback fake: namespace-aware Atom parsing, query building, 3 s spacing, cache.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { arxivSearchQuery, createArxivSource, parseArxivFeed } from "../../src/sources/arxiv-source.js";
import { SourceUnavailableError } from "../../src/sources/paper-source.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { FIXTURES, readFixture, renameXmlPrefix, startPaperApiServer } from "../fakes/paper-api-server.js";

const server = await startPaperApiServer();
afterAll(() => server.close());

const QUERY = "/api/query";
const HOUR = 3_600_000;
const recorded = readFixture(FIXTURES.arxiv);

let store: Store;
beforeEach(async () => {
  server.reset();
  store = await createStore("memory://");
});
afterEach(() => store.close());

/** A source whose clock only moves when it sleeps (or the test advances it), so waits are exact. */
function setup(options: { retries?: number } = {}) {
  let clock = new Date("2026-06-14T03:00:00Z");
  const sleeps: number[] = [];
  const source = createArxivSource({
    baseUrl: server.arxivUrl,
    cache: store.namespace("cache"),
    now: () => clock,
    log: silentLogger,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock = new Date(clock.getTime() + ms);
    },
    http: { random: () => 0, ...(options.retries !== undefined && { retries: options.retries }) },
  });
  return {
    source,
    sleeps,
    advance: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

function serveFeed(xml: string): void {
  server.respond(`GET ${QUERY}`, { body: xml, headers: { "content-type": "application/atom+xml" } });
}

/** A hand-made feed (not a recording) for namespace edge cases. */
function handMadeFeed(declarations: string, entryExtra: string): string {
  return `<?xml version="1.0"?>
<a:feed xmlns:a="http://www.w3.org/2005/Atom" ${declarations}>
  <a:entry>
    <a:id>http://arxiv.org/abs/2401.01234v3</a:id>
    <a:title>  A
      title </a:title>
    <a:summary>One
two</a:summary>
    <a:published>2024-01-02T03:04:05Z</a:published>
    <a:author><a:name>Ada Lovelace</a:name></a:author>
    <a:category term="cs.LG"/>
    <a:category term="stat.ML"/>
    ${entryExtra}
  </a:entry>
</a:feed>`;
}

describe("parseArxivFeed on the recorded transformer AND cs.LG feed", () => {
  const { papers, dropped, totalResults } = parseArxivFeed(recorded);

  it("reads 5 entries with version-less ids, the OpenSearch total and nothing dropped", () => {
    expect(papers.map((p) => p.id)).toEqual([
      "2606.13677",
      "2606.13591",
      "2606.13568",
      "2606.13515",
      "2606.13501",
    ]);
    expect(dropped).toBe(0);
    expect(totalResults).toBe(28946);
  });

  it("maps title, abstract, authors, date and categories (primary first), with no votes", () => {
    expect(papers[0]).toMatchObject({
      id: "2606.13677",
      title: "Mana: Dexterous Manipulation of Articulated Tools",
      publishedAt: "2026-06-11T17:59:49Z",
      authors: [
        { name: "Zhao-Heng Yin" },
        { name: "Guanya Shi" },
        { name: "Pieter Abbeel" },
        { name: "C. Karen Liu" },
      ],
      categories: ["cs.RO", "cs.AI", "cs.CV", "cs.LG"],
      upvotes: 0,
      comments: 0,
      aiKeywords: [],
    });
    expect(papers[0]!.abstract).toMatch(/\(<1 minute per tool\)/);
    expect(papers[0]!.abstract).not.toMatch(/\n/);
    expect(papers.flatMap((p) => p.authors)).toHaveLength(23);
  });

  it("reads the same papers when the arxiv: prefix is renamed ax: and Atom is prefixed a:", () => {
    const renamed = renameXmlPrefix(renameXmlPrefix(recorded, "arxiv", "ax"), "", "a");
    expect(renamed).toContain("<ax:primary_category");
    expect(renamed).toContain("<a:entry>");
    expect(parseArxivFeed(renamed).papers).toEqual(papers);
  });

  it("resolves elements by namespace URI, not by prefix text", () => {
    const xml = handMadeFeed(
      'xmlns:arxiv="urn:example:not-arxiv" xmlns:x="http://arxiv.org/schemas/atom"',
      '<arxiv:primary_category term="decoy"/><x:primary_category term="stat.ML"/>',
    );
    const [paper] = parseArxivFeed(xml).papers;
    expect(paper).toMatchObject({
      id: "2401.01234",
      title: "A title",
      abstract: "One two",
      authors: [{ name: "Ada Lovelace" }],
      categories: ["stat.ML", "cs.LG"],
    });
  });

  it("honours a namespace redeclared on the entry itself", () => {
    const xml = handMadeFeed(
      "",
      '<p:primary_category xmlns:p="http://arxiv.org/schemas/atom" term="stat.ML"/>',
    );
    expect(parseArxivFeed(xml).papers[0]!.categories).toEqual(["stat.ML", "cs.LG"]);
  });

  it("rejects a feed whose root is not an Atom feed, a truncated feed and an arXiv error feed", () => {
    expect(() => parseArxivFeed("<feed><entry/></feed>")).toThrow(/no Atom <feed>/);
    expect(() => parseArxivFeed(recorded.slice(0, 4000))).toThrow(/truncated/);
    const errorFeed = `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format</id>
      <title>Error</title><summary>incorrect id format for 1234</summary></entry></feed>`;
    expect(() => parseArxivFeed(errorFeed)).toThrow(/arXiv rejected the query: incorrect id format for 1234/);
  });

  it("drops and counts entries without an arXiv id", () => {
    const xml = recorded.replace("<id>http://arxiv.org/abs/2606.13591v1</id>", "<id>urn:nothing</id>");
    const result = parseArxivFeed(xml);
    expect(result.papers).toHaveLength(4);
    expect(result.dropped).toBe(1);
  });
});

describe("arxivSearchQuery", () => {
  it("AND-joins the words as all: clauses", () => {
    expect(arxivSearchQuery("  diffusion   transformer ")).toBe("all:diffusion AND all:transformer");
  });

  it("turns query syntax into word breaks and keeps boolean words as words", () => {
    expect(arxivSearchQuery('"attention" (cat:cs.CL) OR -foo C++ état* self-supervised')).toBe(
      "all:attention AND all:cat AND all:cs.CL AND all:or AND all:foo AND all:C AND all:état AND all:self-supervised",
    );
  });

  it("is empty for a query without words", () => {
    expect(arxivSearchQuery(' "" () ')).toBe("");
  });
});

describe("ArxivSource", () => {
  it("searches by relevance with the escaped query and parses the feed", async () => {
    const { source } = setup();
    const result = await source.search("transformer", 5);
    expect(result.papers).toHaveLength(5);
    expect(result.stale).toBe(false);
    expect(server.requests[0]!.query).toEqual({
      search_query: "all:transformer",
      start: "0",
      max_results: "5",
      sortBy: "relevance",
      sortOrder: "descending",
    });
  });

  it("lists a category newest first, bounded by submittedDate when `since` is given", async () => {
    const { source } = setup();
    await source.category("cs.CL");
    await source.category("cs.CL", new Date("2026-06-10T00:00:00Z"), 20);
    expect(server.requests[0]!.query).toMatchObject({
      search_query: "cat:cs.CL",
      sortBy: "submittedDate",
      sortOrder: "descending",
    });
    expect(server.requests[1]!.query).toMatchObject({
      search_query: "cat:cs.CL AND submittedDate:[202606100000 TO 202606142359]",
      max_results: "20",
    });
  });

  it("rejects a category that is not an arXiv category without asking arXiv", async () => {
    const { source } = setup();
    await expect(source.category("cs.CL OR all:x")).rejects.toThrow(/invalid arXiv category/);
    await expect(source.category("")).rejects.toThrow(/invalid arXiv category/);
    expect((await source.category("hep-th")).papers).toHaveLength(5);
    expect(server.requests).toHaveLength(1);
  });

  it("parses a served feed whose prefixes were renamed", async () => {
    serveFeed(renameXmlPrefix(renameXmlPrefix(recorded, "arxiv", "ax"), "opensearch", "os"));
    const { source } = setup();
    const { papers } = await source.search("transformer");
    expect(papers.map((p) => p.categories?.[0])).toEqual(["cs.RO", "cs.AI", "cs.LG", "cs.CV", "cs.DC"]);
  });

  it("spaces request starts at least 3000 ms apart and never sends two at once", async () => {
    server.respond(`GET ${QUERY}`, { body: recorded, delayMs: 40 });
    const { source, sleeps } = setup();
    await Promise.all([source.search("a"), source.search("b"), source.category("cs.CL")]);
    expect(server.requestsTo(QUERY)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(3000);
    expect(server.maxConcurrent(QUERY)).toBe(1);
  });

  it("does not wait when the last request started long enough ago", async () => {
    const { source, sleeps, advance } = setup();
    await source.search("first");
    advance(3000);
    await source.search("second");
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it("caches for 6 hours, then asks again", async () => {
    const { source, advance } = setup();
    await source.search("transformer");
    advance(5 * HOUR);
    await source.search("transformer");
    expect(server.requests).toHaveLength(1);
    advance(2 * HOUR);
    await source.search("transformer");
    expect(server.requests).toHaveLength(2);
  });

  it("serves the cached answer stale when arXiv fails, and throws naming the URL when nothing is cached", async () => {
    const { source, advance, sleeps } = setup();
    await source.search("transformer");
    advance(7 * HOUR);
    server.respond(`GET ${QUERY}`, { status: 503 });
    const stale = await source.search("transformer");
    expect(stale.stale).toBe(true);
    expect(stale.papers).toHaveLength(5);
    // Retries are spaced at least the politeness interval apart too.
    for (const ms of sleeps) expect(ms).toBeGreaterThanOrEqual(3000);
    const error = await source.category("cs.CL").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toBe(
      `arXiv cannot be reached at ${server.arxivUrl}: HTTP 503 after 3 attempts`,
    );
  });

  it("reports a truncated feed as unavailable rather than returning part of it", async () => {
    serveFeed(recorded.slice(0, 5000));
    const { source } = setup();
    await expect(source.search("transformer")).rejects.toThrow(/truncated/);
  });
});
