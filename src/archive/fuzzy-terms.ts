// Typo lookup over the index's sorted terms: a bounded Levenshtein scan, instead of a radix tree (ADR 0012).

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

/** Every term of `terms` within `max` edits of `query` (the query itself excluded), with its distance. */
export function termsWithin(
  query: string,
  terms: Iterable<string>,
  max: number,
): { term: string; distance: number }[] {
  const row = new Int32Array(query.length + 1);
  const out: { term: string; distance: number }[] = [];
  for (const term of terms) {
    if (Math.abs(term.length - query.length) > max || term === query) continue;
    const distance = boundedDistance(term, query, max, row);
    if (distance <= max) out.push({ term, distance });
  }
  return out;
}
