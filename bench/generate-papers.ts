// Deterministic synthetic papers and /papers queries for the search benchmark (seeded PRNG, Zipf-distributed words).
import { readdirSync, readFileSync } from "node:fs";
import { toPaperId } from "../src/papers/paper.js";
import type { Paper, PaperAuthor } from "../src/papers/paper.js";

/** mulberry32: a tiny seeded PRNG, so every run generates the same corpus. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXTURE_DIR = new URL("../../shared/fixtures/hf/", import.meta.url);

/** Words and keyword phrases of the recorded Hugging Face fixtures (empty when ../shared is absent). */
function fixtureVocabulary(): { words: string[]; keywords: string[] } {
  const words = new Set<string>();
  const keywords = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return { words: [], keywords: [] };
  }
  for (const file of files) {
    const items = JSON.parse(readFileSync(new URL(file, FIXTURE_DIR), "utf8")) as {
      paper?: { title?: string; summary?: string; ai_keywords?: string[] };
    }[];
    for (const item of items) {
      for (const k of item.paper?.ai_keywords ?? []) keywords.add(k);
      const text = `${item.paper?.title ?? ""} ${item.paper?.summary ?? ""} ${(item.paper?.ai_keywords ?? []).join(" ")}`;
      for (const w of text.toLowerCase().split(/[^a-z0-9-]+/)) {
        if (w.length >= 3 && !/^\d+$/.test(w) && !FUNCTION_WORDS.includes(w)) words.add(w);
      }
    }
  }
  return { words: [...words].sort(), keywords: [...keywords].sort() };
}

const FUNCTION_WORDS = [
  "the",
  "of",
  "and",
  "a",
  "to",
  "in",
  "we",
  "for",
  "that",
  "with",
  "on",
  "is",
  "by",
  "our",
  "as",
  "this",
  "from",
  "are",
  "an",
  "which",
];
const ROOTS = (
  "token graph vision diffus embed quant align reason agent memory retriev attent transform decod encod sampl " +
  "prun distill adapt optim regular schedul segment detect track render synthes predict classif cluster generat " +
  "reward policy plann search verif calibr robust privacy federat contrast augment compress spars latent " +
  "tempor spati causal bayes kernel manifold spectr convolut recurr stochast variat hierarch modular " +
  "multimod speech audio video motion scene depth pose point mesh voxel neur symbol program logic math " +
  "code tool web browse chat dialog instruct prompt context benchmark dataset evaluat align safet toxic bias fair"
).split(" ");
const SUFFIXES = [
  "",
  "s",
  "er",
  "ers",
  "ing",
  "ed",
  "ation",
  "ations",
  "ive",
  "ity",
  "al",
  "ally",
  "ization",
  "or",
  "ors",
  "ness",
  "ism",
  "able",
  "ment",
  "ments",
];
const PREFIXES = [
  "",
  "",
  "",
  "multi",
  "cross",
  "self",
  "meta",
  "hyper",
  "semi",
  "pre",
  "post",
  "co",
  "sub",
  "inter",
  "intra",
  "non",
  "re",
];
const FIRST = (
  "Ana Bo Chen Dmitri Elif Fatima Gabriel Hana Ivan Jun Kofi Lena Mateo Nadia Omar Priya Qiang Rafal Sofia Tomás " +
  "Uma Viktor Wei Xin Yara Zoë Aarav Björn Chloé Diego Emre Farah Hiro José Kenji Lucía Maël Noor Olga Paulo"
).split(" ");
const LAST = (
  "Casanova Kocielnik Alvarez Wang Li Zhang Müller García Novák Okafor Tanaka Kim Nguyen Rossi Dubois Kowalski " +
  "Silva Haddad Petrov Singh Yilmaz Andersson Costa Ibrahim Jensen Schmidt Lefèvre Moreau Hoffmann Park Suzuki " +
  "Chatterjee Ferreira Ivanova Nakamura Larsen Romero Bianchi Fischer Gómez Ortega Sato Ahmed Khan Rahman"
).split(" ");

export interface Corpus {
  readonly papers: Paper[];
  readonly queries: string[];
  readonly vocabularySize: number;
}

/** Builds ~5,000 words: the fixtures' words first, then prefix+root+suffix compounds. */
function buildVocabulary(random: () => number, seedWords: readonly string[]): string[] {
  const vocab = new Set<string>(seedWords);
  while (vocab.size < 5_000) {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    vocab.add(`${pick(PREFIXES)}${pick(ROOTS)}${pick(SUFFIXES)}`);
  }
  // Shuffle deterministically, so Zipf ranks mix fixture words and compounds.
  const words = [...vocab].slice(0, 5_000);
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [words[i], words[j]] = [words[j] as string, words[i] as string];
  }
  return words;
}

