// The arXiv export API client: keyword search and category feeds, namespace-aware Atom parsing, one request per 3 s.
// @see PLATFORMS.md §2.8 — https://info.arxiv.org/help/api/user-manual.html
import { XMLParser } from "fast-xml-parser";
import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../shared/app-error.js";
import type { Logger } from "../ops/logger.js";
import { noopMetrics, type Metrics } from "../ops/metrics.js";
import type { DocumentNamespace } from "../storage/store.js";
import { toPaperId, type Paper, type PaperAuthor } from "../papers/paper.js";
import { collapseWhitespace } from "./hf-item.js";
import { createHttpClient, type HttpClientOptions } from "./http-client.js";
import type { ArxivSource } from "./paper-source.js";
import { createSourceCache } from "./source-cache.js";

export interface ArxivSourceDeps {
  /** ARXIV_API_URL, e.g. "http://export.arxiv.org/api/query" (the full query endpoint). */
  readonly baseUrl: string;
  readonly cache: DocumentNamespace;
  readonly now: () => Date;
  /** Waits for the request spacing (and retries); injectable so tests assert the wait instead of waiting. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Minimum time between request starts. arXiv's terms ask for 3 s. */
  readonly minIntervalMs?: number;
  readonly http?: Omit<HttpClientOptions, "log" | "headers" | "onRateLimited" | "sleep">;
  /** Default 6 h: arXiv results change once a day. */
  readonly ttlMs?: number;
  readonly retentionMs?: number;
  readonly log: Logger;
  readonly metrics?: Metrics;
}

export const ATOM_NS = "http://www.w3.org/2005/Atom";
export const ARXIV_NS = "http://arxiv.org/schemas/atom";
export const OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/";

const CATEGORY_RE = /^[a-z-]+(\.[A-Za-z-]+)?$/;
const MAX_TERMS = 12;
const MAX_RESULTS = 100;

/** A parsed element: its name split into namespace URI and local name, its in-scope prefixes, its raw node. */
interface XmlElement {
  readonly uri: string | undefined;
  readonly local: string;
  readonly scope: ReadonlyMap<string, string>;
  readonly node: Record<string, unknown>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: false, // keep "prefix:local" so we can resolve the prefix through xmlns declarations
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

function elementOf(
  name: string,
  node: unknown,
  parentScope: ReadonlyMap<string, string>,
): XmlElement | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  const record = node as Record<string, unknown>;
  let scope = parentScope;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== "string") continue;
    if (key === "@_xmlns") scope = new Map(scope).set("", value);
    else if (key.startsWith("@_xmlns:")) scope = new Map(scope).set(key.slice("@_xmlns:".length), value);
  }
  const colon = name.indexOf(":");
  const prefix = colon === -1 ? "" : name.slice(0, colon);
  return { uri: scope.get(prefix), local: colon === -1 ? name : name.slice(colon + 1), scope, node: record };
}

/** Child elements of `parent` in namespace `uri` with local name `local`, whatever prefix the document uses. */
function children(parent: XmlElement, uri: string, local: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const [name, value] of Object.entries(parent.node)) {
    if (name.startsWith("@_") || name === "#text") continue;
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      const element = elementOf(name, item, parent.scope);
      if (element?.uri === uri && element.local === local) found.push(element);
    }
  }
  return found;
}

function textOf(element: XmlElement | undefined): string | undefined {
  const value = element?.node["#text"];
  return typeof value === "string" ? value : undefined;
}

const first = (parent: XmlElement, uri: string, local: string): XmlElement | undefined =>
  children(parent, uri, local)[0];

function attribute(element: XmlElement, name: string): string | undefined {
  const value = element.node[`@_${name}`];
  return typeof value === "string" ? value : undefined;
}

