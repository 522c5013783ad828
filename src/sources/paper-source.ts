// The paper-source ports: Hugging Face Daily Papers and arXiv, as the core needs them.
import { AppError } from "../shared/app-error.js";
import { seconds, TimeoutError, withTimeout } from "../shared/with-timeout.js";
import type { Paper, PaperId } from "../papers/paper.js";

export interface SourceResult {
  readonly papers: readonly Paper[];
  /** True when the upstream failed and this is the last cached answer. */
  readonly stale: boolean;
  /** Items dropped because they did not parse. */
  readonly dropped: number;
  /** When the answer was fetched from upstream (older than now when served from cache). */
  readonly fetchedAt: Date;
}

/** Hugging Face papers API. Every method caches in the store; an outage serves the last answer, stale. */
export interface HuggingFaceSource {
  /** One Daily Papers batch, "YYYY-MM-DD" (a New York date); all pages. */
  daily(date: string, signal?: AbortSignal): Promise<SourceResult>;
  /** ISO week "2026-W24"; all pages. */
  week(isoWeek: string, signal?: AbortSignal): Promise<SourceResult>;
  /** "2026-06"; all pages. */
  month(month: string, signal?: AbortSignal): Promise<SourceResult>;
  /** Hugging Face's trending ranking (sort=trending, no date); all pages. */
  trending(signal?: AbortSignal): Promise<SourceResult>;
  search(query: string, limit?: number, signal?: AbortSignal): Promise<SourceResult>;
  /** One paper, undefined on 404. */
  paper(id: PaperId, signal?: AbortSignal): Promise<Paper | undefined>;
  /** The base URL, for "cannot reach Hugging Face at …" messages. */
  readonly baseUrl: string;
  /**
   * Why the latest attempt that failed at or after `sinceMs` (Date.now() ms) failed, if one did: a command cut off
   * by its deadline while retrying says "cannot be reached" (refused, 5xx) rather than "slow".
   */
  readonly failedSince?: (sinceMs: number) => string | undefined;
}

/** arXiv export API (at most one request per 3 s, cached). */
export interface ArxivSource {
  search(query: string, limit?: number, signal?: AbortSignal): Promise<SourceResult>;
  /** Newest papers in a category such as cs.CL, submitted at or after `since` when given. */
  category(category: string, since?: Date, limit?: number, signal?: AbortSignal): Promise<SourceResult>;
  /** One paper by id (`id_list`), undefined when arXiv has no such paper. */
  paper(id: PaperId, signal?: AbortSignal): Promise<Paper | undefined>;
  readonly baseUrl: string;
}

/** Why an upstream could not help: unreachable or erroring, too slow for the command's deadline, or too big an answer. */
export type SourceFailure = "unreachable" | "slow" | "too-large";

/** Upstream unreachable (or erroring, slow, oversized) and nothing cached to fall back on. */
export class SourceUnavailableError extends AppError {
  readonly source: "huggingface" | "arxiv";
  readonly url: string;
  readonly failure: SourceFailure;
  constructor(
    source: "huggingface" | "arxiv",
    url: string,
    reason: string,
    options?: { cause?: unknown; failure?: SourceFailure },
  ) {
    const name = source === "huggingface" ? "Hugging Face" : "arXiv";
    const failure = options?.failure ?? "unreachable";
    const what =
      failure === "slow"
        ? `${name} is slow: ${reason} from ${url}`
        : failure === "too-large"
          ? `${name} sent too much at ${url}: ${reason}`
          : `${name} cannot be reached at ${url}: ${reason}`;
    super("source-unavailable", what, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.source = source;
    this.url = url;
    this.failure = failure;
  }
}

/**
 * Runs a command's upstream work within `ms` in all (every retry included): past it, a SourceUnavailableError saying
 * the source is slow. A shared fetch still running goes on and fills the cache for the next ask.
 */
export async function withSourceDeadline<T>(
  source: "huggingface" | "arxiv",
  url: string,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  failedSince?: (sinceMs: number) => string | undefined,
): Promise<T> {
  const started = Date.now();
  try {
    return await withTimeout(ms, work);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const failed = failedSince?.(started);
    if (failed !== undefined) throw new SourceUnavailableError(source, url, failed, { cause: error });
    throw new SourceUnavailableError(source, url, `no answer within ${seconds(ms)}`, {
      cause: error,
      failure: "slow",
    });
  }
}
