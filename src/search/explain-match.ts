// Why a search hit matched when its title does not say: the abstract's words around the match, else the field.
import type { ParsedQuery } from "../archive/search-index.js";
import { termSpans, type TermSpan } from "../archive/text-terms.js";
import { bold, text, type Inline } from "../messages/outbound-message.js";
import type { Paper } from "../papers/paper.js";

/** About this many characters of abstract are shown around the matched words. */
const FRAGMENT_CHARS = 160;
/** The fragment starts about this far before the first matched word it shows. */
const LEAD_CHARS = 40;
const MAX_NAMED = 3;

/** Which query words (their index in `parsed.terms`) a word's terms stand for. */
function wordMatcher(parsed: ParsedQuery): (terms: readonly string[]) => number[] {
  const last = parsed.terms.length - 1;
  const wanted = parsed.terms.map((term, i) => new Set([term, ...(parsed.alternatives[i] ?? [])]));
  return (terms) =>
    wanted.flatMap((set, i) =>
      terms.some((t) => set.has(t) || (i === last && t.startsWith(parsed.terms[last] as string))) ? [i] : [],
    );
}

const oneLine = (s: string): string => s.replace(/\s+/g, " ");

/** The window of the abstract that shows the most query words the title lacks, as runs with those words bold. */
function fragment(
  abstract: string,
  spans: readonly (TermSpan & { readonly words: readonly number[] })[],
  missing: (word: number) => boolean,
): Inline[] | undefined {
  let best = -1;
  let bestCount = 0;
  for (let i = 0; i < spans.length; i++) {
    if (!(spans[i] as { words: readonly number[] }).words.some(missing)) continue;
    const start = (spans[i] as TermSpan).start;
    const shown = new Set<number>();
    for (
      let j = i;
      j < spans.length && (spans[j] as TermSpan).end <= start + FRAGMENT_CHARS - LEAD_CHARS;
      j++
    )
      for (const w of (spans[j] as { words: readonly number[] }).words) if (missing(w)) shown.add(w);
    if (shown.size > bestCount) {
      best = i;
      bestCount = shown.size;
    }
  }
  if (best < 0) return undefined;
  const anchor = (spans[best] as TermSpan).start;
  const first = spans.findIndex((s) => s.start >= anchor - LEAD_CHARS);
  const from = (spans[first] as TermSpan).start;
  const runs: Inline[] = from > 0 ? [text("…")] : [];
  let at = from;
  let end = from;
  for (let j = first; j < spans.length && (spans[j] as TermSpan).end <= from + FRAGMENT_CHARS; j++) {
    const span = spans[j] as TermSpan & { words: readonly number[] };
    if (span.words.length === 0) continue;
    if (span.start > at) runs.push(text(oneLine(abstract.slice(at, span.start))));
    runs.push(bold(abstract.slice(span.start, span.end)));
    at = end = span.end;
  }
  // Run on to the last whole word inside the window.
  const last = spans.filter((s) => s.end <= from + FRAGMENT_CHARS).at(-1);
  if (last && last.end > end) runs.push(text(oneLine(abstract.slice(at, last.end))));
  const stop = Math.max(end, last?.end ?? end);
  const rest = abstract.slice(stop).trimEnd();
  // The abstract's closing punctuation is shown as it is; anything longer is left out with "…".
  if (/^[.!?)\]"'’”]*$/u.test(rest)) runs.push(...(rest === "" ? [] : [text(rest)]));
  else runs.push(text("…"));
  return runs;
}

/** "label: **a**, **b**" for the first few names or keywords that matched. */
function named(label: string, names: readonly string[]): Inline[] {
  const runs: Inline[] = [text(`${label}: `)];
  names.slice(0, MAX_NAMED).forEach((name, i) => {
    if (i > 0) runs.push(text(", "));
    runs.push(bold(oneLine(name)));
  });
  if (names.length > MAX_NAMED) runs.push(text(` +${String(names.length - MAX_NAMED)}`));
  return runs;
}

/**
 * Why `paper` matched `parsed`, when the title does not show it: the abstract's words around the query words
 * the title lacks (those words bold), else "matched keywords: …" or "matched author: …". Undefined when the
 * title holds every word, or when only a typo or prefix expansion matched (nothing to point at).
 */
export function explainMatch(paper: Paper, parsed: ParsedQuery): Inline[] | undefined {
  if (parsed.terms.length === 0) return undefined;
  const wordsOf = wordMatcher(parsed);
  const inTitle = new Set(termSpans(paper.title).flatMap((s) => wordsOf(s.terms)));
  if (parsed.terms.every((_, i) => inTitle.has(i))) return undefined;
  const missing = (word: number): boolean => !inTitle.has(word);

  const spans = termSpans(paper.abstract).map((s) => ({ ...s, words: wordsOf(s.terms) }));
  const fromAbstract = fragment(paper.abstract, spans, missing);
  if (fromAbstract) return fromAbstract;
  const matches = (value: string): boolean => termSpans(value).some((s) => wordsOf(s.terms).some(missing));
  const keywords = paper.aiKeywords.filter(matches);
  if (keywords.length > 0) return named("matched keywords", keywords);
  const authors = paper.authors.map((a) => a.name).filter(matches);
  if (authors.length > 0) return named(authors.length === 1 ? "matched author" : "matched authors", authors);
  return undefined;
}
