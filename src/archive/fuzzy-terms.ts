// Typo lookup over the index's sorted terms: a bounded Levenshtein scan, instead of a radix tree (ADR 0014).

/**
 * The Levenshtein distance of `a` and `b` when it is at most `max`, else `max + 1`. One reused row; a row
 * whose every cell already exceeds `max` ends the work early.
 */
export function boundedDistance(a: string, b: string, max: number, row: Int32Array): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  for (let j = 0; j <= lb; j++) row[j] = j;
  for (let i = 1; i <= la; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    let least = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const above = row[j] as number;
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      row[j] = value;
      diagonal = above;
      if (value < least) least = value;
    }
    if (least > max) return max + 1;
  }
  return row[lb] as number;
}

/**
 * How many of `term`'s characters `query` lacks, repeats counted (-1 when `term` is not ASCII), from
 * `counts`, `query`'s character counts, which are left as they were. With the length difference this bounds
 * the edit distance from below in O(length) (bag distance), so most terms skip the quadratic distance.
 */
function surplus(term: string, counts: Int16Array): number {
  let extra = 0;
  let i = 0;
  for (; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (c >= 128) break;
    counts[c] = (counts[c] as number) - 1;
    if (counts[c] < 0) extra++;
  }
  for (let k = 0; k < i; k++) {
    const c = term.charCodeAt(k);
    counts[c] = (counts[c] as number) + 1;
  }
  return i < term.length ? -1 : extra;
}

/** Every term of `terms` within `max` edits of `query` (the query itself excluded), with its distance. */
export function termsWithin(
  query: string,
  terms: Iterable<string>,
  max: number,
): { term: string; distance: number }[] {
  const row = new Int32Array(query.length + 1);
  const counts = new Int16Array(128);
  let ascii = true;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c >= 128) ascii = false;
    else counts[c] = (counts[c] as number) + 1;
  }
  const out: { term: string; distance: number }[] = [];
  for (const term of terms) {
    if (Math.abs(term.length - query.length) > max || term === query) continue;
    if (ascii) {
      // `extra` characters of the term are not in the query, which has `extra + Δlength` the term lacks.
      const extra = surplus(term, counts);
      if (extra >= 0 && Math.max(extra, extra + query.length - term.length) > max) continue;
    }
    const distance = boundedDistance(term, query, max, row);
    if (distance <= max) out.push({ term, distance });
  }
  return out;
}

/** Positions of `sorted` (a sorted term list) ordered by first character, then length: see {@link typoCandidates}. */
export function headLengthOrder(sorted: readonly string[]): Int32Array {
  const order = Int32Array.from(sorted.keys());
  // Within one first character the list is already contiguous; a stable sort by length keeps it so.
  return order.sort(
    (a, b) =>
      (sorted[a] as string).charCodeAt(0) - (sorted[b] as string).charCodeAt(0) ||
      (sorted[a] as string).length - (sorted[b] as string).length ||
      a - b,
  );
}

/**
 * The terms a typo of `query` can be (within `max` edits, first letter right or swapped with the second):
 * those starting with the query's first or second letter and at most `max` letters longer or shorter.
 */
export function typoCandidates(
  sorted: readonly string[],
  order: Int32Array,
  query: string,
  max: number,
): string[] {
  const out: string[] = [];
  const key = (i: number): [number, number] => {
    const term = sorted[order[i] as number] as string;
    return [term.charCodeAt(0), term.length];
  };
  for (const head of new Set([query.charCodeAt(0), query.charCodeAt(1)])) {
    if (Number.isNaN(head)) continue;
    const shortest = query.length - max;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const [h, length] = key(mid);
      if (h < head || (h === head && length < shortest)) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < order.length; i++) {
      const [h, length] = key(i);
      if (h !== head || length > query.length + max) break;
      out.push(sorted[order[i] as number] as string);
    }
  }
  return out;
}
