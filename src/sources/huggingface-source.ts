// The Hugging Face papers API client: Daily Papers by date/week/month/trending, search, one paper; cached.
// @see PLATFORMS.md §2.1–2.7 (endpoints, parameters, pagination, rate limits)
import { AppError } from "../shared/app-error.js";
import type { Logger } from "../ops/logger.js";
import { noopMetrics, type Metrics } from "../ops/metrics.js";
import type { DocumentNamespace } from "../storage/store.js";
import type { Paper, PaperId } from "../papers/paper.js";
import { createHttpClient, HttpRequestError, type HttpClientOptions } from "./http-client.js";
import { parseHfItems, parseHfPaper } from "./hf-item.js";
import { isCalendarDate } from "./ny-date.js";
import type { HuggingFaceSource, SourceResult } from "./paper-source.js";
import { createSourceCache } from "./source-cache.js";

export interface HuggingFaceSourceDeps {
  /** HF_API_URL, e.g. "https://huggingface.co". */
  readonly baseUrl: string;
  /** The store's "cache" namespace. */
  readonly cache: DocumentNamespace;
  readonly now: () => Date;
  /** HTTP tuning (timeouts, retries, injectable sleep); log and headers come from here. */
  readonly http?: Omit<HttpClientOptions, "log" | "headers" | "onRateLimited">;
  /** Answers younger than this are served from the cache without a request. Default 15 min. */
  readonly ttlMs?: number;
  /** How long answers are kept for the stale fallback. Default 30 days. */
  readonly retentionMs?: number;
  /** HF_TOKEN: sent as `Authorization: Bearer …` (raises the rate limit); never logged. */
  readonly token?: string;
  readonly log: Logger;
  readonly metrics?: Metrics;
}

/** Page size asked of /api/daily_papers (the API's maximum). */
export const HF_PAGE_SIZE = 100;
/** Pages followed at most for one period, whatever the Link headers say. */
export const HF_MAX_PAGES = 50;
/** /api/papers/search takes at most 250 characters of query and 120 results. */
export const HF_SEARCH_MAX_QUERY = 250;
export const HF_SEARCH_MAX_LIMIT = 120;

/** Parsed period answers kept in memory (least recently fetched dropped first). */
export const PARSED_PERIODS = 32;

const WEEK_RE = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** True when a Link header offers rel="next" (RFC 8288; rel may list several space-separated types). */
export function hasNextLink(link: string | null): boolean {
  if (!link) return false;
  return link.split(/,(?=\s*<)/).some((part) => {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(part);
    const value = rel?.[1] ?? rel?.[2] ?? "";
    return value.toLowerCase().split(/\s+/).includes("next");
  });
}

