// The archive's full-text index over papers: query syntax ("phrases", -exclusions), field boosts, ranking.
import type { Paper, PaperId } from "../papers/paper.js";
import { queryTokens } from "../shared/tokenize.js";
import { createInvertedIndex } from "./inverted-index.js";
import { IN_TITLE } from "./index-types.js";
import type { QueryTerm, RawHit } from "./index-types.js";
import { mayContain, phraseProbe, phraseSignature, phraseWords } from "./phrase-signature.js";
import { foldText, indexTerms, queryWords, textTerms } from "./text-terms.js";

/** Field boosts: a title hit outranks a keyword hit, which outranks an author or abstract hit. */
export const FIELD_BOOSTS = { title: 4, aiKeywords: 2.5, authors: 1.5, abstract: 1 } as const;

const FIELDS = ["title", "abstract", "aiKeywords", "authors"] as const;
type Field = (typeof FIELDS)[number];

/** A `/papers` query split into its parts. */
export interface ParsedQuery {
  /** Words to search for (including the words of the phrases), folded and stemmed. */
  readonly terms: readonly string[];
  /** Per word of `terms`, the other index terms that count as it (joined compounds, abbreviations). */
  readonly alternatives: readonly (readonly string[])[];
  /** `"quoted phrases"`, folded and whitespace-normalised; each must appear in title, abstract or keywords. */
  readonly phrases: readonly string[];
  /** `-excluded` words, folded; a paper mentioning one is dropped. */
  readonly excluded: readonly string[];
  /** The query as plain text for an upstream search: terms and phrases, without quotes and exclusions. */
  readonly text: string;
}

/** Collapses a folded text to words separated by single spaces, so phrases compare across punctuation. */
function phraseForm(text: string): string {
  return ` ${phraseWords(foldText(text)).join(" ")} `;
}

/** The text phrases are looked for in: title, abstract and AI keywords. */
function phraseBody(paper: Paper): string {
  return [paper.title, paper.abstract, paper.aiKeywords.join(" ; ")].join(" ; ");
}

/** Parses `/papers` query syntax: words, `"quoted phrases"` and `-excluded` words. */
export function parseQuery(query: string): ParsedQuery {
  const phrases: string[] = [];
  const excluded: string[] = [];
  const plain: string[] = [];
  // In order, so "the last word" (the one being typed, searched as a prefix) stays last.
  for (const token of queryTokens(query)) {
    if (token.negated) {
      excluded.push(...textTerms(token.text));
    } else if (token.quoted) {
      const phrase = phraseForm(token.text).trim();
      if (phrase.length > 0) phrases.push(phrase);
      plain.push(token.text);
    } else if (token.text !== "") {
      plain.push(token.text);
    }
  }
  const text = plain.filter((p) => p.length > 0).join(" ");
  return { ...queryWords(text), phrases, excluded, text };
}

/** True when the paper satisfies the query's phrases and exclusions (the parts MiniSearch cannot express). */
export function matchesQueryFilters(paper: Paper, parsed: ParsedQuery): boolean {
  if (parsed.phrases.length === 0 && parsed.excluded.length === 0) return true;
  const body = phraseBody(paper);
  if (parsed.phrases.length > 0) {
    const haystack = phraseForm(body);
    if (!parsed.phrases.every((p) => haystack.includes(` ${p} `))) return false;
  }
  if (parsed.excluded.length > 0) {
    const words = new Set(indexTerms(`${body} ; ${paper.authors.map((a) => a.name).join(" ; ")}`));
    if (parsed.excluded.some((w) => words.has(w))) return false;
  }
  return true;
}

export interface IndexHit {
  readonly id: PaperId;
  readonly score: number;
}

export interface IndexSearchOptions {
  readonly limit: number;
  /** Keeps only the papers this returns true for (applied before the limit). */
  readonly filter?: (paper: Paper) => boolean;
}

/** The best-scored papers for a query, before phrase and caller filters (see {@link SearchIndex.rank}). */
export interface IndexRanking {
  readonly hits: readonly IndexHit[];
  /** How many papers matched in all; more than `hits.length` means a wider window finds more. */
  readonly matched: number;
  /** True when the best paper has every word of the query. */
  readonly all: boolean;
}

