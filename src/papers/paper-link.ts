// Paper links in text: the hosts whose URLs carry an arXiv id in their path, and the id each one names.
// @see https://info.arxiv.org/help/arxiv_identifier.html (new 2401.01234[vN], old hep-th/9901001[vN])
import { toPaperId, type PaperId } from "./paper.js";
import { parseHttpUrl } from "../shared/http-url.js";

/** One paper link found in text: the URL exactly as written (Slack keys unfurls by it) and the paper it names. */
export interface PaperLink {
  readonly url: string;
  readonly id: PaperId;
}

// new-style 2401.01234 or old-style hep-th/9901001 (archive, optional .XX subject class, 7 digits), then vN.
const ID = String.raw`(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?`;

/**
 * Hosts and path prefixes that put the arXiv id right after the prefix. Pages that name papers by a slug
 * (paperswithcode.com/paper/<slug>, openreview.net) carry no id and are not listed.
 */
const LINK_PATTERNS: readonly RegExp[] = [
  // arxiv.org abstract, PDF and HTML pages, also through export.arxiv.org and the old www. host.
  new RegExp(String.raw`^(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/${ID}(?:\.pdf)?\/?$`),
  // Hugging Face's paper page.
  new RegExp(String.raw`^huggingface\.co\/papers\/${ID}\/?$`),
  // alphaXiv's discussion pages.
  new RegExp(String.raw`^(?:www\.)?alphaxiv\.org\/(?:abs|overview|pdf)\/${ID}\/?$`),
  // ar5iv's HTML renderings.
  new RegExp(String.raw`^(?:ar5iv\.labs\.arxiv\.org|ar5iv\.org)\/(?:html|abs)\/${ID}\/?$`),
  // Semantic Scholar resolves arXiv ids under /arxiv/.
  new RegExp(String.raw`^(?:www\.)?semanticscholar\.org\/arxiv\/${ID}\/?$`),
];

/** The paper an http(s) URL names, when its host and path are one of the known paper pages; else undefined. */
export function paperIdOfUrl(raw: string): PaperId | undefined {
  const url = parseHttpUrl(raw);
  if (url === undefined) return undefined;
  if (url.username !== "" || url.password !== "" || url.port !== "") return undefined;
  const path = `${url.hostname.toLowerCase()}${decodeURIComponentSafe(url.pathname)}`;
  for (const pattern of LINK_PATTERNS) {
    const id = pattern.exec(path)?.[1];
    if (id !== undefined) return toPaperId(id);
  }
  return undefined;
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * A command argument that names one paper and nothing else: an arXiv id (`2401.01234v2`, `arXiv:2401.01234`,
 * `hep-th/9901001`) or a paper link. Surrounding `<…>` (how Slack and Discord wrap a pasted URL) are dropped.
 */
export function paperReference(argument: string): PaperId | undefined {
  const text = argument.trim().replace(/^<([^<>|]+)(?:\|[^<>]*)?>$/, "$1");
  if (/\s/.test(text) || text === "") return undefined;
  if (/^https?:\/\//i.test(text)) return paperIdOfUrl(text);
  return toPaperId(text);
}

// URLs as they appear in chat text: bare, in Slack's <url|label> / Discord's <url> wrapping, or in markdown's [..](..).
// Stops at whitespace, angle and square brackets, parentheses, pipes and quotes (no paper page has them in its path);
// trailing punctuation of the sentence is trimmed afterwards.
const URL_IN_TEXT = /https?:\/\/[^\s<>|"'`[\]()]+/gi;
/** How many paper links one message may turn into cards. */
export const MAX_LINKS_PER_MESSAGE = 3;

/**
 * The paper links in a piece of chat text, in order, one per paper, at most MAX_LINKS_PER_MESSAGE. Every paper URL
 * counts, a markdown link's text as well as its target: the card shows paperboy's own links to the paper, never the
 * message's. The text around links is never read for anything else.
 */
export function findPaperLinks(text: string): PaperLink[] {
  const found: PaperLink[] = [];
  const seen = new Set<PaperId>();
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(/[.,;:!?]+$/, "");
    const id = paperIdOfUrl(url);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    found.push({ url, id });
    if (found.length === MAX_LINKS_PER_MESSAGE) break;
  }
  return found;
}
