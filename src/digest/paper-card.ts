// Paper → PaperCard: the summary sentence, the author line, the date and the safe links a renderer shows.
import type { Inline, PaperCard, PaperCardLink } from "../messages/outbound-message.js";
import { capText } from "../messages/truncate.js";
import { paperLinks, type Paper } from "../papers/paper.js";
import { httpHref } from "../shared/http-url.js";

/** Summaries longer than this are cut at a word boundary with "…" (a content choice, not a platform limit). */
export const SUMMARY_MAX_CHARS = 300;
/** Names shown before "+N". */
export const AUTHORS_SHOWN = 3;

export interface PaperCardOptions {
  readonly teamVotes?: number;
  readonly reason?: string;
  readonly voteHint?: string;
  readonly matched?: readonly Inline[];
}


/** A GitHub repo as a URL: full http(s) URLs as they are, a bare "owner/repo" on github.com. */
export function githubUrl(repo: string | undefined): string | undefined {
  if (repo === undefined) return undefined;
  const bare = repo.trim();
  if (/^[\w.-]+\/[\w.-]+$/.test(bare)) return `https://github.com/${bare}`;
  return httpHref(bare);
}

/** 950 → "950", 1234 → "1.2k", 12_345 → "12k", 1_250_000 → "1.3M". */
export function formatCount(n: number): string {
  const value = Math.max(0, Math.round(n));
  const short = (x: number, unit: string): string => {
    const text = x < 10 ? x.toFixed(1).replace(/\.0$/, "") : String(Math.round(x));
    return `${text}${unit}`;
  };
  if (value < 1000) return String(value);
  if (value < 999_500) return short(value / 1000, "k");
  return short(value / 1_000_000, "M");
}

/** Words that end in a period without ending the sentence. */
const ABBREVIATIONS = new Set([
  "e.g",
  "i.e",
  "al",
  "vs",
  "cf",
  "etc",
  "approx",
  "resp",
  "fig",
  "figs",
  "eq",
  "eqs",
  "sec",
  "tab",
  "no",
  "nos",
  "vol",
  "dr",
  "mr",
  "mrs",
  "ms",
  "prof",
  "st",
  "inc",
  "ltd",
  "co",
  "viz",
  "ca",
  "ref",
  "refs",
  "pp",
  "p",
  "e",
  "i",
  "u.s",
  "w.r.t",
  "a.k.a",
  "et",
]);

/**
 * The first sentence of a text. A period ends a sentence only when whitespace and then a capital,
 * digit, quote or bracket follows, and not after an abbreviation ("e.g.", "et al.", "vs.") or an
 * initial ("R. Michael"); decimals such as "34.8%" never end one.
 */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const boundary = /[.!?]+["'”’)\]]*(?= )/g;
  for (let m = boundary.exec(flat); m !== null; m = boundary.exec(flat)) {
    const end = m.index + m[0].length;
    const next = flat.slice(end + 1, end + 2);
    if (!/[\p{Lu}\p{N}"“'‘([]/u.test(next)) continue;
    if (m[0].startsWith(".") && m[0].length === 1) {
      const before = /([\p{L}.]+)$/u.exec(flat.slice(0, m.index))?.[1] ?? "";
      const word = before.replace(/^\.+/, "").toLowerCase();
      if (ABBREVIATIONS.has(word)) continue;
      if (/^\p{Lu}$/u.test(before)) continue; // an initial: "R. Michael Alvarez"
    }
    return flat.slice(0, end);
  }
  return flat;
}

/** "A, B, C +530" for many authors, all names when three or fewer, "" when none. */
export function formatAuthors(authors: readonly { readonly name: string }[]): string {
  const names = authors.map((a) => a.name.replace(/\s+/g, " ").trim()).filter((n) => n !== "");
  const shown = names.slice(0, AUTHORS_SHOWN).join(", ");
  const rest = names.length - AUTHORS_SHOWN;
  return rest > 0 ? `${shown} +${String(rest)}` : shown;
}

/** The card's summary: Hugging Face's AI summary, else the abstract's first sentence; capped. */
export function summaryOf(paper: Pick<Paper, "aiSummary" | "abstract">): string {
  const ai = paper.aiSummary?.replace(/\s+/g, " ").trim();
  return capText(ai !== undefined && ai !== "" ? ai : firstSentence(paper.abstract), SUMMARY_MAX_CHARS);
}

function dateOf(paper: Paper): string | undefined {
  const raw = paper.dailyDate ?? paper.publishedAt;
  return raw !== undefined && /^\d{4}-\d{2}-\d{2}/.test(raw) ? raw.slice(0, 10) : undefined;
}

/** The paper's links in display order; only absolute http(s) URLs ever become links. */
export function cardLinks(paper: Paper): PaperCardLink[] {
  const base = paperLinks(paper);
  const links: PaperCardLink[] = [
    { kind: "huggingFace", label: "Hugging Face", url: base.huggingFace },
    { kind: "arxiv", label: "arXiv", url: base.arxiv },
    { kind: "pdf", label: "PDF", url: base.pdf },
  ];
  const code = githubUrl(paper.githubRepo);
  if (code !== undefined) {
    const stars =
      paper.githubStars !== undefined && paper.githubStars > 0 ? ` ★ ${formatCount(paper.githubStars)}` : "";
    links.push({ kind: "code", label: `Code${stars}`, url: code });
  }
  const project = httpHref(paper.projectPage);
  if (project !== undefined) links.push({ kind: "project", label: "Project page", url: project });
  return links.filter((link) => httpHref(link.url) !== undefined);
}

// The option-free part of a card per Paper object: a batch shared by thousands of digests is turned into
// cards once. Papers are immutable values, so a card built from one never goes out of date.
const baseCards = new WeakMap<Paper, PaperCard>();

/** Everything a renderer needs to show one paper; text stays plain, renderers escape it. */
export function toPaperCard(paper: Paper, options: PaperCardOptions = {}): PaperCard {
  let base = baseCards.get(paper);
  if (!base) {
    base = baseCard(paper);
    baseCards.set(paper, base);
  }
  return {
    ...base,
    ...(options.teamVotes !== undefined && options.teamVotes > 0 ? { teamVotes: options.teamVotes } : {}),
    ...(options.reason !== undefined && options.reason !== "" ? { reason: options.reason } : {}),
    ...(options.voteHint !== undefined ? { voteHint: options.voteHint } : {}),
    ...(options.matched !== undefined && options.matched.length > 0 ? { matched: options.matched } : {}),
  };
}

function baseCard(paper: Paper): PaperCard {
  const date = dateOf(paper);
  const thumbnail = httpHref(paper.thumbnail);
  const organization = paper.organization?.trim();
  return {
    id: paper.id,
    title: paper.title.replace(/\s+/g, " ").trim(),
    url: paperLinks(paper).huggingFace,
    summary: summaryOf(paper),
    authors: formatAuthors(paper.authors),
    ...(organization !== undefined && organization !== "" ? { organization } : {}),
    ...(date !== undefined ? { date } : {}),
    upvotes: paper.upvotes,
    ...(paper.githubStars !== undefined ? { githubStars: paper.githubStars } : {}),
    links: cardLinks(paper),
    ...(thumbnail !== undefined ? { thumbnail } : {}),
  };
}
