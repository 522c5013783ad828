// Ranking a batch of papers for one channel: dedupe, drop seen/weak/off-topic, score, order deterministically.
import type { Paper, PaperId } from "../papers/paper.js";
import type { RankedPaper, RankOptions } from "./digest-types.js";
import { matchesTopic } from "./topic-filter.js";

/** How much Hugging Face upvotes weigh: score gains this much per e-fold of (upvotes + 1). */
export const UPVOTE_WEIGHT = 1;
/** Score of a paper from this very day; it halves every `RECENCY_HALF_LIFE_DAYS`. */
export const RECENCY_WEIGHT = 1.5;
export const RECENCY_HALF_LIFE_DAYS = 3;

const DAY_MS = 86_400_000;

/** The paper's date for recency: the day it entered Daily Papers, else its arXiv date. */
function paperTime(paper: Paper): number | undefined {
  const raw = paper.dailyDate ?? paper.publishedAt;
  if (raw === undefined) return undefined;
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  return Number.isFinite(time) ? time : undefined;
}

/** 1 for today (or the future), 0.5 after one half-life, 0 when the paper has no usable date. */
export function recencyFactor(paper: Paper, now: Date): number {
  const time = paperTime(paper);
  if (time === undefined) return 0;
  const ageDays = Math.max(0, (now.getTime() - time) / DAY_MS);
  return Math.pow(0.5, ageDays / RECENCY_HALF_LIFE_DAYS);
}

/** Upvotes and recency only, before the channel's boosts. */
export function baseScore(paper: Paper, now: Date): number {
  const upvotes = Number.isFinite(paper.upvotes) ? Math.max(0, paper.upvotes) : 0;
  return UPVOTE_WEIGHT * Math.log1p(upvotes) + RECENCY_WEIGHT * recencyFactor(paper, now);
}

/** One copy per id: the one with the most upvotes (the first seen on a tie). */
function dedupe(papers: readonly Paper[]): Paper[] {
  const byId = new Map<PaperId, Paper>();
  for (const paper of papers) {
    const kept = byId.get(paper.id);
    if (kept === undefined || paper.upvotes > kept.upvotes) byId.set(paper.id, paper);
  }
  return [...byId.values()];
}

/**
 * Orders papers for a channel's digest or answer, best first. Drops duplicates (keeping the copy with
 * more upvotes), papers in `seen`, papers below `minUpvotes` and papers off `topic`. The score is
 * log1p(upvotes) plus a recency bonus (half-life three days, from `dailyDate ?? publishedAt` to `now`)
 * plus the channel's boost, whose reason rides along. Ties go to more upvotes, then the smaller id.
 */
export function rankPapers(papers: readonly Paper[], options: RankOptions): RankedPaper[] {
  const minUpvotes = options.minUpvotes ?? 0;
  const ranked: RankedPaper[] = [];
  for (const paper of dedupe(papers)) {
    if (options.seen?.has(paper.id)) continue;
    if (paper.upvotes < minUpvotes) continue;
    if (options.topic && !matchesTopic(paper, options.topic)) continue;
    const boost = options.boosts?.get(paper.id);
    const boostScore = boost && Number.isFinite(boost.score) ? boost.score : 0;
    const score = baseScore(paper, options.now) + boostScore;
    ranked.push(boost && boost.reason !== "" ? { paper, score, reason: boost.reason } : { paper, score });
  }
  return ranked.sort(
    (a, b) =>
      b.score - a.score ||
      b.paper.upvotes - a.paper.upvotes ||
      (a.paper.id < b.paper.id ? -1 : a.paper.id > b.paper.id ? 1 : 0),
  );
}
