// `/papers <query>`: Hugging Face search and the local archive together, merged, with a fallback when HF is slow or down.
import { matchesQueryFilters, parseQuery } from "../archive/search-index.js";
import type { ParsedQuery } from "../archive/search-index.js";
import type { ArchiveCoverage, ArchiveLoading, PaperArchive } from "../archive/paper-archive.js";
import { toPaperId } from "../papers/paper.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { ArxivSource, HuggingFaceSource, SourceResult } from "../sources/paper-source.js";
import { SourceUnavailableError } from "../sources/paper-source.js";
import { HttpRequestError } from "../sources/http-client.js";
import type { Logger } from "../ops/logger.js";
import { seconds, TimeoutError, withTimeout } from "../shared/with-timeout.js";
import type { Inline } from "../messages/outbound-message.js";
import { explainMatch } from "./explain-match.js";

export type SearchOrigin = "huggingface" | "archive" | "arxiv";

export interface PaperSearchResult {
  readonly paper: Paper;
  readonly score: number;
  /** Where the paper was found, in a fixed order (huggingface, archive, arxiv). */
  readonly from: readonly SearchOrigin[];
  /** Why it matched when its title does not show it (see {@link explainMatch}). */
  readonly matched?: readonly Inline[];
}

export interface PaperSearchAnswer {
  readonly results: readonly PaperSearchResult[];
  /** Said above the results when Hugging Face could not help, e.g. "Hugging Face did not answer within 1.5 s — …". */
  readonly notice?: string;
  /** When nothing matched: how far the archive reaches (so the answer can say how to fill older days). */
  readonly coverage?: ArchiveCoverage;
}

export interface PaperSearch {
  search(query: string, options: { limit: number }): Promise<PaperSearchAnswer>;
}

export interface PaperSearchDeps {
  readonly hf: Pick<HuggingFaceSource, "search">;
  readonly archive: Pick<PaperArchive, "search" | "upsert"> &
    Partial<Pick<PaperArchive, "loading" | "coverage">>;
  readonly arxiv?: Pick<ArxivSource, "search">;
  /** How long Hugging Face gets before the archive answers alone (default 1,500 ms). */
  readonly hfTimeoutMs?: number;
  /** How long arXiv gets when it is asked as a fallback (default 2,500 ms). */
  readonly arxivTimeoutMs?: number;
  readonly log: Logger;
}

// Combined score: the archive's score normalised to 0–1, plus a reciprocal-rank term per upstream
// position (first place 1, second 0.67, …), plus a small popularity term (100 upvotes ≈ +0.1).
const RANK_WEIGHT = { huggingface: 1, arxiv: 0.6 } as const;
const reciprocalRank = (position: number): number => 2 / (2 + position);
const popularity = (upvotes: number): number => 0.05 * Math.log10(1 + Math.max(0, upvotes));
const ORIGIN_ORDER: readonly SearchOrigin[] = ["huggingface", "archive", "arxiv"];

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** What went wrong with Hugging Face, said as what happened: no answer in time, an HTTP error, a 429, no connection. */
function hfFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof TimeoutError) return `Hugging Face did not answer within ${seconds(timeoutMs)}`;
  const http = error instanceof SourceUnavailableError ? error.cause : undefined;
  if (http instanceof HttpRequestError) {
    switch (http.kind) {
      case "status":
        return `Hugging Face answered HTTP ${String(http.status)}`;
      case "rate-limited":
        return "Hugging Face is rate-limiting paperboy (HTTP 429)";
      case "timeout":
        return `Hugging Face did not answer: ${http.reason}`;
      case "malformed":
        return "Hugging Face sent an answer paperboy could not read";
      case "too-large":
        return `Hugging Face ${http.reason}`;
      case "network": // unreachable: the error's own message names the URL and the reason
      case "aborted":
        break;
    }
  }
  if (error instanceof SourceUnavailableError) return error.message;
  const reason = error instanceof Error ? error.message : String(error);
  return `Hugging Face cannot be reached (${reason})`;
}

/** "The archive is still loading (40,000 of 100,000 papers)". */
function loadingText(loading: ArchiveLoading): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  return `the archive is still loading (${n(loading.loaded)} of ${n(loading.total)} papers)`;
}

interface Candidate {
  paper: Paper;
  score: number;
  from: Set<SearchOrigin>;
}

