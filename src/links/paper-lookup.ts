// One paper by id for a pasted link: the archive first (no upstream request), then Hugging Face, then arXiv; kept.
import type { Paper, PaperId } from "../papers/paper.js";
import { SourceUnavailableError, type ArxivSource, type HuggingFaceSource } from "../sources/paper-source.js";

export type PaperLookup =
  | { readonly status: "found"; readonly paper: Paper }
  /** Neither Hugging Face nor arXiv has the id. */
  | { readonly status: "missing"; readonly id: PaperId };

export interface PaperLookupDeps {
  readonly archive: {
    get(id: PaperId): Promise<Paper | undefined>;
    upsert(papers: readonly Paper[]): Promise<void>;
  };
  readonly hf: Pick<HuggingFaceSource, "paper">;
  readonly arxiv: Pick<ArxivSource, "paper">;
}

/**
 * Finds a paper: the archive answers what paperboy has seen; an unknown id asks Hugging Face (which has upvotes,
 * code and an AI summary), then arXiv (every paper), and archives what it finds. Hugging Face being down is not an
 * answer: arXiv still decides. Throws SourceUnavailableError only when the paper could exist but arXiv cannot be asked.
 */
export function createPaperLookup(deps: PaperLookupDeps): (id: PaperId) => Promise<PaperLookup> {
  return async (id) => {
    const known = await deps.archive.get(id);
    if (known !== undefined) return { status: "found", paper: known };
    let paper: Paper | undefined;
    try {
      paper = await deps.hf.paper(id);
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
    }
    paper ??= await deps.arxiv.paper(id);
    if (paper === undefined) return { status: "missing", id };
    await deps.archive.upsert([paper]);
    return { status: "found", paper };
  };
}
