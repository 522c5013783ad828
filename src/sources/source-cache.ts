// The cache both paper sources share: fresh-within-TTL hits, stale answers on outages, coalesced fetches.
import type { Paper } from "../papers/paper.js";
import type { DocumentNamespace } from "../storage/store.js";
import type { Logger } from "../ops/logger.js";
import type { Metrics } from "../ops/metrics.js";
import { AppError } from "../shared/app-error.js";
import { SourceUnavailableError, type SourceResult } from "./paper-source.js";
import { HttpRequestError } from "./http-client.js";

/** What one cache entry holds (JSON-safe, so any store backend can keep it). */
export interface CachedValue<T> {
  readonly fetchedAt: string;
  readonly value: T;
}

export interface SourceCacheDeps {
  readonly source: "huggingface" | "arxiv";
  readonly baseUrl: string;
  readonly cache: DocumentNamespace;
  readonly now: () => Date;
  /** Younger entries are served without a request. */
  readonly ttlMs: number;
  /** How long entries are kept for the stale fallback. */
  readonly retentionMs: number;
  readonly log: Logger;
  readonly metrics: Metrics;
}

export interface SourceCache {
  /**
   * Serves `key` from the cache when fresh; otherwise runs `fetch` (once, however many callers ask at the
   * same time), stores the answer and returns it. When `fetch` fails, the last cached answer comes back with
   * `stale: true`; with nothing cached, SourceUnavailableError.
   */
  get(
    key: string,
    fetch: () => Promise<{ papers: readonly Paper[]; dropped: number }>,
    signal?: AbortSignal,
  ): Promise<SourceResult>;
  /** Same coalescing for a single value (e.g. one paper), with the same stale fallback. */
  getOne<T>(key: string, fetch: () => Promise<T>, ttlMs: number, signal?: AbortSignal): Promise<T>;
}

/** The reason text for SourceUnavailableError. */
export function failureReason(error: unknown): string {
  if (error instanceof HttpRequestError) return error.reason;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Resolves like `promise`, but rejects as soon as `signal` aborts (the shared work goes on for others). */
function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted)
    return Promise.reject(new AppError("aborted", "request aborted", { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new AppError("aborted", "request aborted", { cause: signal.reason }));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export function createSourceCache(deps: SourceCacheDeps): SourceCache {
  const { cache, log, metrics, source } = deps;
  const inFlight = new Map<string, Promise<unknown>>();

  async function read<T>(key: string): Promise<T | undefined> {
    try {
      return await cache.get<T>(key);
    } catch (error) {
      log.warn({ key, err: failureReason(error) }, "paper cache read failed; fetching upstream");
      return undefined;
    }
  }

  async function write(key: string, value: unknown, ttlMs: number): Promise<void> {
    try {
      await cache.set(key, value, ttlMs);
    } catch (error) {
      log.warn({ key, err: failureReason(error) }, "paper cache write failed");
    }
  }

  function coalesce<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let shared = inFlight.get(key) as Promise<T> | undefined;
    if (!shared) {
      shared = work().finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    return raceAbort(shared, signal);
  }

  const ageMs = (fetchedAt: string): number => deps.now().getTime() - Date.parse(fetchedAt);

  /** One cached value: fresh within `ttlMs`; on failure the last stored answer, stale; else SourceUnavailableError. */
  async function load<T>(
    key: string,
    fetch: () => Promise<T>,
    ttlMs: number,
    keepMs: (value: T) => number,
  ): Promise<{ value: T; fetchedAt: Date; stale: boolean }> {
    const entry = await read<CachedValue<T>>(key);
    if (entry && ageMs(entry.fetchedAt) < ttlMs) {
      metrics.cacheHit(source);
      return { value: entry.value, fetchedAt: new Date(entry.fetchedAt), stale: false };
    }
    try {
      const value = await fetch();
      metrics.sourceRequest(source, "ok");
      const fetchedAt = deps.now();
      await write(key, { fetchedAt: fetchedAt.toISOString(), value }, keepMs(value));
      return { value, fetchedAt, stale: false };
    } catch (error) {
      metrics.sourceRequest(source, "error");
      const reason = failureReason(error);
      if (entry) {
        log.warn(
          { key, reason, fetchedAt: entry.fetchedAt },
          `${source} unavailable; serving the cached answer`,
        );
        return { value: entry.value, fetchedAt: new Date(entry.fetchedAt), stale: true };
      }
      const failure =
        error instanceof HttpRequestError && error.kind === "too-large" ? "too-large" : "unreachable";
      throw new SourceUnavailableError(source, deps.baseUrl, reason, { cause: error, failure });
    }
  }

  async function loadPapers(
    key: string,
    fetch: () => Promise<{ papers: readonly Paper[]; dropped: number }>,
  ): Promise<SourceResult> {
    const { value, fetchedAt, stale } = await load(key, fetch, deps.ttlMs, () => deps.retentionMs);
    return { papers: value.papers, dropped: value.dropped, stale, fetchedAt };
  }

  async function loadOne<T>(key: string, fetch: () => Promise<T>, ttlMs: number): Promise<T> {
    // An absent paper (404) is remembered only for the TTL, not for the stale fallback's retention.
    const { value } = await load(key, fetch, ttlMs, (v) => (v === undefined ? ttlMs : deps.retentionMs));
    return value;
  }

  return {
    get: (key, fetch, signal) => coalesce(key, () => loadPapers(key, fetch), signal),
    getOne: (key, fetch, ttlMs, signal) => coalesce(key, () => loadOne(key, fetch, ttlMs), signal),
  };
}
