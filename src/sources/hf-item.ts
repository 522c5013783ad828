// Hugging Face papers JSON → Paper: zod schemas for Daily Papers and search items, validated item by item.
// @see PLATFORMS.md §2.4 and §2.6 — the schema drifted 2024→2026, so only paper.id and paper.title are required.
import { z } from "zod";
import { toPaperId, type Paper, type PaperAuthor } from "../papers/paper.js";
import { httpHref } from "../shared/http-url.js";

/** An optional field that is ignored (not fatal) when it has the wrong type. */
const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const nonNegative = loose(z.number().nonnegative());
const text = loose(z.string());

const OrganizationSchema = z.object({ name: text, fullname: text });

const AuthorSchema = z.object({ name: text, hidden: loose(z.boolean()) });

/** The `paper` object of an item, and the whole body of `GET /api/papers/{id}`. */
export const HfPaperSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  summary: text,
  authors: loose(z.array(AuthorSchema.catch({ name: undefined, hidden: undefined }))),
  publishedAt: text,
  submittedOnDailyAt: text,
  upvotes: nonNegative,
  ai_summary: text,
  ai_keywords: loose(z.array(z.string())),
  githubRepo: text,
  githubStars: nonNegative,
  projectPage: text,
  organization: loose(OrganizationSchema),
});

/** One element of `/api/daily_papers` (has submittedBy) or `/api/papers/search` (has highlightedTitle). */
export const HfItemSchema = z.object({
  paper: HfPaperSchema,
  title: text,
  summary: text,
  thumbnail: text,
  numComments: nonNegative,
  organization: loose(OrganizationSchema),
});

export type HfPaper = z.infer<typeof HfPaperSchema>;
export type HfItem = z.infer<typeof HfItemSchema>;

/** Collapses runs of whitespace (arXiv titles and abstracts carry hard line breaks) and trims. */
export function collapseWhitespace(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}


function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const collapsed = collapseWhitespace(value);
  return collapsed === "" ? undefined : collapsed;
}

/** "2026-06-12T00:00:00.000Z" → "2026-06-12": the label is a New York date stored as midnight UTC. */
function dailyDateOf(value: string | undefined): string | undefined {
  const m = value ? /^(\d{4}-\d{2}-\d{2})T/.exec(value) : null;
  return m?.[1];
}

function isoInstant(value: string | undefined): string | undefined {
  if (!value || Number.isNaN(Date.parse(value))) return undefined;
  return value;
}

function authorsOf(paper: HfPaper): PaperAuthor[] {
  const authors: PaperAuthor[] = [];
  for (const author of paper.authors ?? []) {
    // `hidden` authors are the ones Hugging Face hides on the paper page (wrongly extracted names).
    if (author.hidden === true) continue;
    const name = nonEmpty(author.name);
    if (name) authors.push({ name });
  }
  return authors;
}

/** Maps a validated item to a Paper; undefined when the id is not an arXiv id or the title is blank. */
function toPaper(item: HfItem): Paper | undefined {
  const { paper } = item;
  const id = toPaperId(paper.id);
  const title = nonEmpty(item.title) ?? nonEmpty(paper.title);
  if (!id || !title) return undefined;
  const org = item.organization ?? paper.organization;
  const organization = nonEmpty(org?.fullname) ?? nonEmpty(org?.name);
  const aiSummary = nonEmpty(paper.ai_summary);
  const publishedAt = isoInstant(paper.publishedAt);
  const dailyDate = dailyDateOf(paper.submittedOnDailyAt);
  const githubRepo = httpHref(paper.githubRepo);
  const projectPage = httpHref(paper.projectPage);
  const thumbnail = httpHref(item.thumbnail);
  return {
    id,
    title,
    abstract: nonEmpty(paper.summary) ?? nonEmpty(item.summary) ?? "",
    ...(aiSummary !== undefined && { aiSummary }),
    aiKeywords: (paper.ai_keywords ?? []).map(collapseWhitespace).filter((k) => k !== ""),
    authors: authorsOf(paper),
    ...(organization !== undefined && { organization }),
    ...(publishedAt !== undefined && { publishedAt }),
    ...(dailyDate !== undefined && { dailyDate }),
    upvotes: paper.upvotes ?? 0,
    comments: item.numComments ?? 0,
    ...(githubRepo !== undefined && { githubRepo }),
    ...(githubRepo !== undefined && paper.githubStars !== undefined && { githubStars: paper.githubStars }),
    ...(projectPage !== undefined && { projectPage }),
    ...(thumbnail !== undefined && { thumbnail }),
  };
}

/** Parses one item; undefined when it is malformed. */
export function parseHfItem(raw: unknown): Paper | undefined {
  const parsed = HfItemSchema.safeParse(raw);
  return parsed.success ? toPaper(parsed.data) : undefined;
}

/**
 * Parses a `/api/daily_papers` or `/api/papers/search` body (a JSON array of items). A malformed item is
 * dropped and counted, never fatal; a body that is not an array throws.
 */
export function parseHfItems(raw: unknown): { papers: Paper[]; dropped: number } {
  if (!Array.isArray(raw)) {
    throw new TypeError(
      `expected a JSON array of Hugging Face paper items, got ${raw === null ? "null" : typeof raw}`,
    );
  }
  const papers: Paper[] = [];
  let dropped = 0;
  for (const item of raw as unknown[]) {
    const paper = parseHfItem(item);
    if (paper) papers.push(paper);
    else dropped++;
  }
  return { papers, dropped };
}

/** Parses a `/api/papers/{id}` body (one paper object, no `paper` wrapper); undefined when malformed. */
export function parseHfPaper(raw: unknown): Paper | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  return parseHfItem({ paper: raw, thumbnail: record.thumbnail, numComments: record.numComments });
}