export interface SearchIndex {
  /** Adds papers; a paper already indexed is replaced. */
  add(papers: Iterable<Paper>): void;
  /** Upsert: the old copy of this paper leaves the index, the new one enters it. */
  replace(paper: Paper): void;
  /** Best matches first: papers with every word, then papers with most of the words (see {@link rank}). */
  search(query: string, options: IndexSearchOptions): IndexHit[];
  /**
   * The `window` best papers for the parsed query's words and exclusions, without checking its phrases
   * (the index keeps no text): for callers that load papers themselves and apply
   * {@link matchesQueryFilters}. Papers with every word come first, then those with most of the words,
   * by score (field boosts, BM25 saturation) within each; exclusions are strict.
   */
  rank(parsed: ParsedQuery, options: { window: number }): IndexRanking;
  /** Papers whose title has a word starting with every word of `prefix`, best first (autocomplete). */
  searchTitles(prefix: string, limit: number): IndexHit[];
  has(id: PaperId): boolean;
  readonly size: number;
  /** Packs what {@link SearchIndex.replace} added (add() does this itself); for bulk loads through replace(). */
  compact(): void;
}

export interface SearchIndexOptions {
  /**
   * Where {@link SearchIndex.search} reads a paper back for phrase and caller filters. Without it the
   * index keeps a map of what it was given (the same objects, not copies). An archive that keeps
   * papers out of memory passes nothing here and uses {@link SearchIndex.rank} instead.
   */
  readonly lookup?: (id: PaperId) => Paper | undefined;
}

/** At most this many candidates are read back to check phrases and filters (bounds a query's cost). */
export const MAX_CHECKED_CANDIDATES = 2_000;

// BM25-style saturation with fixed average field lengths (in terms), so a paper's impact does not
// depend on what else is indexed and an upsert touches only that paper.
const AVERAGE_LENGTH: Record<Field, number> = { title: 9, abstract: 130, aiKeywords: 16, authors: 10 };
const K1 = 1.2;
const B = 0.7;
/**
 * A joined compound or an abbreviation matched for a query word, against the word itself (1): more, because it
 * shows the words standing together ("self-supervised" beats "self-recover … supervised").
 */
const ALTERNATIVE_WEIGHT = 1.5;
/** Impact units per score point: the best possible paper (all four fields) stays under 255. */
const IMPACT_SCALE = 12;

function fieldText(paper: Paper, field: Field): string {
  switch (field) {
    case "title":
      return paper.title;
    case "abstract":
      return paper.abstract;
    case "aiKeywords":
      return paper.aiKeywords.join(" ; ");
    case "authors":
      return paper.authors.map((a) => a.name).join(" ; ");
  }
}

/**
 * A paper's index terms with their impact: Σ over fields of boost × saturated term frequency (at most 255),
 * plus IN_TITLE for the title's terms (autocomplete ranks by those alone).
 */
function docTerms(paper: Paper): Map<string, number> {
  const impact = new Map<string, number>();
  const inTitle = new Set<string>();
  for (const field of FIELDS) {
    const tf = new Map<string, number>();
    let length = 0;
    for (const term of indexTerms(fieldText(paper, field))) {
      tf.set(term, (tf.get(term) ?? 0) + 1);
      length++;
    }
    const norm = K1 * (1 - B + (B * length) / AVERAGE_LENGTH[field]);
    for (const [term, f] of tf) {
      if (field === "title") inTitle.add(term);
      const score = (FIELD_BOOSTS[field] * f * (K1 + 1)) / (f + norm);
      impact.set(term, (impact.get(term) ?? 0) + score * IMPACT_SCALE);
    }
  }
  for (const [term, v] of impact)
    impact.set(term, Math.min(255, Math.round(v)) | (inTitle.has(term) ? IN_TITLE : 0));
  return impact;
}

// Prefix for the word being typed (the last one), and for any other word of 3+ letters the index
// does not know; typo tolerance (one edit per 5 letters, at most 2) only for words of 4+ letters,
// where a typo is likelier than a word.
function toQueryTerms(
  terms: readonly string[],
  prefixAll: boolean,
  alternatives: readonly (readonly string[])[] = [],
): QueryTerm[] {
  return terms.map((term, i) => ({
    term,
    prefix: prefixAll || i === terms.length - 1 ? true : term.length >= 3 ? "unknown" : false,
    fuzzy: term.length >= 4 ? Math.min(2, Math.round(term.length * 0.2)) : 0,
    ...(alternatives[i]?.length
      ? { alternatives: alternatives[i].map((t) => ({ term: t, weight: ALTERNATIVE_WEIGHT })) }
      : {}),
  }));
}