/** Samples ranks with probability ∝ 1/(rank+8): a few words are everywhere, most are rare, as in real text. */
function zipfSampler(size: number, random: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let r = 0; r < size; r++) cumulative[r] = total += 1 / (r + 8);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Generates `count` papers and 1,000 queries, identical for identical seeds. Without `fixtureWords` the words
 * are only the made-up compounds (no word, keyword or name of the recorded papers): noise for a quality check.
 */
export function generateCorpus(count: number, seed = 20260612, fixtureWords = true): Corpus {
  const random = createRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const fixture = fixtureWords ? fixtureVocabulary() : { words: [], keywords: [] };
  const vocab = buildVocabulary(random, fixture.words);
  const rank = zipfSampler(vocab.length, random);
  const word = (): string => vocab[rank()] as string;
  const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

  const papers: Paper[] = [];
  for (let i = 0; i < count; i++) {
    const titleWords = Array.from({ length: int(6, 14) }, () =>
      random() < 0.2 ? pick(FUNCTION_WORDS) : word(),
    );
    const title =
      random() < 0.3
        ? `${capital(word())}: ${titleWords.map(capital).join(" ")}`
        : titleWords.map(capital).join(" ");
    const sentences: string[] = [];
    let words = 0;
    // ~140 words, ~1,300 characters on average: the length of real arXiv abstracts.
    const target = int(105, 177);
    while (words < target) {
      const n = int(12, 25);
      const s = Array.from({ length: n }, () => (random() < 0.35 ? pick(FUNCTION_WORDS) : word()));
      sentences.push(`${capital(s.join(" "))}.`);
      words += n;
    }
    const aiKeywords = Array.from({ length: int(5, 12) }, () =>
      random() < 0.3 && fixture.keywords.length > 0
        ? pick(fixture.keywords)
        : Array.from({ length: int(1, 3) }, word).join(random() < 0.2 ? "-" : " "),
    );
    const authors: PaperAuthor[] = Array.from({ length: int(3, 8) }, () => ({
      name: `${pick(FIRST)} ${pick(LAST)}`,
    }));
    const month = 1 + (i % 12);
    const id = toPaperId(
      `${24 + (Math.floor(i / 99_999) % 3)}${String(month).padStart(2, "0")}.${String(i % 99_999).padStart(5, "0")}`,
    );
    if (!id) throw new Error("generated an invalid arXiv id");
    papers.push({
      id,
      title,
      abstract: sentences.join(" "),
      aiKeywords,
      authors,
      upvotes: Math.floor(-Math.log(1 - random()) * 8),
      comments: int(0, 5),
    });
  }
  return { papers, queries: generateQueries(papers, random, word), vocabularySize: vocab.length };
}

/** 1,000 varied queries: words, pairs, prefixes, typos, phrases, exclusions, author names. */
function generateQueries(papers: readonly Paper[], random: () => number, word: () => string): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const titleWords = (): string[] => pick(papers).title.toLowerCase().replace(/:/g, "").split(" ");
  const typo = (w: string): string => {
    if (w.length < 5) return w;
    const i = 1 + Math.floor(random() * (w.length - 2));
    return random() < 0.5
      ? w.slice(0, i) + w.slice(i + 1)
      : w.slice(0, i) + (w[i + 1] ?? "") + (w[i] ?? "") + w.slice(i + 2);
  };
  const kinds = [
    () => word(),
    () => `${word()} ${word()}`,
    () => {
      const ws = titleWords().filter((w) => w.length > 3);
      return ws.slice(0, 2).join(" ") || word();
    },
    () => word().slice(0, 3 + Math.floor(random() * 4)),
    () => typo(word()),
    () => {
      const ws = titleWords();
      const i = Math.floor(random() * Math.max(1, ws.length - 1));
      return `"${ws.slice(i, i + 2).join(" ")}"`;
    },
    () => `${word()} -${word()}`,
    () => pick(pick(papers).authors).name.split(" ").pop() ?? "",
    () => pick(pick(papers).authors).name,
    () => `${word()} ${word()} ${word().slice(0, 4)}`,
  ];
  return Array.from({ length: 1_000 }, (_, i) => (kinds[i % kinds.length] as () => string)());
}
