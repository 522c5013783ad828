// A compact inverted index: sorted terms for prefix and typo lookup, int32 postings, bounded top-k scoring.
import { headLengthOrder, termsWithin, typoCandidates } from "./fuzzy-terms.js";
import { IN_TITLE, type InvertedIndex, type QueryTerm, type RankOptions } from "./index-types.js";
import { createDocSignatures } from "./doc-signatures.js";
import { bestOf } from "./top-k.js";

// Why not MiniSearch's own document index: it keeps a Map<doc, freq> per term and field and builds a
// result object per matching document, which at 100,000 papers costs ~800 MB and 100+ ms for a common
// word. Here one posting is one int32 ((docNo << 9) | inTitle << 8 | impact), all terms' postings back to back in one
// typed array (a term is a range of it), so 100,000 papers take ~50 MB in a handful of allocations (many
// small growing arrays fragment the C heap and keep RSS high), and a query walks that array with
// per-document scratch arrays stamped per query (never cleared).

/** A term number: its postings are postings[offsets[t] .. offsets[t + 1]) plus pending[t]. */
type Term = number;

const MAX_PREFIX_EXPANSIONS = 48;
const MAX_FUZZY_EXPANSIONS = 16;
/** Prefix and typo expansions of one query term read at most this many postings per indexed document. */
const POSTINGS_BUDGET = 0.6;
/** A word in at least this many documents is taken as meant, not as a typo. */
const KNOWN_WORD_DF = 3;
const PREFIX_WEIGHT = 0.55;
/** Ranking key: documents with more query terms first, then by score (scores stay far below this). */
const PER_TERM = 1e7;
const FUZZY_WEIGHT = [1, 0.4, 0.2] as const;
const MAX_DOCS = 1 << 22;
/**
 * Pending postings live in plain arrays (8 bytes each); packing them every million keeps that small
 * during a bulk load, at the cost of re-copying the packed array (~0.1 s in all for 100,000 papers).
 */
const PENDING_LIMIT = 1_000_000;

