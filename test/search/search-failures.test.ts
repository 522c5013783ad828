// What /papers <words> says when Hugging Face fails, against the loopback paper API and the real source (its cache,
// its HTTP client with production retries): each way of failing has its own words, and the archive still answers.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPaperArchive } from "../../src/archive/paper-archive.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createPaperSearch, type PaperSearch } from "../../src/search/search-papers.js";
import { createHuggingFaceSource } from "../../src/sources/huggingface-source.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";

const SEARCH = "GET /api/papers/search";
const ARCHIVE_TAIL = " — showing papers from paperboy's archive.";

let hf: PaperApiServer;
let store: Store;

beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(async () => {
  await hf.close();
});
beforeEach(async () => {
  hf.reset();
  store = await createStore("memory://");
});
afterEach(async () => {
  await store.close();
});

/** The real search over the real Hugging Face source at `baseUrl`, its archive holding the recorded batch. */
async function searchAt(baseUrl: string, hfTimeoutMs = 1_500): Promise<PaperSearch> {
  const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
  await archive.upsert(hfFixturePapers());
  const source = createHuggingFaceSource({
    baseUrl,
    cache: store.namespace("cache"),
    now: () => new Date(),
    log: silentLogger,
  });
  return createPaperSearch({ hf: source, archive, log: silentLogger, hfTimeoutMs });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("GIVEN Hugging Face fails a search THEN the notice says how, and the archive answers", () => {
  it("answers HTTP 500: says HTTP 500 (not that it did not answer in time), at once", async () => {
    hf.respond(SEARCH, { status: 500, json: { error: "Internal Error" } });
    const search = await searchAt(hf.url);
    const { results, notice } = await search.search("speculative decoding", { limit: 3 });
    expect(notice).toBe(`Hugging Face answered HTTP 500${ARCHIVE_TAIL}`);
    expect(results[0]?.paper.id).toBe("2606.12243");
    expect(hf.requestsTo("/api/papers/search")).toHaveLength(1);
  });

  it("answers 503: names that status", async () => {
    hf.respond(SEARCH, { status: 503, json: { error: "Service Unavailable" } });
    const { notice } = await (await searchAt(hf.url)).search("speculative decoding", { limit: 3 });
    expect(notice).toBe(`Hugging Face answered HTTP 503${ARCHIVE_TAIL}`);
  });

  it("answers 429 with a wait: says it is rate-limiting paperboy", async () => {
    hf.respond(SEARCH, {
      status: 429,
      headers: { ratelimit: '"api";r=0;t=30' },
      json: { error: "Too many" },
    });
    const { notice } = await (await searchAt(hf.url)).search("speculative decoding", { limit: 3 });
    expect(notice).toBe(`Hugging Face is rate-limiting paperboy (HTTP 429)${ARCHIVE_TAIL}`);
  });

  it("does not answer in time: says it did not answer within the wait", async () => {
    hf.respond(SEARCH, { hang: true });
    const { results, notice } = await (
      await searchAt(hf.url, 300)
    ).search("speculative decoding", { limit: 3 });
    expect(notice).toBe(`Hugging Face did not answer within 0.3 s${ARCHIVE_TAIL}`);
    expect(results[0]?.paper.id).toBe("2606.12243");
  });

  it("cannot be connected to: says it cannot be reached, at which URL", async () => {
    const url = `http://127.0.0.1:${String(await closedPort())}`;
    const { notice } = await (await searchAt(url)).search("speculative decoding", { limit: 3 });
    expect(notice).toMatch(
      new RegExp(`^Hugging Face cannot be reached at ${url.replaceAll(".", "\\.")}: .+${ARCHIVE_TAIL}$`),
    );
    expect(notice).not.toMatch(/did not answer|HTTP \d/);
  });
});
