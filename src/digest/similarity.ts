// "Like a paper you voted for": TF-IDF cosine similarity between digest candidates and the channel's liked papers.
import { textTerms } from "../archive/text-terms.js";
import { capText } from "../messages/truncate.js";
import type { Paper, PaperId } from "../papers/paper.js";

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

// Term counts (read-only once built) per Paper object, and per id while the text is the same: a batch
// shared by many channels is tokenised once, and so is a liked paper read afresh from the store per digest.
const countsOf = new WeakMap<Paper, Vector>();
const countsById = new Map<PaperId, { readonly paper: Paper; readonly counts: Vector }>();
const COUNTS_BY_ID_MAX = 5_000;

const sameText = (a: Paper, b: Paper): boolean =>
  a.title === b.title &&
  a.abstract === b.abstract &&
  a.aiKeywords.length === b.aiKeywords.length &&
  a.aiKeywords.every((k, i) => k === b.aiKeywords[i]);

function termCounts(paper: Paper): Vector {
  const cached = countsOf.get(paper);
  if (cached) return cached;
  const known = countsById.get(paper.id);
  if (known && sameText(known.paper, paper)) {
    countsOf.set(paper, known.counts);
    return known.counts;
  }
  const counts: Vector = new Map();
  const addAll = (text: string, weight: number): void => {
    for (const term of textTerms(text)) counts.set(term, (counts.get(term) ?? 0) + weight);
  };
  addAll(paper.title, FIELD_WEIGHT.title);
  addAll(paper.aiKeywords.join(" ; "), FIELD_WEIGHT.keywords);
  addAll(paper.abstract, FIELD_WEIGHT.abstract);
  countsOf.set(paper, counts);
  if (countsById.size >= COUNTS_BY_ID_MAX) countsById.clear();
  countsById.set(paper.id, { paper, counts });
  return counts;
}

/** A term's weight in one document before IDF: 1 + ln(tf). */
const tfWeight = (tf: number): number => 1 + Math.log(tf);
/** Smoothed IDF (never zero), so two papers alone still compare on what they share. */
const idf = (n: number, df: number): number => Math.log(1 + n / df);

/** What a candidate batch costs to tokenise and index, done once per batch array (it is shared by many channels). */
interface PreparedBatch {
  /** Candidate documents by id (first copy wins), in batch order. */
  readonly docs: Map<PaperId, Vector>;
  /** Document frequency over the candidates alone. */
  readonly df: Map<string, number>;
  /** term → the candidates holding it, with their 1 + ln(tf). */
  readonly postings: Map<string, { readonly id: PaperId; readonly w: number }[]>;
  /** Squared candidate norms with `df` alone, per corpus size n. */
  readonly normsByN: Map<number, Map<PaperId, number>>;
}
const preparedBatches = new WeakMap<readonly Paper[], PreparedBatch>();

function prepare(candidates: readonly Paper[]): PreparedBatch {
  const cached = preparedBatches.get(candidates);
  if (cached) return cached;
  const docs = new Map<PaperId, Vector>();
  for (const paper of candidates) if (!docs.has(paper.id)) docs.set(paper.id, termCounts(paper));
  const df = new Map<string, number>();
  const postings = new Map<string, { id: PaperId; w: number }[]>();
  for (const [id, counts] of docs) {
    for (const [term, tf] of counts) {
      df.set(term, (df.get(term) ?? 0) + 1);
      const list = postings.get(term);
      if (list) list.push({ id, w: tfWeight(tf) });
      else postings.set(term, [{ id, w: tfWeight(tf) }]);
    }
  }
  const batch: PreparedBatch = { docs, df, postings, normsByN: new Map() };
  preparedBatches.set(candidates, batch);
  return batch;
}

function baseNorms(batch: PreparedBatch, n: number): Map<PaperId, number> {
  let norms = batch.normsByN.get(n);
  if (!norms) {
    norms = new Map();
    for (const [id, counts] of batch.docs) {
      let sum = 0;
      for (const [term, tf] of counts) {
        const w = tfWeight(tf) * idf(n, batch.df.get(term) ?? 1);
        sum += w * w;
      }
      norms.set(id, sum);
    }
    batch.normsByN.set(n, norms);
  }
  return norms;
}