function entryToPaper(entry: XmlElement): Paper | undefined {
  const id = toPaperId(textOf(first(entry, ATOM_NS, "id")) ?? "");
  const title = collapseWhitespace(textOf(first(entry, ATOM_NS, "title")) ?? "");
  if (!id || title === "") return undefined;
  const authors: PaperAuthor[] = [];
  for (const author of children(entry, ATOM_NS, "author")) {
    const name = collapseWhitespace(textOf(first(author, ATOM_NS, "name")) ?? "");
    if (name) authors.push({ name });
  }
  const primary = first(entry, ARXIV_NS, "primary_category");
  const terms = [
    ...(primary ? [attribute(primary, "term")] : []),
    ...children(entry, ATOM_NS, "category").map((c) => attribute(c, "term")),
  ].filter((t): t is string => typeof t === "string" && t !== "");
  const published = textOf(first(entry, ATOM_NS, "published"))?.trim();
  return {
    id,
    title,
    abstract: collapseWhitespace(textOf(first(entry, ATOM_NS, "summary")) ?? ""),
    aiKeywords: [],
    authors,
    ...(published && !Number.isNaN(Date.parse(published)) && { publishedAt: published }),
    upvotes: 0,
    comments: 0,
    categories: [...new Set(terms)],
  };
}

/**
 * Parses an arXiv Atom feed. Elements are matched by namespace URI (Atom, arXiv, OpenSearch), never by the
 * prefix text, so `<ax:primary_category xmlns:ax="http://arxiv.org/schemas/atom">` reads the same.
 * Entries without an arXiv id or title are dropped and counted; an arXiv error feed throws.
 */
export function parseArxivFeed(xml: string): { papers: Paper[]; dropped: number; totalResults?: number } {
  // The parser is lenient about a cut-off document, so a feed must end with its closing </feed> tag.
  if (!/<\/(?:[\w.-]+:)?feed\s*>\s*$/.test(xml)) {
    throw new AppError("malformed-feed", "malformed arXiv Atom feed: truncated (no closing </feed>)");
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new AppError("malformed-feed", `malformed arXiv Atom feed: ${String(error)}`, { cause: error });
  }
  const root = Object.entries(doc)
    .filter(([name]) => !name.startsWith("?") && !name.startsWith("!"))
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? (value as unknown[]) : [value]).map((v) => elementOf(name, v, new Map())),
    )
    .find((e) => e?.uri === ATOM_NS && e.local === "feed");
  if (!root) throw new AppError("malformed-feed", "malformed arXiv Atom feed: no Atom <feed> element");
  const papers: Paper[] = [];
  let dropped = 0;
  for (const entry of children(root, ATOM_NS, "entry")) {
    const rawId = textOf(first(entry, ATOM_NS, "id")) ?? "";
    if (rawId.includes("/api/errors")) {
      const summary = collapseWhitespace(textOf(first(entry, ATOM_NS, "summary")) ?? "unknown error");
      throw new AppError("arxiv-query-error", `arXiv rejected the query: ${summary}`);
    }
    const paper = entryToPaper(entry);
    if (paper) papers.push(paper);
    else dropped++;
  }
  const total = Number(textOf(first(root, OPENSEARCH_NS, "totalResults")));
  return { papers, dropped, ...(Number.isFinite(total) && { totalResults: total }) };
}

/**
 * "all:a AND all:b" for the words of a free-text query (at most 12 words). Anything that is not a letter,
 * digit, ".", "_", "'" or an inner "-" is query syntax to arXiv's Lucene (quotes, brackets, ":", "+", "*",
 * leading "-"), so it becomes a word break; AND/OR/ANDNOT/TO are lower-cased so they stay words, not operators.
 */
