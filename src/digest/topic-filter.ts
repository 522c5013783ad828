// Topic filters: parse `diffusion "world model" -survey`, match papers against it, describe it in words.
import type { Paper } from "../papers/paper.js";
import { queryTokens } from "../shared/tokenize.js";
import type { TopicFilter } from "./digest-types.js";

/** The filter that matches every paper. */
export const EMPTY_TOPIC: TopicFilter = { words: [], phrases: [], excluded: [] };

/** Connectives people type out of habit; as words they would match almost every abstract. */
const CONNECTIVES = new Set(["OR", "AND", "|", "||", "&&"]);
/** Punctuation trimmed from the ends of a bare word ("diffusion," → "diffusion"). */
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}+#]+$/gu;

/**
 * Lower-case, strip diacritics ("Gödel" → "godel"), turn dashes, slashes and underscores into spaces
 * and collapse whitespace, so "Self-Supervised" and "self supervised" compare equal.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[-‐‑‒–—―_/\\]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Parses topic text: bare words (any of them may match), "quoted phrases" (all must match), and
 * `-word` / `-"phrase"` exclusions (none may match). Smart quotes count as quotes; an unclosed quote
 * runs to the end of the text. Never throws.
 */
export function parseTopic(text: string): TopicFilter {
  const words: string[] = [];
  const phrases: string[] = [];
  const excluded: string[] = [];
  for (const token of queryTokens(text)) {
    if (token.quoted) {
      if (normalizeForMatch(token.text) !== "") pushUnique(token.negated ? excluded : phrases, token.text);
      continue;
    }
    if (!token.negated && CONNECTIVES.has(token.text)) continue;
    const word = token.text.replace(EDGE_PUNCTUATION, "");
    if (normalizeForMatch(word) === "") continue;
    pushUnique(token.negated ? excluded : words, word);
  }
  return { words, phrases, excluded };
}

function pushUnique(list: string[], value: string): void {
  const key = normalizeForMatch(value);
  if (!list.some((existing) => normalizeForMatch(existing) === key)) list.push(value);
}

export function isEmptyTopic(filter: TopicFilter): boolean {
  return filter.words.length === 0 && filter.phrases.length === 0 && filter.excluded.length === 0;
}

/** The text a paper is matched on: title, abstract and Hugging Face's AI keywords. */
function haystackOf(paper: Pick<Paper, "title" | "abstract" | "aiKeywords">): string {
  return normalizeForMatch([paper.title, paper.abstract, ...paper.aiKeywords].join(" \n "));
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * A word matches at word boundaries, so "rl" does not match "world"; a plural "s"/"es" is allowed
 * after words of three or more letters, so "agent" matches "agents".
 */
function containsWord(haystack: string, word: string): boolean {
  const needle = normalizeForMatch(word);
  if (needle === "") return false;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (isWordChar(haystack[at - 1])) continue;
    const end = at + needle.length;
    if (!isWordChar(haystack[end])) return true;
    if (needle.length >= 3) {
      if (haystack[end] === "s" && !isWordChar(haystack[end + 1])) return true;
      if (haystack.startsWith("es", end) && !isWordChar(haystack[end + 2])) return true;
    }
  }
  return false;
}

function containsPhrase(haystack: string, phrase: string): boolean {
  const needle = normalizeForMatch(phrase);
  return needle !== "" && haystack.includes(needle);
}

/** An excluded entry is a phrase when it has a space, else a word. */
function containsTerm(haystack: string, term: string): boolean {
  return normalizeForMatch(term).includes(" ")
    ? containsPhrase(haystack, term)
    : containsWord(haystack, term);
}

/**
 * True when the paper matches: any one of the words (when there are words), every phrase, and none of
 * the exclusions. Case- and diacritics-insensitive. The empty filter matches every paper.
 */
export function matchesTopic(
  paper: Pick<Paper, "title" | "abstract" | "aiKeywords">,
  filter: TopicFilter,
): boolean {
  if (isEmptyTopic(filter)) return true;
  const haystack = haystackOf(paper);
  if (filter.words.length > 0 && !filter.words.some((w) => containsWord(haystack, w))) return false;
  if (!filter.phrases.every((p) => containsPhrase(haystack, p))) return false;
  return !filter.excluded.some((x) => containsTerm(haystack, x));
}

const quote = (s: string): string => `“${s}”`;

/** Human text for settings: `any of diffusion, transformer; with “world model”; not survey`. */
export function describeTopic(filter: TopicFilter): string {
  if (isEmptyTopic(filter)) return "all papers";
  const parts: string[] = [];
  if (filter.words.length === 1) parts.push(filter.words[0] ?? "");
  else if (filter.words.length > 1) parts.push(`any of ${filter.words.join(", ")}`);
  if (filter.phrases.length > 0) parts.push(`with ${filter.phrases.map(quote).join(" and ")}`);
  if (filter.excluded.length > 0) {
    parts.push(`not ${filter.excluded.map((x) => (x.includes(" ") ? quote(x) : x)).join(", ")}`);
  }
  return parts.join("; ");
}

/** The filter back as query text that `parseTopic` reads to an equal filter. */
export function formatTopic(filter: TopicFilter): string {
  const q = (s: string): string => `"${s}"`;
  return [
    ...filter.words,
    ...filter.phrases.map(q),
    ...filter.excluded.map((x) => `-${x.includes(" ") ? q(x) : x}`),
  ].join(" ");
}