/**
 * Boosts the candidates that resemble papers the channel voted for: for each candidate, the best
 * cosine similarity (TF-IDF over title, keywords and abstract, IDF over candidates ∪ liked) to any
 * liked paper, scaled to `maxBoost`. Candidates that are themselves liked, or below the threshold,
 * get no entry. Deterministic: ties between liked papers go to the smaller id.
 * The candidate batch is tokenised and indexed once per array object, so thousands of channels
 * scoring the same batch only pay for their own liked papers.
 */
export function similarityBoosts(
  candidates: readonly Paper[],
  liked: readonly Paper[],
  options: SimilarityOptions,
): Map<PaperId, SimilarityBoost> {
  const boosts = new Map<PaperId, SimilarityBoost>();
  if (candidates.length === 0 || liked.length === 0 || options.maxBoost <= 0) return boosts;
  const minSimilarity = options.minSimilarity ?? 0.1;
  const batch = prepare(candidates);

  // The corpus is candidates ∪ liked by id; a liked copy stands in for a candidate with the same id.
  const likedDocs = new Map<PaperId, { paper: Paper; counts: Vector }>();
  for (const paper of liked)
    if (!likedDocs.has(paper.id)) likedDocs.set(paper.id, { paper, counts: termCounts(paper) });
  const dfDelta = new Map<string, number>();
  let n = batch.docs.size;
  for (const [id, { counts }] of likedDocs) {
    const replaced = batch.docs.get(id);
    if (replaced) for (const term of replaced.keys()) dfDelta.set(term, (dfDelta.get(term) ?? 0) - 1);
    else n++;
    for (const term of counts.keys()) dfDelta.set(term, (dfDelta.get(term) ?? 0) + 1);
  }
  const dfOf = (term: string): number => (batch.df.get(term) ?? 0) + (dfDelta.get(term) ?? 0) || 1;

  // Candidate norms: the batch's, corrected for the terms whose document frequency the liked papers change.
  const norms = new Map(baseNorms(batch, n));
  for (const [term, delta] of dfDelta) {
    if (delta === 0) continue;
    const before = idf(n, batch.df.get(term) ?? 1);
    const after = idf(n, dfOf(term));
    for (const { id, w } of batch.postings.get(term) ?? []) {
      norms.set(id, (norms.get(id) ?? 0) + (w * after) ** 2 - (w * before) ** 2);
    }
  }

  // Dot products through the postings of each liked paper's terms; liked papers by id (ties → smaller id).
  const likedSorted = [...likedDocs.values()].sort((a, b) => (a.paper.id < b.paper.id ? -1 : 1));
  const best = new Map<PaperId, { similarity: number; paper: Paper }>();
  for (const { paper, counts } of likedSorted) {
    const dots = new Map<PaperId, number>();
    let likedSum = 0;
    for (const [term, tf] of counts) {
      const termIdf = idf(n, dfOf(term));
      const lw = tfWeight(tf) * termIdf;
      likedSum += lw * lw;
      for (const { id, w } of batch.postings.get(term) ?? [])
        dots.set(id, (dots.get(id) ?? 0) + w * termIdf * lw);
    }
    const likedNorm = Math.sqrt(likedSum);
    if (likedNorm === 0) continue;
    for (const [id, dot] of dots) {
      const candidateNorm = Math.sqrt(Math.max(0, norms.get(id) ?? 0));
      if (candidateNorm === 0) continue;
      const similarity = dot / (candidateNorm * likedNorm);
      const current = best.get(id);
      if (!current || similarity > current.similarity) best.set(id, { similarity, paper });
    }
  }

  for (const candidate of candidates) {
    if (likedDocs.has(candidate.id) || boosts.has(candidate.id)) continue;
    const found = best.get(candidate.id);
    if (found && found.similarity >= minSimilarity) {
      boosts.set(candidate.id, {
        score: options.maxBoost * Math.min(1, found.similarity),
        reason: `like "${capText(found.paper.title.trim(), TITLE_IN_REASON)}", which you voted for`,
      });
    }
  }
  return boosts;
}
