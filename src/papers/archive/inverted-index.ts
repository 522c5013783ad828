// A compact inverted index: MiniSearch's radix tree for terms (prefix, fuzzy), packed postings and top-k scoring.
import SearchableMap from "minisearch/SearchableMap";

// Why not MiniSearch's own document index: it keeps a Map<doc, freq> per term and field and builds a
// result object per matching document, which at 100,000 papers costs ~800 MB and 100+ ms for a common
// word. Here one posting is one int32 ((docNo << 8) | impact), so 100,000 papers fit in ~70 MB and a
// query only touches typed arrays.

/** A document's terms with their precomputed impact (field boosts × saturated term frequency), 0–255. */
export type DocTerms = ReadonlyMap<string, number>;

/** How a query term is matched: exactly, as a prefix (the word being typed) and/or with typos. */
export interface QueryTerm {
  readonly term: string;
  readonly prefix: boolean;
  /** Maximum edit distance (0 = no typo tolerance). */
  readonly fuzzy: number;
}

export interface RawHit {
  readonly key: string;
  readonly score: number;
}

interface Postings {
  /** Compacted postings (sorted by docNo). */
  packed: Int32Array;
  /** Postings added since the last compaction. */
  tail: number[];
}

const EMPTY = new Int32Array(0);
const MAX_PREFIX_EXPANSIONS = 48;
const MAX_FUZZY_EXPANSIONS = 16;
/** Expansions of one query term read at most this many postings per indexed document. */
const POSTINGS_BUDGET = 1.5;
/** A word in at least this many documents is taken as meant, not as a typo. */
const KNOWN_WORD_DF = 3;
const PREFIX_WEIGHT = 0.55;
const FUZZY_WEIGHT = [1, 0.4, 0.2] as const;

export interface InvertedIndex {
  /** Adds (or replaces) the document `key`. */
  set(key: string, terms: DocTerms): void;
  delete(key: string): boolean;
  has(key: string): boolean;
  readonly size: number;
  /**
   * Scores documents for the query terms: per query term the best of its expansions, summed over
   * terms. `all` requires every query term to match. Returns matches best first, at most `limit`
   * passing `keep` (which is only called on the best candidates, in order).
   */
  search(terms: readonly QueryTerm[], options: { all: boolean; limit: number; exclude?: readonly string[]; keep?: (key: string) => boolean }): RawHit[];
  /** Packs postings added since the last call and drops those of deleted documents. */
  compact(): void;
}