/** Creates an empty full-text index; see {@link SearchIndex}. */
export function createSearchIndex(options: SearchIndexOptions = {}): SearchIndex {
  const own = options.lookup ? undefined : new Map<PaperId, Paper>();
  const lookup = options.lookup ?? ((id: PaperId) => own?.get(id));
  const full = createInvertedIndex();

  function upsert(paper: Paper): void {
    full.set(paper.id, docTerms(paper), phraseSignature(phraseWords(foldText(phraseBody(paper)))));
    own?.set(paper.id, paper);
  }

  const toHits = (raw: readonly RawHit[]): IndexHit[] =>
    raw.map((r) => ({ id: r.key as PaperId, score: r.score }));

  function rank(parsed: ParsedQuery, { window }: { window: number }): IndexRanking {
    if (parsed.terms.length === 0 || window <= 0) return { hits: [], matched: 0, all: false };
    const probe = phraseProbe(parsed.phrases);
    const accept =
      probe.length > 0
        ? (filters: Uint8Array, start: number, bytes: number) => mayContain(filters, start, bytes, probe)
        : undefined;
    // The words of a phrase are required: a paper without one cannot hold the phrase.
    const phraseTerms = new Set(parsed.phrases.flatMap(textTerms));
    const required = parsed.terms.reduce(
      (bits, t, i) => (i < 32 && phraseTerms.has(t) ? bits | (1 << i) : bits),
      0,
    );
    const ranking = full.rank(toQueryTerms(parsed.terms, false, parsed.alternatives), {
      all: false,
      required,
      window,
      exclude: parsed.excluded,
      ...(accept ? { accept } : {}),
    });
    return { hits: toHits(ranking.hits), matched: ranking.matched, all: ranking.all };
  }

  return {
    add(papers) {
      for (const paper of papers) upsert(paper);
      full.compact();
    },
    replace: upsert,
    rank,
    search(query, { limit, filter }) {
      const parsed = parseQuery(query);
      if (parsed.terms.length === 0 || limit <= 0) return [];
      const check = parsed.phrases.length > 0 || filter !== undefined;
      if (!check) return [...rank(parsed, { window: limit }).hits];
      const keep = (id: PaperId): boolean => {
        const paper = lookup(id);
        return !!paper && matchesQueryFilters(paper, parsed) && (!filter || filter(paper));
      };
      return filteredSearch(limit, (window) => rank(parsed, { window }), keep);
    },
    searchTitles(prefix, limit) {
      const terms = textTerms(prefix);
      if (terms.length === 0 || limit <= 0) return [];
      const query = toQueryTerms(terms, true).map((q) => ({ ...q, fuzzy: 0 }));
      const ranking = full.rank(query, { all: true, window: limit, titleOnly: true });
      return ranking.all ? toHits(ranking.hits) : [];
    },
    has: (id) => full.has(id),
    get size() {
      return full.size;
    },
    compact() {
      full.compact();
    },
  };
}

/**
 * Phrase and caller filters over a ranking: widens the window until `limit` papers pass, the
 * candidates run out or MAX_CHECKED_CANDIDATES were checked.
 */
function filteredSearch(
  limit: number,
  rankWith: (window: number) => IndexRanking,
  keep: (id: PaperId) => boolean,
): IndexHit[] {
  const out: IndexHit[] = [];
  let checked = 0;
  for (let window = limit * 4; ; window *= 4) {
    const ranking = rankWith(Math.min(window, MAX_CHECKED_CANDIDATES));
    for (; checked < ranking.hits.length && out.length < limit; checked++) {
      const hit = ranking.hits[checked] as IndexHit;
      if (keep(hit.id)) out.push(hit);
    }
    if (out.length >= limit || ranking.hits.length >= ranking.matched || window >= MAX_CHECKED_CANDIDATES)
      return out;
  }
}
