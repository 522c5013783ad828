// "Like a paper you voted for": TF-IDF cosine similarity between digest candidates and the channel's liked papers.
import { textTerms } from "../archive/search-index.js";
import type { Paper, PaperId } from "../paper.js";

export interface SimilarityBoost {
  readonly score: number;
  readonly reason: string;
}

export interface SimilarityOptions {
  /** The boost given to a candidate identical in vocabulary to a liked paper (cosine 1). */
  readonly maxBoost: number;
  /** Cosine similarity below which no boost is given (default 0.1): shared filler words are not a likeness. */
  readonly minSimilarity?: number;
}

// Title words and keywords say what a paper is about; the abstract adds context at lower weight.
const FIELD_WEIGHT = { title: 2, keywords: 2, abstract: 1 } as const;
const TITLE_IN_REASON = 60;

type Vector = Map<string, number>;

// Term counts per Paper object (read-only once built): a batch shared by many channels is tokenised once.
const countsOf = new WeakMap<Paper, Vector>();

function termCounts(paper: Paper): Vector {
  const cached = countsOf.get(paper);
  if (cached) return cached;
  const counts: Vector = new Map();
  const addAll = (text: string, weight: number): void => {
    for (const term of textTerms(text)) counts.set(term, (counts.get(term) ?? 0) + weight);
  };
  addAll(paper.title, FIELD_WEIGHT.title);
  addAll(paper.aiKeywords.join(" ; "), FIELD_WEIGHT.keywords);
  addAll(paper.abstract, FIELD_WEIGHT.abstract);
  countsOf.set(paper, counts);
  return counts;
}

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Cuts at a grapheme boundary, so an accent or emoji is never split. */
function cutTitle(title: string): string {
  const graphemes = Array.from(segmenter.segment(title.trim()), (s) => s.segment);
  if (graphemes.length <= TITLE_IN_REASON) return graphemes.join("");
  return `${graphemes.slice(0, TITLE_IN_REASON - 1).join("").trimEnd()}…`;
}

/**
 * Boosts the candidates that resemble papers the channel voted for: for each candidate, the best
 * cosine similarity (TF-IDF over title, keywords and abstract, IDF over candidates ∪ liked) to any
 * liked paper, scaled to `maxBoost`. Candidates that are themselves liked, or below the threshold,
 * get no entry. Deterministic: ties between liked papers go to the smaller id.
 */
export function similarityBoosts(
  candidates: readonly Paper[],
  liked: readonly Paper[],
  options: SimilarityOptions,
): Map<PaperId, SimilarityBoost> {
  const boosts = new Map<PaperId, SimilarityBoost>();
  if (candidates.length === 0 || liked.length === 0 || options.maxBoost <= 0) return boosts;
  const minSimilarity = options.minSimilarity ?? 0.1;
  const likedIds = new Set(liked.map((p) => p.id));
  const docs = new Map<PaperId, { paper: Paper; counts: Vector }>();
  for (const paper of [...liked, ...candidates]) {
    if (!docs.has(paper.id)) docs.set(paper.id, { paper, counts: termCounts(paper) });
  }

  const documentFrequency = new Map<string, number>();
  for (const { counts } of docs.values()) {
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const n = docs.size;
  const vectorOf = (counts: Vector): { weights: Vector; norm: number } => {
    const weights: Vector = new Map();
    let sum = 0;
    for (const [term, tf] of counts) {
      // Smoothed IDF (never zero), so two papers alone still compare on what they share.
      const w = (1 + Math.log(tf)) * Math.log(1 + n / (documentFrequency.get(term) ?? 1));
      weights.set(term, w);
      sum += w * w;
    }
    return { weights, norm: Math.sqrt(sum) };
  };
  const vectors = new Map<PaperId, { weights: Vector; norm: number }>();
  for (const [id, { counts }] of docs) vectors.set(id, vectorOf(counts));

  const likedSorted = [...new Map(liked.map((p) => [p.id, p])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const candidate of candidates) {
    if (likedIds.has(candidate.id) || boosts.has(candidate.id)) continue;
    const cv = vectors.get(candidate.id);
    if (!cv || cv.norm === 0) continue;
    let best: { similarity: number; paper: Paper } | undefined;
    for (const paper of likedSorted) {
      const lv = vectors.get(paper.id);
      if (!lv || lv.norm === 0) continue;
      const [small, large] = cv.weights.size <= lv.weights.size ? [cv.weights, lv.weights] : [lv.weights, cv.weights];
      let dot = 0;
      for (const [term, w] of small) dot += w * (large.get(term) ?? 0);
      const similarity = dot / (cv.norm * lv.norm);
      if (!best || similarity > best.similarity) best = { similarity, paper };
    }
    if (best && best.similarity >= minSimilarity) {
      boosts.set(candidate.id, {
        score: options.maxBoost * Math.min(1, best.similarity),
        reason: `like "${cutTitle(best.paper.title)}", which you voted for`,
      });
    }
  }
  return boosts;
}

/** Factory form for composition roots that inject helpers: `createSimilarity().similarityBoosts(…)`. */
export function createSimilarity(): { similarityBoosts: typeof similarityBoosts } {
  return { similarityBoosts };
}
