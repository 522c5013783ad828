// The paper-source ports: Hugging Face Daily Papers and arXiv, as the core needs them.
import { AppError } from "../shared/app-error.js";
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

/** Upstream unreachable (or erroring) and nothing cached to fall back on. */
export class SourceUnavailableError extends AppError {
  readonly source: "huggingface" | "arxiv";
  readonly url: string;
  constructor(source: "huggingface" | "arxiv", url: string, reason: string, options?: { cause?: unknown }) {
    super(
      "source-unavailable",
      `${source === "huggingface" ? "Hugging Face" : "arXiv"} cannot be reached at ${url}: ${reason}`,
      options,
    );
    this.source = source;
    this.url = url;
  }
}
