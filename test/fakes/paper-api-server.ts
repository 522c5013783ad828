// A loopback fake of the Hugging Face papers API and the arXiv export API, replaying the recorded fixtures.
// @see PLATFORMS.md §5c — serves ../shared/fixtures, records every request, and can be scripted per route.
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** `<repo>/../shared/fixtures/` (CI clones the repo with shared/ beside it). */
export const FIXTURES_DIR = fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

/** The recorded files, relative to FIXTURES_DIR. */
export const FIXTURES = {
  daily: "hf/daily_papers_2026-06-12.json",
  searchKazakh: "hf/papers_search_q-kazakh_2025-05-18.json",
  searchLlama: "hf/papers_search_q-llama-3-herd_2025-05-18.json",
  arxiv: "arxiv/query_all-transformer_AND_cat-cs.LG_2026-06-14.xml",
} as const;

/** The batch date of the recorded daily file (a Friday), its ISO week and month. */
export const RECORDED_BATCH = { date: "2026-06-12", week: "2026-W24", month: "2026-06" } as const;

/** The bytes of one recorded fixture as text. */
export function readFixture(relative: string): string {
  return readFileSync(join(FIXTURES_DIR, relative), "utf8");
}

/** A recorded JSON fixture, parsed (a fresh copy each call, so tests may edit it). */
export function recordedJson(relative: string): unknown[] {
  return JSON.parse(readFixture(relative)) as unknown[];
}

/**
 * Rewrites XML namespace prefixes (declarations and element names), e.g. `arxiv` → `ax`, so a test can check
 * that parsing resolves namespaces by URI rather than by prefix text. Use `""` as `from` to turn the default
 * namespace into the prefix `to` (unprefixed element names get `to:`).
 */
