// The paper model every layer shares: one arXiv paper as paperboy knows it, and the check a stored copy must pass.
import { z } from "zod";

/** Canonical arXiv id without version suffix, e.g. "2401.01234" (never "2401.01234v2"). */
export type PaperId = string & { readonly __brand: "PaperId" };

export interface PaperAuthor {
  readonly name: string;
}

export interface Paper {
  readonly id: PaperId;
  readonly title: string;
  readonly abstract: string;
  /** Hugging Face's one-sentence AI summary, when it has one. */
  readonly aiSummary?: string;
  readonly aiKeywords: readonly string[];
  readonly authors: readonly PaperAuthor[];
  /** Display name of the organisation that claimed the paper on Hugging Face. */
  readonly organization?: string;
  /** arXiv publication date (ISO string). */
  readonly publishedAt?: string;
  /** Batch date the paper entered Daily Papers, "YYYY-MM-DD" (a New York calendar date). */
  readonly dailyDate?: string;
  readonly upvotes: number;
  readonly comments: number;
  readonly githubRepo?: string;
  readonly githubStars?: number;
  readonly projectPage?: string;
  readonly thumbnail?: string;
  /** The arXiv version (2 for "v2"), when the source names it (arXiv listings do; Hugging Face lists do not). */
  readonly version?: number;
  /** arXiv categories, when the paper came from arXiv. */
  readonly categories?: readonly string[];
}

const ARXIV_NEW = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const ARXIV_OLD = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;

/**
 * Canonical paper id: strips an "arXiv:" prefix, an abs/pdf URL and the version suffix, so
 * `2401.01234v2`, `arXiv:2401.01234` and `https://arxiv.org/abs/2401.01234v1` are one paper.
 * Returns undefined for anything that is not an arXiv id.
 */
export function toPaperId(raw: string): PaperId | undefined {
  let s = raw.trim();
  s = s.replace(/^https?:\/\/(?:www\.)?(?:arxiv\.org|huggingface\.co)\/(?:abs|pdf|papers)\//i, "");
  s = s.replace(/\.pdf$/i, "").replace(/^arxiv:/i, "");
  const m = ARXIV_NEW.exec(s) ?? ARXIV_OLD.exec(s);
  return m?.[1] ? (m[1] as PaperId) : undefined;
}

export function paperLinks(paper: Pick<Paper, "id">): { huggingFace: string; arxiv: string; pdf: string } {
  return {
    huggingFace: `https://huggingface.co/papers/${paper.id}`,
    arxiv: `https://arxiv.org/abs/${paper.id}`,
    pdf: `https://arxiv.org/pdf/${paper.id}`,
  };
}

// What a stored paper must look like to be read back; anything else is skipped (and counted by the archive).
const StoredPaperSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  abstract: z.string(),
  aiKeywords: z.array(z.string()),
  authors: z.array(z.looseObject({ name: z.string() })),
  upvotes: z.number(),
  comments: z.number(),
});

/** A stored paper document as a Paper with its canonical id, or undefined when it is not one. */
export function parseStoredPaper(value: unknown): Paper | undefined {
  const parsed = StoredPaperSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const paper = parsed.data as unknown as Paper;
  const id = toPaperId(paper.id);
  if (!id) return undefined;
  return id === paper.id ? paper : { ...paper, id };
}