export function createPaperSearch(deps: PaperSearchDeps): PaperSearch {
  const { hf, archive, arxiv, log } = deps;
  const hfTimeoutMs = deps.hfTimeoutMs ?? 1_500;
  const arxivTimeoutMs = deps.arxivTimeoutMs ?? 2_500;

  /** Upstream papers with canonical ids, filtered by the query's phrases and exclusions, duplicates dropped. */
  function upstreamPapers(result: SourceResult, parsed: ParsedQuery): Paper[] {
    const seen = new Set<PaperId>();
    const out: Paper[] = [];
    for (const raw of result.papers) {
      const id = toPaperId(raw.id);
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const paper = id === raw.id ? raw : { ...raw, id };
      if (matchesQueryFilters(paper, parsed)) out.push(paper);
    }
    return out;
  }

  async function archiveUpsert(papers: readonly Paper[]): Promise<void> {
    if (papers.length === 0) return;
    try {
      await archive.upsert(papers);
    } catch (error) {
      log.warn({ err: error }, "search: could not archive upstream papers");
    }
  }

  return {
    async search(query, { limit }) {
      const parsed = parseQuery(query);
      if (parsed.terms.length === 0 || limit <= 0) return { results: [] };
      const merged = new Map<PaperId, Candidate>();
      const add = (paper: Paper, origin: SearchOrigin, score: number): void => {
        const existing = merged.get(paper.id);
        if (existing) {
          existing.score += score;
          existing.from.add(origin);
          // Prefer the upstream copy (fresh counts) but keep the archive's when it is richer.
          if (origin === "huggingface") existing.paper = { ...existing.paper, ...paper };
        } else {
          merged.set(paper.id, { paper, score: score + popularity(paper.upvotes), from: new Set([origin]) });
        }
      };

      // Both at once: the archive answers in milliseconds, Hugging Face gets at most hfTimeoutMs.
      const hfAnswer = withTimeout(hfTimeoutMs, (signal) => hf.search(parsed.text, limit, signal)).then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      // While the archive loads its index is partial: Hugging Face answers alone, and the answer says so.
      const loading = archive.loading?.();
      const local = loading === undefined ? await archive.search(query, { limit }) : [];
      const top = local[0]?.score ?? 0;
      for (const hit of local) add(hit.paper, "archive", top > 0 ? hit.score / top : 0);

      let notice: string | undefined;
      const answer = await hfAnswer;
      if (answer.ok) {
        const papers = upstreamPapers(answer.result, parsed);
        papers.forEach((paper, position) => {
          add(paper, "huggingface", RANK_WEIGHT.huggingface * reciprocalRank(position));
        });
        if (answer.result.stale)
          notice =
            loading === undefined
              ? "Hugging Face cannot be reached — showing its last saved answer and paperboy's archive."
              : `Hugging Face cannot be reached and ${loadingText(loading)} — showing Hugging Face's last saved answer.`;
        else if (loading !== undefined)
          notice = `${upperFirst(loadingText(loading))} — showing Hugging Face's results.`;
        await archiveUpsert(papers);
      } else {
        const reason = hfFailure(answer.error, hfTimeoutMs);
        log.warn(
          { err: answer.error, query: parsed.text },
          "search: Hugging Face failed, answering from the archive",
        );
        let sources = loading === undefined ? "paperboy's archive" : "nowhere else yet";
        if (arxiv && local.length < limit) {
          try {
            const result = await withTimeout(arxivTimeoutMs, (signal) =>
              arxiv.search(parsed.text, limit, signal),
            );
            const papers = upstreamPapers(result, parsed);
            papers.forEach((paper, position) => {
              add(paper, "arxiv", RANK_WEIGHT.arxiv * reciprocalRank(position));
            });
            if (papers.length > 0) sources = loading === undefined ? "paperboy's archive and arXiv" : "arXiv";
            await archiveUpsert(papers);
          } catch (error) {
            log.warn({ err: error }, "search: arXiv fallback failed too");
          }
        }
        notice =
          loading === undefined
            ? `${reason} — showing papers from ${sources}.`
            : `${reason}, and ${loadingText(loading)} — showing papers from ${sources}.`;
      }

      const results = [...merged.values()]
        .sort(
          (a, b) =>
            b.score - a.score ||
            b.paper.upvotes - a.paper.upvotes ||
            (a.paper.id < b.paper.id ? -1 : a.paper.id > b.paper.id ? 1 : 0),
        )
        .slice(0, limit)
        .map((c): PaperSearchResult => {
          const matched = explainMatch(c.paper, parsed);
          return {
            paper: c.paper,
            score: c.score,
            from: ORIGIN_ORDER.filter((o) => c.from.has(o)),
            ...(matched ? { matched } : {}),
          };
        });
      const coverage = results.length === 0 && loading === undefined ? archive.coverage?.() : undefined;
      return {
        results,
        ...(notice !== undefined ? { notice } : {}),
        ...(coverage !== undefined ? { coverage } : {}),
      };
    },
  };
}