export function renameXmlPrefix(xml: string, from: string, to: string): string {
  if (from === "") {
    return xml
      .replace(/xmlns="/g, `xmlns:${to}="`)
      .replace(
        /<(\/?)([A-Za-z_][\w.-]*)(?=[\s/>])/g,
        (_m, slash: string, name: string) => `<${slash}${to}:${name}`,
      );
  }
  return xml
    .replaceAll(`xmlns:${from}=`, `xmlns:${to}=`)
    .replaceAll(`<${from}:`, `<${to}:`)
    .replaceAll(`</${from}:`, `</${to}:`);
}

/** One request the fake received. */
export interface RecordedRequest {
  /** 0-based arrival order. */
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  /** Query parameters (last value wins); see `searchParams` for repeats. */
  readonly query: Readonly<Record<string, string>>;
  readonly searchParams: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Wall-clock arrival time (Date.now()), for ordering only. */
  readonly time: number;
}

/** What to answer. Everything is optional: the default is 200 with an empty body. */
export interface ProgrammedResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value, serialised with content-type application/json. */
  readonly json?: unknown;
  /** A raw body (sent as is; content-type from `headers`, default application/json). */
  readonly body?: string | Buffer;
  /** Wait this long (wall clock) before answering. */
  readonly delayMs?: number;
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  readonly hang?: boolean;
  /** Send only the first N bytes of the body, with a matching content-length (a cleanly truncated body). */
  readonly truncateAt?: number;
  /** Announce the full length but destroy the socket after N body bytes (a connection cut mid-body). */
  readonly destroyAfterBytes?: number;
  /**
   * Stream a JSON-looking array (never meant to parse) this many bytes long in 64 KiB chunks (chunked, no content-length unless
   * `announceLength`), honouring back-pressure and stopping when the client goes away: an oversized answer
   * that never sits in the fake's memory. `streamedBytes()` tells how much actually went out.
   */
  readonly streamBytes?: number;
  readonly announceLength?: boolean;
}

/** A fixed response, or a function of the request (return undefined to fall through to the default route). */
export type Responder =
  | ProgrammedResponse
  | ((request: RecordedRequest) => ProgrammedResponse | undefined | Promise<ProgrammedResponse | undefined>);

export interface PaperApiServerOptions {
  /** Items per Daily Papers page (also capped by the request's `limit`). Default 100: one page. */
  readonly dailyPageSize?: number;
}

export interface PaperApiServer {
  /** Base URL, e.g. "http://127.0.0.1:41234" — use as HF_API_URL. */
  readonly url: string;
  /** `${url}/api/query` — use as ARXIV_API_URL. */
  readonly arxivUrl: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests whose path is `path`. */
  requestsTo(path: string): RecordedRequest[];
  /** The most requests that were ever open at once (per path when given). */
  maxConcurrent(path?: string): number;
  /** Answer every request to `route` ("GET /api/daily_papers", exact path) this way until reset(). */
  respond(route: string, responder: Responder): void;
  /** Answer the next request to `route` this way (queued; one-shot answers go before `respond` ones). */
  respondOnce(route: string, responder: Responder): void;
  /** Change the Daily Papers page size (pagination with Link rel="next" on all but the last page). */
  setDailyPageSize(size: number): void;
  /** Body bytes written by `streamBytes` answers since the last reset. */
  streamedBytes(): number;
  /** Forget scripted responses and recorded requests. */
  reset(): void;
  /** Stops the server, cutting open (hanging) connections. */
  close(): Promise<void>;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

interface ItemLike {
  readonly paper?: { readonly id?: string };
}

/**
 * Starts the fake on 127.0.0.1, port 0. Default routes:
 * - `GET /api/daily_papers`: the recorded 2026-06-12 batch for `date=2026-06-12`, `week=2026-W24`,
 *   `month=2026-06`, `sort=trending` or no date; `[]` for other valid dates; 400 for an invalid `date`.
 *   Paged by `p` and `limit` (and the page size option), `Link: <…>; rel="next"` on all but the last page.
 * - `GET /api/papers/search?q=`: "kazakh" and "llama 3 herd" replay their recordings (cut to `limit`); else `[]`.
 * - `GET /api/papers/{id}`: the `paper` object of any recorded item with that id (version ignored), else 404.
 * - `GET /api/query`: the recorded arXiv Atom feed, whatever the query.
 */
export async function startPaperApiServer(options: PaperApiServerOptions = {}): Promise<PaperApiServer> {
  const daily = recordedJson(FIXTURES.daily) as ItemLike[];
  const searches: Record<string, unknown[]> = {
    kazakh: recordedJson(FIXTURES.searchKazakh),
    "llama 3 herd": recordedJson(FIXTURES.searchLlama),
  };
  const arxivXml = readFixture(FIXTURES.arxiv);
  let dailyPageSize = options.dailyPageSize ?? 100;

  const requests: RecordedRequest[] = [];
  const persistent = new Map<string, Responder>();
  const once = new Map<string, Responder[]>();
  const open = new Map<string, number>();
  const maxOpen = new Map<string, number>();
  let openAll = 0;
  let maxOpenAll = 0;
  let base = "";

  function dailyRoute(req: RecordedRequest): ProgrammedResponse {
    const { date, week, month, sort } = req.query;
    if (date !== undefined && (!DATE_RE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))) {
      return { status: 400, json: { error: `Invalid date: ${date}` } };
    }
    const matches =
      date !== undefined
        ? date === RECORDED_BATCH.date
        : week !== undefined
          ? week === RECORDED_BATCH.week
          : month !== undefined
            ? month === RECORDED_BATCH.month
            : sort === undefined || sort === "trending" || sort === "publishedAt";
    const items = matches ? daily : [];
    const limit = Math.min(Number(req.query.limit ?? 50) || 50, dailyPageSize);
    const page = Number(req.query.p ?? 0) || 0;
    const slice = items.slice(page * limit, (page + 1) * limit);
    const headers: Record<string, string> = {};
    if ((page + 1) * limit < items.length) {
      const next = new URLSearchParams(req.searchParams);
      next.set("p", String(page + 1));
      headers.link = `<${base}/api/daily_papers?${next.toString()}>; rel="next"`;
    }
    return { json: slice, headers };
  }

  function defaultRoute(req: RecordedRequest): ProgrammedResponse {
    if (req.method !== "GET") return { status: 405, json: { error: "Method not allowed" } };
    if (req.path === "/api/daily_papers") return dailyRoute(req);
    if (req.path === "/api/papers/search") {
      const q = (req.query.q ?? "").toLowerCase().replace(/\s+/g, " ").trim();
      const limit = Number(req.query.limit ?? 120) || 120;
      return { json: (searches[q] ?? []).slice(0, limit) };
    }
    const single = /^\/api\/papers\/([^/]+)$/.exec(req.path);
    if (single?.[1]) {
      const id = decodeURIComponent(single[1]).replace(/v\d+$/, "");
      const all = [...daily, ...Object.values(searches).flat()] as ItemLike[];
      const hit = all.find((item) => item.paper?.id === id);
      return hit ? { json: hit.paper } : { status: 404, json: { error: "Paper not found" } };
    }
    if (req.path === "/api/query") {
      return { body: arxivXml, headers: { "content-type": "application/atom+xml; charset=utf-8" } };
    }
    return { status: 404, json: { error: "Not found" } };
  }

  async function resolve(req: RecordedRequest): Promise<ProgrammedResponse> {
    const route = `${req.method} ${req.path}`;
    const queued = once.get(route);
    const scripted = queued?.shift() ?? persistent.get(route);
    if (scripted !== undefined) {
      const answer = typeof scripted === "function" ? await scripted(req) : scripted;
      if (answer !== undefined) return answer;
    }
    return defaultRoute(req);
  }

  let streamed = 0;

  async function stream(res: ServerResponse, answer: ProgrammedResponse, total: number): Promise<void> {
    res.writeHead(answer.status ?? 200, {
      "content-type": "application/json; charset=utf-8",
      ...(answer.announceLength === true ? { "content-length": String(total) } : {}),
      ...answer.headers,
    });
    const item = Buffer.from('{"paper":{"id":"0000.00000","title":"filler"}},');
    const chunk = Buffer.concat(Array.from({ length: Math.ceil(65_536 / item.length) }, () => item));
    let gone = false;
    res.on("close", () => (gone = true));
    // One drain-or-close wait at a time, listeners removed after each (no pile-up on a long stream).
    const drained = (): Promise<void> =>
      new Promise((resolve) => {
        if (gone) return resolve();
        const done = (): void => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    let left = total;
    if (!res.write("[")) await drained();
    left -= 1;
    while (left > 1 && !gone) {
      const part = chunk.subarray(0, Math.min(chunk.length, left - 1));
      left -= part.length;
      streamed += part.length;
      if (!res.write(part)) await drained();
    }
    if (!gone) res.end("]");
  }

  async function send(res: ServerResponse, answer: ProgrammedResponse): Promise<void> {
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.hang) return;
    if (answer.streamBytes !== undefined) return stream(res, answer, answer.streamBytes);
    const body: Buffer =
      answer.json !== undefined
        ? Buffer.from(JSON.stringify(answer.json))
        : typeof answer.body === "string"
          ? Buffer.from(answer.body)
          : (answer.body ?? Buffer.alloc(0));
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      ...answer.headers,
    };
    if (answer.destroyAfterBytes !== undefined) {
      res.writeHead(answer.status ?? 200, { ...headers, "content-length": String(body.length) });
      res.write(body.subarray(0, answer.destroyAfterBytes), () => res.destroy());
      return;
    }
    const sent = answer.truncateAt !== undefined ? body.subarray(0, answer.truncateAt) : body;
    res.writeHead(answer.status ?? 200, { ...headers, "content-length": String(sent.length) });
    res.end(sent);
  }

  function track(path: string, delta: number): void {
    openAll += delta;
    maxOpenAll = Math.max(maxOpenAll, openAll);
    const now = (open.get(path) ?? 0) + delta;
    open.set(path, now);
    maxOpen.set(path, Math.max(maxOpen.get(path) ?? 0, now));
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const recorded: RecordedRequest = {
      seq: requests.length,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      searchParams: url.searchParams,
      headers: req.headers,
      time: Date.now(),
    };
    requests.push(recorded);
    track(recorded.path, 1);
    res.on("close", () => track(recorded.path, -1));
    resolve(recorded)
      .then((answer) => send(res, answer))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake server error: ${String(error)}`);
      });
  });

  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    arxivUrl: `${base}/api/query`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    maxConcurrent: (path) => (path === undefined ? maxOpenAll : (maxOpen.get(path) ?? 0)),
    respond: (route, responder) => {
      persistent.set(route, responder);
    },
    respondOnce: (route, responder) => {
      once.set(route, [...(once.get(route) ?? []), responder]);
    },
    streamedBytes: () => streamed,
    setDailyPageSize: (size) => {
      dailyPageSize = size;
    },
    reset: () => {
      streamed = 0;
      persistent.clear();
      once.clear();
      requests.length = 0;
      maxOpen.clear();
      maxOpenAll = openAll;
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => {
          if (error) fail(error);
          else done();
        });
        server.closeAllConnections();
      }),
  };
}