// Exempt from the function-length limit (listed in the README): one closure over the typed arrays the hot query path
// reads (postings, offsets, per-document scratch), measured as the search bench's engine (docs/adr/0008). Its types,
// signatures (doc-signatures.ts), top-k selection (top-k.ts) and typo lookup (fuzzy-terms.ts) live beside it.
// eslint-disable-next-line max-lines-per-function
export function createInvertedIndex(): InvertedIndex {
  const dict = new Map<string, Term>();
  let termCount = 0;
  // Prefix lookup: every term sorted (a prefix is a range found by binary search), plus the terms
  // added since the last compaction, scanned. Cheaper than walking the radix tree's subtree.
  let sortedTerms: string[] = [];
  let recentTerms: string[] = [];
  /** sortedTerms by first letter and length, for typo candidates. */
  let typoOrder: Int32Array = new Int32Array(0);
  /** Compacted postings of every term, sorted by term then docNo. */
  let postings = new Int32Array(0);
  /** offsets[t] .. offsets[t + 1] is term t's range in `postings` (terms up to the last compaction). */
  let offsets = new Int32Array(1);
  /** Postings added since the last compaction, per term (plain arrays: they come and go on the JS heap). */
  let pending: (number[] | undefined)[] = [];
  const keys: (string | undefined)[] = [];
  const docNoOf = new Map<string, number>();
  let dead = 0;
  let pendingTail = 0;
  // Per-document scratch, stamped with the query number so nothing is cleared between queries.
  let queryNo = 0;
  let alive = new Uint8Array(1024);
  let docQuery = new Uint32Array(1024);
  let docTerm = new Uint8Array(1024);
  let hits = new Uint8Array(1024);
  let termBits = new Uint32Array(1024);
  let best = new Float32Array(1024);
  let total = new Float32Array(1024);
  let excluded = new Uint32Array(1024);
  let touched = new Int32Array(1024);
  const signatures = createDocSignatures();

  function grow(): void {
    if (keys.length <= alive.length) return;
    const size = Math.max(keys.length, alive.length * 2);
    const next = new Uint8Array(size);
    next.set(alive);
    alive = next;
    docQuery = new Uint32Array(size);
    docTerm = new Uint8Array(size);
    hits = new Uint8Array(size);
    termBits = new Uint32Array(size);
    best = new Float32Array(size);
    total = new Float32Array(size);
    excluded = new Uint32Array(size);
    touched = new Int32Array(size);
    signatures.grow(size);
    queryNo = 0;
  }

  function remove(key: string): boolean {
    const docNo = docNoOf.get(key);
    if (docNo === undefined) return false;
    keys[docNo] = undefined;
    alive[docNo] = 0;
    docNoOf.delete(key);
    dead++;
    return true;
  }

  const packedDf = (t: Term): number =>
    t + 1 < offsets.length ? (offsets[t + 1] as number) - (offsets[t] as number) : 0;
  const df = (t: Term): number => packedDf(t) + (pending[t]?.length ?? 0);

  /**
   * The postings a query term reads, with weights. Work is bounded: prefix and typo expansions stop
   * once they would read more than POSTINGS_BUDGET × documents postings, and typo expansions are
   * skipped for a word the index knows well (a known word is seldom a typo) and for a prefix that
   * has completions (a word being typed is not a typo yet).
   */
  function expansions(q: QueryTerm): [Term, number][] {
    const out: [Term, number][] = [];
    const exact = dict.get(q.term);
    if (exact !== undefined && df(exact) > 0) out.push([exact, 1]);
    const seen = new Set<string>([q.term]);
    for (const { term, weight } of q.alternatives ?? []) {
      const no = dict.get(term);
      if (no === undefined || seen.has(term) || df(no) === 0) continue;
      seen.add(term);
      out.push([no, weight]);
    }
    let budget = Math.max(10_000, POSTINGS_BUDGET * docNoOf.size);
    const known = exact !== undefined && df(exact) >= KNOWN_WORD_DF;
    let completions = 0;
    if (q.prefix === true || (q.prefix === "unknown" && !known)) {
      const found: [string, Term][] = [];
      for (const term of withPrefix(q.term)) {
        const no = dict.get(term) as Term;
        if (!seen.has(term) && df(no) > 0) found.push([term, no]);
      }
      found.sort((a, b) => df(b[1]) - df(a[1]) || (a[0] < b[0] ? -1 : 1));
      for (const [term, no] of found.slice(0, MAX_PREFIX_EXPANSIONS)) {
        if (df(no) > budget) continue;
        budget -= df(no);
        seen.add(term);
        completions++;
        // A longer completion is a weaker match for what was typed.
        out.push([no, PREFIX_WEIGHT * Math.sqrt(q.term.length / term.length)]);
      }
    }
    if (q.fuzzy > 0 && !known && completions === 0) {
      // Typos after the first letter, and a swap of the first two: the terms starting with either of the
      // word's first two letters are scanned (a radix tree would find first-letter typos too, at 30 MB).
      const candidates = typoCandidates(sortedTerms, typoOrder, q.term, q.fuzzy);
      const found = termsWithin(q.term, candidates.concat(recentTerms), q.fuzzy)
        .filter(({ term }) => !seen.has(term))
        .map(({ term, distance }) => [term, dict.get(term) as Term, distance] as const)
        .filter(([, no]) => df(no) > 0);
      found.sort((a, b) => a[2] - b[2] || df(b[1]) - df(a[1]) || (a[0] < b[0] ? -1 : 1));
      for (const [, no, distance] of found.slice(0, MAX_FUZZY_EXPANSIONS)) {
        if (df(no) > budget) continue;
        budget -= df(no);
        out.push([no, FUZZY_WEIGHT[Math.min(distance, 2)] ?? 0.2]);
      }
    }
    return out;
  }

  /** Every known term starting with `prefix` (the term itself included). */
  function withPrefix(prefix: string): string[] {
    let lo = 0;
    let hi = sortedTerms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sortedTerms[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < sortedTerms.length && (sortedTerms[i] as string).startsWith(prefix); i++)
      out.push(sortedTerms[i] as string);
    for (const term of recentTerms) if (term.startsWith(prefix)) out.push(term);
    return out;
  }

  /** Merges the recently added terms into the sorted list. */
  function sortTerms(): void {
    if (recentTerms.length === 0) return;
    const recent = recentTerms.sort();
    const merged: string[] = new Array<string>(sortedTerms.length + recent.length);
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < sortedTerms.length || j < recent.length) {
      const a = sortedTerms[i];
      const b = recent[j];
      if (b === undefined || (a !== undefined && a < b)) merged[n++] = sortedTerms[i++] as string;
      else merged[n++] = recent[j++] as string;
    }
    sortedTerms = merged;
    recentTerms = [];
    typoOrder = headLengthOrder(sortedTerms);
  }

  /** Packs pending postings into the one array, drops deleted documents and renumbers the live ones. */
  function compact(): void {
    sortTerms();
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
    if (dead > 0) signatures.renumber(renumber);
    alive.fill(0);
    alive.fill(1, 0, live);
    const renumbered = dead > 0;
    const nextOffsets = new Int32Array(termCount + 1);
    let size = 0;
    for (let t = 0; t < termCount; t++) {
      nextOffsets[t] = size;
      if (!renumbered) {
        size += df(t);
        continue;
      }
      for (let i = offsets[t] ?? 0, end = i + packedDf(t); i < end; i++)
        if ((renumber[(postings[i] as number) >>> 9] as number) >= 0) size++;
      for (const v of pending[t] ?? []) if ((renumber[v >>> 9] as number) >= 0) size++;
    }
    nextOffsets[termCount] = size;
    const next = new Int32Array(size);
    let n = 0;
    for (let t = 0; t < termCount; t++) {
      const start = offsets[t] ?? 0;
      const end = start + packedDf(t);
      if (!renumbered) {
        next.set(postings.subarray(start, end), n);
        n += end - start;
        for (const v of pending[t] ?? []) next[n++] = v;
        continue;
      }
      for (let i = start; i < end; i++) {
        const v = postings[i] as number;
        const to = renumber[v >>> 9] as number;
        if (to >= 0) next[n++] = (to << 9) | (v & 511);
      }
      for (const v of pending[t] ?? []) {
        const to = renumber[v >>> 9] as number;
        if (to >= 0) next[n++] = (to << 9) | (v & 511);
      }
    }
    postings = next;
    offsets = nextOffsets;
    pending = [];
    pendingTail = 0;
    dead = 0;
  }

  /** Adds one term's postings to the query's accumulators; `t` numbers the query term from 1. */
  function scoreTerm(q: QueryTerm, t: number, qn: number, count: number, titleOnly: boolean): number {
    const n = docNoOf.size;
    const bit = t <= 32 ? 1 << (t - 1) : 0;
    for (const [postingsOf, weight] of expansions(q)) {
      const d = df(postingsOf);
      const w = (weight * Math.log(1 + (n - d + 0.5) / (d + 0.5))) / 16;
      const start = offsets[postingsOf] ?? 0;
      const end = start + packedDf(postingsOf);
      const extra = pending[postingsOf];
      const extraLength = extra?.length ?? 0;
      for (let i = start, last = end + extraLength; i < last; i++) {
        const v = i < end ? (postings[i] as number) : ((extra as number[])[i - end] as number);
        const doc = v >>> 9;
        if (alive[doc] === 0 || (titleOnly && (v & IN_TITLE) === 0)) continue;
        const s = w * (v & 255);
        if (docQuery[doc] !== qn) {
          docQuery[doc] = qn;
          docTerm[doc] = t;
          best[doc] = s;
          total[doc] = s;
          hits[doc] = 1;
          termBits[doc] = bit;
          touched[count++] = doc;
        } else if (docTerm[doc] !== t) {
          docTerm[doc] = t;
          best[doc] = s;
          total[doc] = (total[doc] as number) + s;
          hits[doc] = (hits[doc] as number) + 1;
          termBits[doc] = (termBits[doc] as number) | bit;
        } else if (s > (best[doc] as number)) {
          total[doc] = (total[doc] as number) + s - (best[doc] as number);
          best[doc] = s;
        }
      }
    }
    return count;
  }

  function markExcluded(terms: readonly string[], qn: number): void {
    for (const term of terms) {
      const t = dict.get(term);
      if (t === undefined) continue;
      for (let i = offsets[t] ?? 0, end = i + packedDf(t); i < end; i++)
        excluded[(postings[i] as number) >>> 9] = qn;
      for (const v of pending[t] ?? []) excluded[v >>> 9] = qn;
    }
  }

  /** The ranking key of a touched document: how many query terms it has, then its score. */
  const keyOf = (doc: number): number => (hits[doc] as number) * PER_TERM + (total[doc] as number);

  /** The `k` best of the touched documents with at least `need` term hits, not excluded, with every required term. */
  function topK(
    count: number,
    need: number,
    qn: number,
    k: number,
    accept: RankOptions["accept"],
    required: number,
  ): { docs: number[]; matched: number } {
    const keep = (doc: number): boolean =>
      (hits[doc] as number) >= need &&
      excluded[doc] !== qn &&
      ((termBits[doc] as number) & required) === required &&
      (accept === undefined || signatures.accepts(doc, accept));
    return bestOf(touched, count, k, keep, keyOf);
  }

  return {
    set(key, terms, signature) {
      remove(key);
      const docNo = keys.length;
      if (docNo >= MAX_DOCS) throw new RangeError("the search index holds at most 4,194,304 documents");
      keys.push(key);
      docNoOf.set(key, docNo);
      grow();
      alive[docNo] = 1;
      signatures.put(docNo, signature);
      for (const [term, impact] of terms) {
        let t = dict.get(term);
        if (t === undefined) {
          t = termCount++;
          // A long token can be a slice of the whole abstract it came from: keep a copy, not the abstract.
          const own = term.length >= 13 ? (JSON.parse(JSON.stringify(term)) as string) : term;
          dict.set(own, t);
          recentTerms.push(own);
        }
        const list = pending[t];
        const value = (docNo << 9) | (impact & IN_TITLE) | Math.max(1, Math.min(255, impact & 255));
        if (list) list.push(value);
        else pending[t] = [value];
      }
      pendingTail += terms.size;
      // Amortised: pack when the unpacked tails or the dead documents outgrow a share of the index.
      if (pendingTail > PENDING_LIMIT || dead > Math.max(1_000, docNoOf.size / 5)) compact();
    },
    delete: remove,
    has: (key) => docNoOf.has(key),
    get size() {
      return docNoOf.size;
    },

    rank(terms, { all, window, exclude = [], accept, titleOnly = false, required = 0 }) {
      if (terms.length === 0 || window <= 0) return { hits: [], matched: 0, all };
      if (++queryNo >= 0xffffffff) {
        docQuery.fill(0);
        excluded.fill(0);
        queryNo = 1;
      }
      const qn = queryNo;
      let count = 0;
      const used = terms.slice(0, 255);
      used.forEach((q, i) => (count = scoreTerm(q, i + 1, qn, count, titleOnly)));
      markExcluded(exclude, qn);
      const top = topK(count, all ? used.length : 1, qn, window, accept, required);
      const first = top.docs[0];
      return {
        hits: top.docs.map((doc) => ({ key: keys[doc] as string, score: total[doc] as number })),
        matched: top.matched,
        all: first !== undefined && hits[first] === used.length,
      };
    },

    compact,
  };
}
