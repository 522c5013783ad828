// The inverted index's contract: what a document holds, how a query term matches, what a ranking returns.

/**
 * A document's terms with their precomputed impact (field boosts × saturated term frequency), 0–255, plus
 * {@link IN_TITLE} when the term is in the title (autocomplete ranks title words only).
 */
export type DocTerms = ReadonlyMap<string, number>;

/** How a query term is matched: exactly, as a prefix (the word being typed) and/or with typos. */
export interface QueryTerm {
  readonly term: string;
  /** "always": completions are searched too (the word being typed); "unknown": only when the word itself is rare. */
  readonly prefix: boolean | "unknown";
  /** Maximum edit distance (0 = no typo tolerance). */
  readonly fuzzy: number;
  /** Other exact terms that count as this one (a joined compound, the abbreviation a phrase spells out), weighted. */
  readonly alternatives?: readonly { readonly term: string; readonly weight: number }[];
}

export interface RawHit {
  readonly key: string;
  readonly score: number;
}

export interface RankOptions {
  /**
   * true: only documents with every query term (strict AND). false: every document with any term, those
   * with more of the terms first, by score within the same number of terms.
   */
  readonly all: boolean;
  /** How many of the best documents to return. */
  readonly window: number;
  /** Exact terms whose documents are dropped. */
  readonly exclude?: readonly string[];
  /** Keeps a matching document only when this accepts its signature (`signatures[start .. start + length)`). */
  readonly accept?: (signatures: Uint8Array, start: number, length: number) => boolean;
  /** Only title words count (each posting says whether its term is in the document's title). */
  readonly titleOnly?: boolean;
  /** Bit i set: a document must have query term i (the words of a "quoted phrase"); terms past 32 are not checked. */
  readonly required?: number;
}

export interface Ranking {
  /** The best documents, best first (ties broken by indexing order), at most `window`. */
  readonly hits: RawHit[];
  /** How many documents matched in all (so the caller knows whether a wider window finds more). */
  readonly matched: number;
  /** True when the best document has every query term. */
  readonly all: boolean;
}

/** Added to a term's impact in {@link DocTerms} when the term is in the document's title. */
export const IN_TITLE = 256;

export interface InvertedIndex {
  /** Adds (or replaces) the document `key`, with an optional small signature for {@link RankOptions.accept}. */
  set(key: string, terms: DocTerms, signature?: Uint8Array): void;
  delete(key: string): boolean;
  has(key: string): boolean;
  readonly size: number;
  /**
   * Scores documents for the query terms: per query term the best of its expansions, summed over
   * terms, and returns the `window` best. Synchronous; keys (not internal numbers) are returned, so a
   * ranking stays valid while the index changes.
   */
  rank(terms: readonly QueryTerm[], options: RankOptions): Ranking;
  /** Packs postings added since the last call and drops those of deleted documents. */
  compact(): void;
}