/** Upvotes descending; ties by id ascending, so the order is the same on every run. */
export function byUpvotes(a: Paper, b: Paper): number {
  return b.upvotes - a.upvotes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function invalid(what: string, value: string, expected: string): AppError {
  return new AppError("invalid-argument", `invalid ${what} "${value}": expected ${expected}`);
}

/** Truncates by code point (never splits a surrogate pair). */
function truncateCodePoints(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join("");
}

export function createHuggingFaceSource(deps: HuggingFaceSourceDeps): HuggingFaceSource {
  const baseUrl = deps.baseUrl.replace(/\/+$/, "");
  const metrics = deps.metrics ?? noopMetrics;
  const log = deps.log.child({ source: "huggingface" });
  const ttlMs = deps.ttlMs ?? 15 * 60_000;
  const httpOptions: HttpClientOptions = {
    now: deps.now,
    ...deps.http,
    log,
    headers: deps.token ? { authorization: `Bearer ${deps.token}` } : {},
    onRateLimited: () => {
      metrics.sourceRequest("huggingface", "rate-limited");
    },
  };
  const http = createHttpClient(httpOptions);
  // A search is asked by someone waiting (about 1.5 s, then the archive answers alone): one attempt, so its failure
  // (HTTP 500, refused, 429) is known at once and can be told, instead of retries outlasting the wait.
  const interactive = createHttpClient({ ...httpOptions, retries: 0 });
  const cache = createSourceCache({
    source: "huggingface",
    baseUrl,
    cache: deps.cache,
    now: deps.now,
    ttlMs,
    retentionMs: deps.retentionMs ?? 30 * 86_400_000,
    log,
    metrics,
  });

  const urlFor = (path: string, params: Record<string, string>): string =>
    `${baseUrl}${path}?${new URLSearchParams(params).toString()}`;

  function warnDropped(dropped: number, url: string): void {
    if (dropped > 0) log.warn({ dropped, url }, `dropped ${dropped} malformed Hugging Face item(s)`);
  }

  /** Every page of one /api/daily_papers period, deduplicated by id (first occurrence wins). */
  async function fetchAllPages(
    params: Record<string, string>,
  ): Promise<{ papers: Paper[]; dropped: number }> {
    const byId = new Map<PaperId, Paper>();
    let dropped = 0;
    for (let page = 0; page < HF_MAX_PAGES; page++) {
      // We count pages ourselves rather than follow the Link URL, so a request never leaves baseUrl.
      const url = urlFor("/api/daily_papers", { ...params, limit: String(HF_PAGE_SIZE), p: String(page) });
      const response = await http.getJson(url);
      const parsed = parseHfItems(response.body);
      warnDropped(parsed.dropped, url);
      dropped += parsed.dropped;
      for (const paper of parsed.papers) if (!byId.has(paper.id)) byId.set(paper.id, paper);
      const pageSize = Array.isArray(response.body) ? response.body.length : 0;
      if (pageSize === 0 || !hasNextLink(response.headers.get("link")))
        return { papers: [...byId.values()], dropped };
    }
    log.warn({ params, pages: HF_MAX_PAGES }, "stopped paginating Daily Papers at the page cap");
    return { papers: [...byId.values()], dropped };
  }

  // Fresh period answers, parsed, in front of the store cache: 10,000 digests due in one minute share
  // one object per period instead of each deserialising its own copy of the batch.
  const parsed = new Map<string, SourceResult>();
  const isFresh = (r: SourceResult): boolean =>
    !r.stale && deps.now().getTime() - r.fetchedAt.getTime() < ttlMs;

  async function period(key: string, params: Record<string, string>, sorted: boolean, signal?: AbortSignal) {
    const cacheKey = `hf:daily_papers:${key}`;
    const hit = parsed.get(cacheKey);
    if (hit && isFresh(hit)) {
      metrics.cacheHit("huggingface");
      return hit;
    }
    const result = await cache.get(
      cacheKey,
      async () => {
        const all = await fetchAllPages(params);
        return sorted ? { papers: [...all.papers].sort(byUpvotes), dropped: all.dropped } : all;
      },
      signal,
    );
    parsed.delete(cacheKey);
    if (isFresh(result)) {
      parsed.set(cacheKey, result);
      if (parsed.size > PARSED_PERIODS)
        for (const oldest of parsed.keys()) if (parsed.size > PARSED_PERIODS) parsed.delete(oldest);
    }
    return result;
  }

  return {
    baseUrl,

    daily(date, signal) {
      if (!isCalendarDate(date)) return Promise.reject(invalid("date", date, "YYYY-MM-DD"));
      return period(`date=${date}`, { date }, true, signal);
    },

    week(isoWeek, signal) {
      if (!WEEK_RE.test(isoWeek))
        return Promise.reject(invalid("ISO week", isoWeek, "YYYY-Www, e.g. 2026-W24"));
      return period(`week=${isoWeek}`, { week: isoWeek }, true, signal);
    },

    month(month, signal) {
      if (!MONTH_RE.test(month)) return Promise.reject(invalid("month", month, "YYYY-MM"));
      return period(`month=${month}`, { month }, true, signal);
    },

    trending(signal) {
      // HF's trending order is the point (its score is not returned), so it is kept as served.
      return period("sort=trending", { sort: "trending" }, false, signal);
    },

    async search(query, limit = 20, signal): Promise<SourceResult> {
      const q = truncateCodePoints(query.replace(/\s+/g, " ").trim(), HF_SEARCH_MAX_QUERY).trim();
      const max = Math.min(Math.max(Math.trunc(limit) || 1, 1), HF_SEARCH_MAX_LIMIT);
      if (q === "") return { papers: [], dropped: 0, stale: false, fetchedAt: deps.now() };
      return cache.get(
        `hf:search:${max}:${q}`,
        async () => {
          const url = urlFor("/api/papers/search", { q, limit: String(max) });
          const response = await interactive.getJson(url);
          const parsed = parseHfItems(response.body);
          warnDropped(parsed.dropped, url);
          // Relevance order is HF's; keep it.
          return { papers: parsed.papers.slice(0, max), dropped: parsed.dropped };
        },
        signal,
      );
    },

    paper(id, signal) {
      return cache.getOne(
        `hf:paper:${id}`,
        async () => {
          try {
            const response = await http.getJson(`${baseUrl}/api/papers/${encodeURIComponent(id)}`);
            const paper = parseHfPaper(response.body);
            if (!paper) log.warn({ id }, "Hugging Face returned a malformed paper");
            return paper;
          } catch (error) {
            if (error instanceof HttpRequestError && error.status === 404) return undefined;
            throw error;
          }
        },
        ttlMs,
        signal,
      );
    },
  };
}
