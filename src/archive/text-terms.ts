// Text → search terms, the same on the index and the query side: folding, words, stop words, plurals, compounds.
import { COMPOUND_FIRST_WORDS, spelledOut, stem } from "./vocabulary.js";

/**
 * Words too common to help ranking. Dropping them at index and query time keeps the index small
 * (they would sit in almost every abstract's posting list) and "a survey of the ..." fast.
 */
const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can do does for from had has have how in into is it its of on or our " +
    "so such than that the their them these they this those to via was we were what when where which while who " +
    "why will with without you your"
  ).split(" "),
);

const COMBINING_MARKS = /\p{M}+/gu;
/** Separators between words; hyphens and apostrophes stay inside a token so processTerm can see them. */
const SEPARATOR = /[^\p{L}\p{N}'’-]+/u;

/** Lower-cases and strips diacritics: "Schrödinger" → "schrodinger". */
export function foldText(text: string): string {
  // Most text is ASCII; NFKD normalisation is by far the slowest step, so skip it when it cannot matter.
  return ASCII.test(text)
    ? text.toLowerCase()
    : text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
}
const ASCII = /^[\t\n\r\x20-\x7e]*$/;

/** Splits text into raw tokens (hyphenated words and contractions still whole, not yet folded). */
export function splitWords(text: string): string[] {
  // Plain ASCII (most titles and abstracts) takes a cheaper regex than the Unicode-aware split.
  if (ASCII.test(text)) return text.match(ASCII_WORD) ?? [];
  return text.split(SEPARATOR).filter((t) => t.length > 0);
}
const ASCII_WORD = /[A-Za-z0-9'-]+/g;
const JOINERS = /['’-]/;

const JOINERS_SPLIT = /['’-]+/;

/** A folded token's words, split at hyphens and apostrophes ("self-supervised" → self, supervised). */
export function tokenWords(token: string): string[] {
  return JOINERS.test(token) ? token.split(JOINERS_SPLIT).filter((p) => p.length > 0) : [token];
}

/**
 * Index-side terms of a text, one entry per occurrence (for term frequencies): every word stemmed, stop words
 * dropped; a two-word hyphenated token also as one joined word ("selfsupervised"; longer ones such as
 * "state-of-the-art" are not joined: nobody types "stateoftheart"); a spaced compound after a
 * {@link COMPOUND_FIRST_WORDS} word joined too ("fine tuning" → "finetuning"); and the abbreviation of every
 * expansion spelled out ("large language models" → "llm").
 */
export function indexTerms(text: string): string[] {
  const out: string[] = [];
  const sequence: string[] = [];
  let previous = "";
  for (const token of splitWords(foldText(text))) {
    const words = tokenWords(token);
    if (words.length === 0) continue;
    const first = words[0] as string;
    if (COMPOUND_FIRST_WORDS.has(previous) && !STOPWORDS.has(first)) out.push(stem(previous + first));
    for (const word of words) {
      const stemmed = stem(word);
      sequence.push(stemmed);
      if (!STOPWORDS.has(word)) out.push(stemmed);
    }
    if (words.length === 2) out.push(stem(words.join("")));
    previous = words[words.length - 1] as string;
  }
  for (const { key } of spelledOut(sequence)) out.push(stem(key));
  return out;
}

/** The searchable words of a text, folded, split at hyphens, stemmed, stop words dropped. */
export function textTerms(text: string): string[] {
  return splitWords(foldText(text)).flatMap((token) =>
    tokenWords(token)
      .filter((w) => !STOPWORDS.has(w))
      .map(stem),
  );
}

/**
 * A query's words, each with the other terms that count as it: the joined form of a hyphenated or spaced
 * pair ("self supervised" → "selfsupervised") and the abbreviation of an expansion the query spells out.
 */
export function queryWords(text: string): { terms: string[]; alternatives: string[][] } {
  const terms: string[] = [];
  const alternatives: Set<string>[] = [];
  const sequence: string[] = [];
  /** For each word of `sequence`, its position in `terms` (-1 for a stop word). */
  const position: number[] = [];
  let previous: { word: string; at: number } | undefined;
  for (const token of splitWords(foldText(text))) {
    const words = tokenWords(token);
    const joined = words.length === 2 ? stem(words.join("")) : undefined;
    words.forEach((word, i) => {
      sequence.push(stem(word));
      if (STOPWORDS.has(word)) {
        position.push(-1);
        previous = undefined;
        return;
      }
      position.push(terms.length);
      terms.push(stem(word));
      const own = new Set<string>(joined ? [joined] : []);
      alternatives.push(own);
      if (i === 0 && previous) {
        const pair = stem(previous.word + word);
        own.add(pair);
        alternatives[previous.at]?.add(pair);
      }
      previous = { word, at: terms.length - 1 };
    });
  }
  for (const { key, start, end } of spelledOut(sequence))
    for (let i = start; i < end; i++) alternatives[position[i] as number]?.add(stem(key));
  return {
    terms,
    alternatives: alternatives.map((set, i) => [...set].filter((t) => t !== terms[i])),
  };
}

/** A word of a text with where it stands and the index terms it yields (for showing why a paper matched). */
export interface TermSpan {
  readonly start: number;
  readonly end: number;
  readonly terms: readonly string[];
}

const WORD = /[\p{L}\p{N}]+(?:['’-]+[\p{L}\p{N}]+)*/gu;

/**
 * The words of `text` with their offsets and terms: the token's stemmed words, its joined form, and the
 * abbreviation of an expansion it is part of ("large language models" → each word also carries "llm").
 */
export function termSpans(text: string): TermSpan[] {
  const spans: { start: number; end: number; terms: string[] }[] = [];
  const sequence: string[] = [];
  /** For each word of `sequence`, the span it belongs to. */
  const owner: number[] = [];
  for (const match of text.matchAll(WORD)) {
    const words = tokenWords(foldText(match[0]));
    const terms = words.map(stem);
    if (words.length === 2) terms.push(stem(words.join("")));
    for (const word of words) {
      sequence.push(stem(word));
      owner.push(spans.length);
    }
    spans.push({ start: match.index, end: match.index + match[0].length, terms });
  }
  for (const { key, start, end } of spelledOut(sequence))
    for (let i = start; i < end; i++) spans[owner[i] as number]?.terms.push(stem(key));
  return spans;
}
