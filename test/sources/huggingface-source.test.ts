// The Hugging Face source against the loopback fake: recorded batch, pagination, cache, outages, coalescing.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PaperId } from "../../src/papers/paper.js";
import { createHuggingFaceSource, HF_MAX_PAGES } from "../../src/sources/huggingface-source.js";
import { SourceUnavailableError } from "../../src/sources/paper-source.js";
import type { Logger } from "../../src/ops/logger.js";
import type { Metrics } from "../../src/ops/metrics.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { FIXTURES, recordedJson, startPaperApiServer } from "../fakes/paper-api-server.js";

const server = await startPaperApiServer();
afterAll(() => server.close());

const DAILY = "/api/daily_papers";
const MINUTE = 60_000;

/** A logger that keeps every line, so tests can read warnings (and check no secret leaks). */
function recordingLogger() {
  const lines: { level: string; obj: unknown; msg: string | undefined }[] = [];
  const make = (): Logger => ({
    debug: (obj, msg) => lines.push({ level: "debug", obj, msg }),
    info: (obj, msg) => lines.push({ level: "info", obj, msg }),
    warn: (obj, msg) => lines.push({ level: "warn", obj, msg }),
    error: (obj, msg) => lines.push({ level: "error", obj, msg }),
    child: () => make(),
  });
  return { log: make(), lines };
}

function recordingMetrics() {
  const calls: string[] = [];
  const metrics: Metrics = {
    sourceRequest: (source, outcome) => calls.push(`${source}:${outcome}`),
    cacheHit: (source) => calls.push(`${source}:cache-hit`),
    command: () => undefined,
    vote: () => undefined,
    digest: () => undefined,
    deliveryRetry: () => undefined,
    voteStoreFailure: () => undefined,
  };
  return { metrics, calls };
}

let store: Store;
beforeEach(async () => {
  server.reset();
  server.setDailyPageSize(100);
  store = await createStore("memory://");
});
afterEach(() => store.close());

