// The polite HTTP client against a loopback server: retries, 429 waits, timeouts, malformed bodies.
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createHttpClient, HttpRequestError, requestedWaitMs } from "../../src/sources/http-client.js";
import { silentLogger } from "../../src/ops/logger.js";
import { startPaperApiServer } from "../fakes/paper-api-server.js";

const server = await startPaperApiServer();
afterAll(() => server.close());
beforeEach(() => server.reset());

const ROUTE = "GET /api/papers/search";
const url = (): string => `${server.url}/api/papers/search?q=kazakh`;

function client(overrides: Parameters<typeof createHttpClient>[0] extends infer O ? Partial<O> : never = {}) {
  const sleeps: number[] = [];
  const http = createHttpClient({
    log: silentLogger,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { http, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<HttpRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpRequestError);
  return error as HttpRequestError;
}

describe("createHttpClient", () => {
  it("returns status, headers and the parsed JSON body, sending its user agent and headers", async () => {
    const { http } = client({ userAgent: "paperboy-test/1", headers: { authorization: "Bearer s3cret" } });
    const response = await http.getJson(url());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(response.body).toHaveLength(9);
    expect(server.requests[0]!.headers["user-agent"]).toBe("paperboy-test/1");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer s3cret");
  });

  it("retries a 500 with exponential backoff and then fails with 'HTTP 500 after 4 attempts'", async () => {
    server.respond(ROUTE, { status: 500, json: { error: "boom" } });
    const { http, sleeps } = client();
    const error = await failure(http.getJson(url()));
    expect(error.reason).toBe("HTTP 500 after 4 attempts");
    expect(error.status).toBe(500);
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it("adds jitter on top of the backoff, never below it", async () => {
    server.respond(ROUTE, { status: 503 });
    const { http, sleeps } = client({ random: () => 0.999, retries: 2 });
    await failure(http.getJson(url()));
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(750);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(1500);
  });

  it("recovers when a retry succeeds", async () => {
    server.respondOnce(ROUTE, { status: 502 });
    const { http } = client();
    const response = await http.getJson(url());
    expect(response.body).toHaveLength(9);
    expect(server.requests).toHaveLength(2);
  });

  it('GIVEN a 429 with RateLimit: "api";r=0;t=7 THEN it waits 7000 ms once and the retry succeeds', async () => {
    server.respondOnce(ROUTE, {
      status: 429,
      headers: { ratelimit: '"api";r=0;t=7', "ratelimit-policy": '"api";q=500;w=300' },
    });
    const limited: number[] = [];
    const { http, sleeps } = client({ onRateLimited: (ms) => limited.push(ms) });
    const response = await http.getJson(url());
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([7000]);
    expect(limited).toEqual([7000]);
    expect(server.requests).toHaveLength(2);
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    server.respondOnce(ROUTE, { status: 429, headers: { "retry-after": "3" } });
    server.respondOnce(ROUTE, { status: 429, headers: { "retry-after": "Fri, 12 Jun 2026 12:00:30 GMT" } });
    const { http, sleeps } = client({ now: () => new Date("2026-06-12T12:00:00Z") });
    await http.getJson(url());
    expect(sleeps).toEqual([3000, 30_000]);
  });

  it("gives up at once when a 429 asks for a longer wait than maxRateLimitWaitMs", async () => {
    server.respond(ROUTE, { status: 429, headers: { ratelimit: '"api";r=0;t=240' } });
    const { http, sleeps } = client({ maxRateLimitWaitMs: 60_000 });
    const error = await failure(http.getJson(url()));
    expect(error.kind).toBe("rate-limited");
    expect(error.reason).toMatch(/wait 240 s/);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a 404 or a 400", async () => {
    server.respond(ROUTE, { status: 404, json: { error: "Not found" } });
    const { http, sleeps } = client();
    const error = await failure(http.getJson(url()));
    expect(error.reason).toBe("HTTP 404");
    expect(error.status).toBe(404);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("reports truncated JSON as malformed and does not retry it", async () => {
    server.respond(ROUTE, { json: [{ paper: { id: "2401.01234", title: "T" } }], truncateAt: 20 });
    const { http } = client();
    const error = await failure(http.getJson(url()));
    expect(error.kind).toBe("malformed");
    expect(error.reason).toMatch(/^malformed JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it("times out a hanging server after timeoutMs per attempt, retrying each time", async () => {
    server.respond(ROUTE, { hang: true });
    const { http, sleeps } = client({ timeoutMs: 200, retries: 1 });
    const error = await failure(http.getJson(url()));
    expect(error.kind).toBe("timeout");
    expect(error.reason).toBe("timed out after 200 ms");
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("retries a connection cut mid-body as a network error", async () => {
    server.respondOnce(ROUTE, { json: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], destroyAfterBytes: 5 });
    const { http } = client();
    const response = await http.getJson(url());
    expect(response.body).toHaveLength(9);
    expect(server.requests).toHaveLength(2);
  });

  it("stops without retrying when the caller aborts", async () => {
    server.respond(ROUTE, { hang: true });
    const { http } = client({ timeoutMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(http.getJson(url(), controller.signal));
    expect(error.kind).toBe("aborted");
    expect(server.requests).toHaveLength(1);
  });

  it("reads text bodies with getText", async () => {
    const { http } = client();
    const response = await http.getText(`${server.url}/api/query?search_query=all:transformer`);
    expect(response.body).toMatch(/^<\?xml/);
  });
});

describe("requestedWaitMs", () => {
  const now = new Date("2026-06-12T12:00:00Z");
  it("prefers the IETF RateLimit t= value over Retry-After", () => {
    expect(requestedWaitMs(new Headers({ ratelimit: '"api";r=0;t=7', "retry-after": "99" }), now)).toBe(7000);
  });
  it("reads Retry-After seconds and dates, and is undefined without either", () => {
    expect(requestedWaitMs(new Headers({ "retry-after": "12" }), now)).toBe(12_000);
    expect(requestedWaitMs(new Headers({ "retry-after": "Fri, 12 Jun 2026 12:01:00 GMT" }), now)).toBe(
      60_000,
    );
    expect(requestedWaitMs(new Headers({ "retry-after": "Fri, 12 Jun 2026 11:00:00 GMT" }), now)).toBe(0);
    expect(requestedWaitMs(new Headers({}), now)).toBeUndefined();
  });
});

describe("response size cap", () => {
  it("GIVEN a body streaming past the cap THEN it stops reading at the cap, says so and does not retry", async () => {
    server.respond(ROUTE, { streamBytes: 64 * 1024 * 1024 });
    const { http, sleeps } = client({
      maxResponseBytes: 1024 * 1024,
      maxResponseBytesName: "HF_MAX_RESPONSE_BYTES",
    });
    const error = await failure(http.getJson(url()));
    expect(error.kind).toBe("too-large");
    expect(error.message).toBe(
      `GET ${url()}: sent more than 1 MiB, the response cap (HF_MAX_RESPONSE_BYTES)`,
    );
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    // The connection was cut: far less than the 64 MiB offered ever left the server (socket buffers aside).
    await new Promise((r) => setTimeout(r, 100));
    expect(server.streamedBytes()).toBeLessThan(16 * 1024 * 1024);
  });

  it("GIVEN a Content-Length above the cap THEN the body is refused before it is read", async () => {
    server.respond(ROUTE, { streamBytes: 8 * 1024 * 1024, announceLength: true });
    const { http } = client({ maxResponseBytes: 512 * 1024 });
    const error = await failure(http.getJson(url()));
    expect(error.kind).toBe("too-large");
    expect(error.reason).toBe("sent more than 512 KiB, the response cap");
  });

  it("keeps a body of exactly the cap", async () => {
    const body = JSON.stringify([{ paper: { id: "2401.01234", title: "T" } }]);
    server.respond(ROUTE, { body });
    const { http } = client({ maxResponseBytes: Buffer.byteLength(body) });
    expect((await http.getJson(url())).body).toHaveLength(1);
  });
});

describe("one rate-limit gate per host", () => {
  it("GIVEN a 429 with Retry-After: 1 THEN no request reaches the host before the second is over, from any caller", async () => {
    server.respondOnce(ROUTE, { status: 429, headers: { "retry-after": "1" } });
    // Real time here: the gate is about when requests reach the server.
    const http = createHttpClient({ log: silentLogger, random: () => 0 });
    const first = http.getJson(url());
    await vi.waitFor(() => {
      expect(server.requests).toHaveLength(1);
    });
    const limitedAt = server.requests[0]!.time;
    await new Promise((r) => setTimeout(r, 50)); // the 429 has been read by now
    const others = await Promise.all([http.getJson(url()), http.getJson(url()), http.getText(url())]);
    await first;
    expect(others.map((r) => r.status)).toEqual([200, 200, 200]);
    const later = server.requests.slice(1);
    expect(later).toHaveLength(4);
    for (const request of later) expect(request.time).toBeGreaterThanOrEqual(limitedAt + 1000);
  });

  it('GIVEN a success with RateLimit: "api";r=0;t=2 THEN the next request waits 2 s', async () => {
    server.respondOnce(ROUTE, { json: [], headers: { ratelimit: '"api";r=0;t=2' } });
    const { http, sleeps } = client({ now: () => new Date("2026-06-12T12:00:00Z") });
    await http.getJson(url());
    await http.getJson(url());
    expect(sleeps).toEqual([2000]);
  });

  it("GIVEN the host asked for a wait longer than maxRateLimitWaitMs THEN later callers fail at once without sending", async () => {
    server.respondOnce(ROUTE, { status: 429, headers: { "retry-after": "600" } });
    const { http } = client({ maxRateLimitWaitMs: 60_000 });
    await failure(http.getJson(url()));
    const error = await failure(http.getJson(url()));
    expect(error.kind).toBe("rate-limited");
    expect(error.reason).toMatch(/asked to wait 600 s/);
    expect(server.requests).toHaveLength(1);
  });
});