export function arxivSearchQuery(query: string): string {
  return query
    .replace(/[^\p{L}\p{N}._'-]+/gu, " ")
    .split(" ")
    .map((word) => word.replace(/^[-.']+|[-.']+$/g, ""))
    .filter((word) => word !== "")
    .map((word) => (/^(AND|OR|ANDNOT|NOT|TO)$/.test(word) ? word.toLowerCase() : word))
    .slice(0, MAX_TERMS)
    .map((word) => `all:${word}`)
    .join(" AND ");
}

/** arXiv's submittedDate bound format, in GMT: YYYYMMDDHHMM. */
function arxivStamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace(/[-T:]/g, "");
}

export function createArxivSource(deps: ArxivSourceDeps): ArxivSource {
  const baseUrl = deps.baseUrl;
  const metrics = deps.metrics ?? noopMetrics;
  const log = deps.log.child({ source: "arxiv" });
  const minIntervalMs = deps.minIntervalMs ?? 3000;
  const ttlMs = deps.ttlMs ?? 6 * 3_600_000;
  const sleep =
    deps.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}));
  const http = createHttpClient({
    now: deps.now,
    retries: 2,
    // Retries are requests too: back off at least the politeness interval.
    backoffMs: minIntervalMs,
    ...deps.http,
    sleep,
    log,
    onRateLimited: () => {
      metrics.sourceRequest("arxiv", "rate-limited");
    },
  });
  const cache = createSourceCache({
    source: "arxiv",
    baseUrl,
    cache: deps.cache,
    now: deps.now,
    ttlMs,
    retentionMs: deps.retentionMs ?? 30 * 86_400_000,
    log,
    metrics,
  });

  // One request at a time, request starts at least minIntervalMs apart (arXiv terms of use).
  let queue: Promise<unknown> = Promise.resolve();
  let lastStart: number | undefined;
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      if (lastStart !== undefined) {
        const wait = lastStart + minIntervalMs - deps.now().getTime();
        if (wait > 0) await sleep(wait);
      }
      lastStart = deps.now().getTime();
      return task();
    });
    queue = run.catch(() => undefined);
    return run;
  }

  function query(key: string, params: Record<string, string>, signal?: AbortSignal) {
    return cache.get(
      `arxiv:${key}`,
      async () => {
        const url = `${baseUrl}?${new URLSearchParams(params).toString()}`;
        const response = await serial(() => http.getText(url));
        const parsed = parseArxivFeed(response.body);
        if (parsed.dropped > 0)
          log.warn({ dropped: parsed.dropped, url }, `dropped ${parsed.dropped} arXiv entries`);
        return { papers: parsed.papers, dropped: parsed.dropped };
      },
      signal,
    );
  }

  const clampLimit = (limit: number): number => Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_RESULTS);

  return {
    baseUrl,

    async search(text, limit = 20, signal) {
      const searchQuery = arxivSearchQuery(text);
      if (searchQuery === "") return { papers: [], dropped: 0, stale: false, fetchedAt: deps.now() };
      const max = String(clampLimit(limit));
      return query(
        `search:${max}:${searchQuery}`,
        {
          search_query: searchQuery,
          start: "0",
          max_results: max,
          sortBy: "relevance",
          sortOrder: "descending",
        },
        signal,
      );
    },

    paper(id, signal) {
      return cache.getOne(
        `arxiv:paper:${id}`,
        async () => {
          const url = `${baseUrl}?${new URLSearchParams({ id_list: id, start: "0", max_results: "1" }).toString()}`;
          const response = await serial(() => http.getText(url));
          try {
            return parseArxivFeed(response.body).papers.find((paper) => paper.id === id);
          } catch (error) {
            // arXiv answers an id it cannot read with an error entry, not an HTTP error: no such paper.
            if (error instanceof AppError && error.code === "arxiv-query-error") return undefined;
            throw error;
          }
        },
        ttlMs,
        signal,
      );
    },

    async category(category, since, limit = 50, signal) {
      if (!CATEGORY_RE.test(category)) {
        throw new AppError(
          "invalid-argument",
          `invalid arXiv category "${category}": expected e.g. cs.CL or hep-th`,
        );
      }
      let searchQuery = `cat:${category}`;
      if (since) {
        if (Number.isNaN(since.getTime())) throw new AppError("invalid-argument", "invalid `since` date");
        // The upper bound is the end of today (GMT), so the cache key changes at most once a day.
        const end = new Date(deps.now().toISOString().slice(0, 10) + "T23:59:00Z");
        searchQuery += ` AND submittedDate:[${arxivStamp(since)} TO ${arxivStamp(end)}]`;
      }
      const max = String(clampLimit(limit));
      return query(
        `category:${max}:${searchQuery}`,
        {
          search_query: searchQuery,
          start: "0",
          max_results: max,
          sortBy: "submittedDate",
          sortOrder: "descending",
        },
        signal,
      );
    },
  };
}