function setup(options: { timeoutMs?: number; retries?: number; token?: string } = {}) {
  let clock = new Date("2026-06-13T12:00:00Z");
  const sleeps: number[] = [];
  const { log, lines } = recordingLogger();
  const { metrics, calls } = recordingMetrics();
  const source = createHuggingFaceSource({
    baseUrl: server.url,
    cache: store.namespace("cache"),
    now: () => clock,
    log,
    metrics,
    ...(options.token !== undefined && { token: options.token }),
    http: {
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.retries !== undefined && { retries: options.retries }),
    },
  });
  return {
    source,
    sleeps,
    lines,
    calls,
    advance: (ms: number) => {
      clock = new Date(clock.getTime() + ms);
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("HuggingFaceSource.daily on the recorded 2026-06-12 batch", () => {
  it("asks for date=2026-06-12 with limit=100, p=0 and parses all 30 items", async () => {
    const { source } = setup();
    const result = await source.daily("2026-06-12");
    expect(result.papers).toHaveLength(30);
    expect(result).toMatchObject({ stale: false, dropped: 0 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.query).toEqual({ date: "2026-06-12", limit: "100", p: "0" });
  });

  it("sorts by upvotes so the 118-upvote paper comes first, ties broken by id", async () => {
    const { source } = setup();
    const { papers } = await source.daily("2026-06-12");
    expect(papers[0]).toMatchObject({ id: "2606.13681", upvotes: 118 });
    expect(papers.slice(0, 3).map((p) => p.upvotes)).toEqual([118, 103, 74]);
    for (let i = 1; i < papers.length; i++) {
      const [a, b] = [papers[i - 1]!, papers[i]!];
      expect(a.upvotes > b.upvotes || (a.upvotes === b.upvotes && a.id < b.id)).toBe(true);
    }
  });

  it("treats an empty weekend batch as an ordinary empty answer", async () => {
    const { source } = setup();
    const result = await source.daily("2026-06-13");
    expect(result).toMatchObject({ papers: [], stale: false, dropped: 0 });
  });

  it("rejects an invalid date without asking upstream", async () => {
    const { source } = setup();
    await expect(source.daily("2026-13-40")).rejects.toThrow(/invalid date "2026-13-40"/);
    await expect(source.week("2026-24")).rejects.toThrow(/ISO week/);
    await expect(source.month("2026-6")).rejects.toThrow(/month/);
    expect(server.requests).toHaveLength(0);
  });

  it("drops and counts one malformed item (29 of 30) and warns with the count", async () => {
    const items = recordedJson(FIXTURES.daily) as Record<string, unknown>[];
    items[7] = { ...items[7], paper: { id: "2606.99999" } }; // no title
    server.respond(`GET ${DAILY}`, { json: items });
    const { source, lines } = setup();
    const result = await source.daily("2026-06-12");
    expect(result.papers).toHaveLength(29);
    expect(result.dropped).toBe(1);
    expect(lines.some((l) => l.level === "warn" && (l.obj as { dropped?: number }).dropped === 1)).toBe(true);
  });
});

describe("pagination", () => {
  it("follows Link rel=next over 3 pages and stops at the page without one", async () => {
    server.setDailyPageSize(10);
    const { source } = setup();
    const result = await source.daily("2026-06-12");
    expect(result.papers).toHaveLength(30);
    expect(result.papers[0]!.upvotes).toBe(118);
    expect(server.requestsTo(DAILY).map((r) => r.query.p)).toEqual(["0", "1", "2"]);
  });

  it("stops at an empty page even when it carries a next link", async () => {
    server.respond(`GET ${DAILY}`, (req) =>
      req.query.p === "0"
        ? { json: recordedJson(FIXTURES.daily).slice(0, 5), headers: { link: '<http://x/?p=1>; rel="next"' } }
        : { json: [], headers: { link: '<http://x/?p=2>; rel="next"' } },
    );
    const { source } = setup();
    expect((await source.daily("2026-06-12")).papers).toHaveLength(5);
    expect(server.requestsTo(DAILY)).toHaveLength(2);
  });

  it(`never asks for more than ${HF_MAX_PAGES} pages`, async () => {
    server.respond(`GET ${DAILY}`, (req) => ({
      json: [{ paper: { id: `2401.${String(10_000 + Number(req.query.p))}`, title: `Page ${req.query.p}` } }],
      headers: { link: '<http://x/>; rel="next"' },
    }));
    const { source } = setup();
    const result = await source.week("2026-W24");
    expect(server.requestsTo(DAILY)).toHaveLength(HF_MAX_PAGES);
    expect(result.papers).toHaveLength(HF_MAX_PAGES);
  });
});

describe("week, month and trending", () => {
  it("asks for week=, month= and sort=trending (no date) and keeps trending in HF's order", async () => {
    const { source } = setup();
    expect((await source.week("2026-W24")).papers[0]!.upvotes).toBe(118);
    expect((await source.month("2026-06")).papers).toHaveLength(30);
    const trending = await source.trending();
    expect(trending.papers[0]!.id).toBe("2606.00467"); // first as served, not re-sorted
    const queries = server.requestsTo(DAILY).map((r) => r.query);
    expect(queries[0]).toMatchObject({ week: "2026-W24" });
    expect(queries[1]).toMatchObject({ month: "2026-06" });
    expect(queries[2]).toMatchObject({ sort: "trending" });
    expect(queries[2]!.date).toBeUndefined();
  });
});

describe("search and single papers", () => {
  it("searches with a trimmed, whitespace-collapsed q and limit", async () => {
    const { source } = setup();
    const result = await source.search("  llama   3 herd ", 50);
    expect(result.papers).toHaveLength(11);
    expect(result.papers[0]!.authors).toHaveLength(533);
    expect(server.requests[0]!.query).toEqual({ q: "llama 3 herd", limit: "50" });
  });

  it("cuts q to 250 characters and the limit to 120", async () => {
    const { source } = setup();
    await source.search("x".repeat(400), 500);
    expect(server.requests[0]!.query.q).toHaveLength(250);
    expect(server.requests[0]!.query.limit).toBe("120");
  });

  it("answers an empty query with no papers and no request", async () => {
    const { source } = setup();
    expect((await source.search("   ")).papers).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("fetches one paper, and answers undefined on 404", async () => {
    const { source } = setup();
    const paper = await source.paper("2606.13681" as PaperId);
    expect(paper).toMatchObject({ id: "2606.13681", upvotes: 118 });
    expect(await source.paper("2101.00001" as PaperId)).toBeUndefined();
    expect(server.requests.map((r) => r.path)).toEqual(["/api/papers/2606.13681", "/api/papers/2101.00001"]);
  });

  it("serves a cached paper while HF is down, and throws when nothing is cached", async () => {
    const { source, advance } = setup({ retries: 0 });
    await source.paper("2606.13681" as PaperId);
    advance(60 * MINUTE);
    server.respond("GET /api/papers/2606.13681", { status: 503 });
    expect((await source.paper("2606.13681" as PaperId))?.upvotes).toBe(118);
    server.respond("GET /api/papers/2606.00467", { status: 503 });
    expect(await rejection(source.paper("2606.00467" as PaperId))).toBeInstanceOf(SourceUnavailableError);
  });
});

describe("outages", () => {
  it("retries a 500, then serves the last cached answer with stale=true", async () => {
    const { source, advance, sleeps, calls } = setup();
    const first = await source.daily("2026-06-12");
    advance(20 * MINUTE);
    server.respond(`GET ${DAILY}`, { status: 500, json: { error: "Internal Error" } });
    const second = await source.daily("2026-06-12");
    expect(second.stale).toBe(true);
    expect(second.papers).toHaveLength(30);
    expect(second.fetchedAt).toEqual(first.fetchedAt);
    expect(server.requestsTo(DAILY)).toHaveLength(1 + 4);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(calls).toEqual(["huggingface:ok", "huggingface:error"]);
  });

  it("throws SourceUnavailableError naming the URL when nothing is cached", async () => {
    server.respond(`GET ${DAILY}`, { status: 500 });
    const { source } = setup();
    const error = await rejection(source.daily("2026-06-12"));
    expect(error).toBeInstanceOf(SourceUnavailableError);
    const unavailable = error as SourceUnavailableError;
    expect(unavailable.url).toBe(server.url);
    expect(unavailable.message).toBe(
      `Hugging Face cannot be reached at ${server.url}: HTTP 500 after 4 attempts`,
    );
  });

  it('waits 7000 ms on a 429 with RateLimit "api";r=0;t=7, then succeeds with exactly 2 requests', async () => {
    server.respondOnce(`GET ${DAILY}`, { status: 429, headers: { ratelimit: '"api";r=0;t=7' } });
    const { source, sleeps, calls } = setup();
    const result = await source.daily("2026-06-12");
    expect(result.papers).toHaveLength(30);
    expect(sleeps).toEqual([7000]);
    expect(server.requests).toHaveLength(2);
    expect(calls).toEqual(["huggingface:rate-limited", "huggingface:ok"]);
  });

  it("times out a hanging server: stale when cached, SourceUnavailableError when not", async () => {
    const { source, advance } = setup({ timeoutMs: 200, retries: 0 });
    await source.daily("2026-06-12");
    advance(20 * MINUTE);
    server.respond(`GET ${DAILY}`, { hang: true });
    expect((await source.daily("2026-06-12")).stale).toBe(true);
    const error = await rejection(source.month("2026-06"));
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toMatch(/timed out after 200 ms$/);
  });

  it("reports malformed JSON without retrying it", async () => {
    server.respond(`GET ${DAILY}`, { body: '[{"paper": {"id": "2606.0', truncateAt: 10 });
    const { source } = setup();
    const error = await rejection(source.daily("2026-06-12"));
    expect((error as Error).message).toMatch(/malformed JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it("reports a body that is not an array of items", async () => {
    server.respond(`GET ${DAILY}`, { json: { error: "unexpected" } });
    const { source } = setup();
    expect(((await rejection(source.daily("2026-06-12"))) as Error).message).toMatch(/expected a JSON array/);
  });
});

describe("caching and coalescing", () => {
  it("makes exactly one upstream request for 100 concurrent identical calls on an empty cache", async () => {
    const { source } = setup();
    const results = await Promise.all(Array.from({ length: 100 }, () => source.daily("2026-06-12")));
    expect(server.requests).toHaveLength(1);
    expect(results.every((r) => r.papers.length === 30)).toBe(true);
  });

  it("serves a second call within the TTL from the cache and fetches again after it", async () => {
    const { source, advance, calls } = setup();
    await source.daily("2026-06-12");
    advance(14 * MINUTE);
    const cached = await source.daily("2026-06-12");
    expect(cached.stale).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(calls).toContain("huggingface:cache-hit");
    advance(2 * MINUTE);
    await source.daily("2026-06-12");
    expect(server.requests).toHaveLength(2);
  });

  it("serves a fresh period from memory (the same parsed papers, no store read) until its TTL runs out", async () => {
    let clock = new Date("2026-06-13T12:00:00Z");
    const backing = store.namespace("cache");
    const reads: string[] = [];
    const cache = {
      ...backing,
      get: <T>(key: string) => {
        reads.push(key);
        return backing.get<T>(key);
      },
    };
    const source = createHuggingFaceSource({
      baseUrl: server.url,
      cache,
      now: () => clock,
      log: recordingLogger().log,
    });
    const first = await source.daily("2026-06-12");
    const readsAfterFirst = reads.length;
    clock = new Date(clock.getTime() + 14 * MINUTE);
    const again = await Promise.all(Array.from({ length: 50 }, () => source.daily("2026-06-12")));
    expect(again.every((r) => r.papers === first.papers)).toBe(true);
    expect(reads).toHaveLength(readsAfterFirst);
    clock = new Date(clock.getTime() + 2 * MINUTE);
    const later = await source.daily("2026-06-12");
    expect(later.papers).not.toBe(first.papers);
    expect(server.requests).toHaveLength(2);
  });

  it("caches per period: another date is another request", async () => {
    const { source } = setup();
    await source.daily("2026-06-12");
    await source.daily("2026-06-11");
    await source.daily("2026-06-12");
    expect(server.requests.map((r) => r.query.date)).toEqual(["2026-06-12", "2026-06-11"]);
  });

  it("lets one caller abort without cancelling the shared request for the others", async () => {
    server.respondOnce(`GET ${DAILY}`, { json: recordedJson(FIXTURES.daily), delayMs: 150 });
    const { source } = setup();
    const controller = new AbortController();
    const aborted = source.daily("2026-06-12", controller.signal);
    const other = source.daily("2026-06-12");
    controller.abort();
    await expect(aborted).rejects.toThrow(/aborted/);
    expect((await other).papers).toHaveLength(30);
    expect(server.requests).toHaveLength(1);
  });
});

describe("authentication", () => {
  it("sends the token as a Bearer header and never logs it", async () => {
    server.respond(`GET ${DAILY}`, { status: 500 });
    const { source, lines } = setup({ token: "hf_SECRET123", retries: 1 });
    await rejection(source.daily("2026-06-12"));
    expect(server.requests[0]!.headers.authorization).toBe("Bearer hf_SECRET123");
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain("hf_SECRET123");
  });

  it("sends no Authorization header without a token", async () => {
    const { source } = setup();
    await source.daily("2026-06-12");
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});