export function createInvertedIndex(): InvertedIndex {
  const dict = new SearchableMap<Postings>();
  const keys: (string | undefined)[] = [];
  const docNoOf = new Map<string, number>();
  let dead = 0;
  let pendingTail = 0;
  let packedTotal = 0;
  // Scratch arrays reused by every search (search is synchronous, so never shared between calls).
  let total = new Float64Array(1024);
  let best = new Float64Array(1024);
  let hitCount = new Uint8Array(1024);

  function grow(): void {
    if (keys.length <= total.length) return;
    const size = Math.max(keys.length, total.length * 2);
    total = new Float64Array(size);
    best = new Float64Array(size);
    hitCount = new Uint8Array(size);
  }

  function remove(key: string): boolean {
    const docNo = docNoOf.get(key);
    if (docNo === undefined) return false;
    keys[docNo] = undefined;
    docNoOf.delete(key);
    dead++;
    return true;
  }

  /**
   * The postings a query term reads, with weights. Work is bounded: prefix and typo expansions stop
   * once they would read more than POSTINGS_BUDGET × documents postings, and typo expansions are
   * skipped for a word the index knows well (a known word is seldom a typo).
   */
  function expansions(q: QueryTerm): [Postings, number][] {
    const out: [Postings, number][] = [];
    const seen = new Set<string>([q.term]);
    const exact = dict.get(q.term);
    if (exact) out.push([exact, 1]);
    let budget = Math.max(20_000, POSTINGS_BUDGET * docNoOf.size);
    if (q.prefix) {
      const found: [string, Postings][] = [];
      for (const [term, postings] of dict.atPrefix(q.term)) if (!seen.has(term)) found.push([term, postings]);
      found.sort((a, b) => df(b[1]) - df(a[1]) || (a[0] < b[0] ? -1 : 1));
      for (const [term, postings] of found.slice(0, MAX_PREFIX_EXPANSIONS)) {
        if (df(postings) > budget) continue;
        budget -= df(postings);
        seen.add(term);
        // A longer completion is a weaker match for what was typed.
        out.push([postings, PREFIX_WEIGHT * Math.sqrt(q.term.length / term.length)]);
      }
    }
    if (q.fuzzy > 0 && (!exact || df(exact) < KNOWN_WORD_DF)) {
      const found = [...dict.fuzzyGet(q.term, q.fuzzy)].filter(([term]) => !seen.has(term));
      found.sort((a, b) => a[1][1] - b[1][1] || df(b[1][0]) - df(a[1][0]) || (a[0] < b[0] ? -1 : 1));
      for (const [, [postings, distance]] of found.slice(0, MAX_FUZZY_EXPANSIONS)) {
        if (df(postings) > budget) continue;
        budget -= df(postings);
        out.push([postings, FUZZY_WEIGHT[Math.min(distance, 2)] ?? 0.2]);
      }
    }
    return out;
  }

  const df = (p: Postings): number => p.packed.length + p.tail.length;

  /** Packs tails into exact-size typed arrays, drops deleted documents and renumbers the live ones. */
  function compact(): void {
    if (pendingTail === 0 && dead === 0) return;
    const renumber = new Int32Array(keys.length).fill(-1);
    let live = 0;
    for (let docNo = 0; docNo < keys.length; docNo++) {
      const key = keys[docNo];
      if (key === undefined) continue;
      renumber[docNo] = live;
      keys[live] = key;
      docNoOf.set(key, live++);
    }
    keys.length = live;
    packedTotal = 0;
    for (const [, postings] of dict) {
      const merged = new Int32Array(postings.packed.length + postings.tail.length);
      let n = 0;
      for (const list of [postings.packed, postings.tail]) {
        for (const v of list) {
          const to = renumber[v >>> 8] ?? -1;
          if (to >= 0) merged[n++] = (to << 8) | (v & 255);
        }
      }
      postings.packed = n === merged.length ? merged : merged.slice(0, n);
      postings.tail = [];
      packedTotal += n;
    }
    pendingTail = 0;
    dead = 0;
  }

  function scoreTerm(q: QueryTerm, touched: number[]): void {
    const n = docNoOf.size;
    const termTouched: number[] = [];
    for (const [postings, weight] of expansions(q)) {
      const d = df(postings);
      const w = (weight * Math.log(1 + (n - d + 0.5) / (d + 0.5))) / 16;
      for (const list of [postings.packed, postings.tail]) {
        for (let i = 0; i < list.length; i++) {
          const v = list[i] ?? 0;
          const docNo = v >>> 8;
          if (keys[docNo] === undefined) continue;
          const s = w * (v & 255);
          const prev = best[docNo] ?? 0;
          if (prev === 0) termTouched.push(docNo);
          if (s > prev) best[docNo] = s;
        }
      }
    }
    for (const docNo of termTouched) {
      if ((hitCount[docNo] ?? 0) === 0) touched.push(docNo);
      total[docNo] = (total[docNo] ?? 0) + (best[docNo] ?? 0);
      hitCount[docNo] = (hitCount[docNo] ?? 0) + 1;
      best[docNo] = 0;
    }
  }

  return {
    set(key, terms) {
      remove(key);
      const docNo = keys.length;
      if (docNo >= 1 << 23) throw new RangeError("the search index holds at most 8,388,608 documents");
      keys.push(key);
      docNoOf.set(key, docNo);
      for (const [term, impact] of terms) {
        dict.fetch(term, () => ({ packed: EMPTY, tail: [] })).tail.push((docNo << 8) | Math.max(1, Math.min(255, impact)));
        pendingTail++;
      }
      grow();
      // Amortised: pack when the unpacked tail or the dead documents outgrow a share of the index.
      if (pendingTail > Math.max(100_000, packedTotal / 4) || dead > Math.max(1_000, docNoOf.size / 5)) compact();
    },
    delete: remove,
    has: (key) => docNoOf.has(key),
    get size() {
      return docNoOf.size;
    },

    search(terms, { all, limit, exclude = [], keep }) {
      if (terms.length === 0 || limit <= 0) return [];
      const touched: number[] = [];
      for (const q of terms) scoreTerm(q, touched);
      const need = all ? Math.min(terms.length, 255) : 1;
      const excluded = new Set<number>();
      for (const term of exclude) {
        const postings = dict.get(term);
        if (!postings) continue;
        for (const list of [postings.packed, postings.tail]) for (const v of list) excluded.add(v >>> 8);
      }
      const candidates: number[] = [];
      for (const docNo of touched) {
        if ((hitCount[docNo] ?? 0) >= need && !excluded.has(docNo)) candidates.push(docNo);
      }
      const byScore = (a: number, b: number): number => (total[b] ?? 0) - (total[a] ?? 0) || compareKeys(keys[a], keys[b]);
      const out: RawHit[] = [];
      // Rank only as many candidates as needed: a top-k window that widens when `keep` rejects some.
      let window = keep ? limit * 4 : limit;
      let from = 0;
      let ranked: number[] = [];
      while (out.length < limit && from < candidates.length) {
        ranked = topK(candidates, Math.min(candidates.length, window), byScore);
        for (let i = from; i < ranked.length && out.length < limit; i++) {
          const docNo = ranked[i] ?? 0;
          const key = keys[docNo];
          if (key !== undefined && (!keep || keep(key))) out.push({ key, score: total[docNo] ?? 0 });
        }
        from = ranked.length;
        if (ranked.length >= candidates.length) break;
        window *= 4;
      }
      for (const docNo of touched) {
        total[docNo] = 0;
        hitCount[docNo] = 0;
      }
      return out;
    },

    compact,
  };
}

function compareKeys(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}

/** The k best items in order, without sorting the whole list when it is much longer than k. */
function topK(items: readonly number[], k: number, compare: (a: number, b: number) => number): number[] {
  if (items.length <= k * 8 || items.length < 256) return [...items].sort(compare).slice(0, k);
  // Keep a sorted window of size k; most items fail the comparison with the window's worst and cost O(1).
  const window = items.slice(0, k).sort(compare);
  for (let i = k; i < items.length; i++) {
    const item = items[i] ?? 0;
    if (compare(item, window[k - 1] ?? 0) >= 0) continue;
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(item, window[mid] ?? 0) < 0) hi = mid;
      else lo = mid + 1;
    }
    window.splice(lo, 0, item);
    window.pop();
  }
  return window;
}
