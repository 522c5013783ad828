// The paper archive: every paper paperboy has seen, kept in the "papers" namespace and searchable in memory.
import { z } from "zod";
import type { Logger } from "../../shared/logger.js";
import type { KeyValueNamespace } from "../../storage/key-value.js";
import { toPaperId } from "../paper.js";
import type { Paper, PaperId } from "../paper.js";
import { createSearchIndex, foldText, textTerms } from "./search-index.js";

export interface ArchiveHit {
  readonly paper: Paper;
  readonly score: number;
}

export interface TitleSuggestion {
  readonly id: PaperId;
  readonly title: string;
}

export interface PaperArchive {
  /** Reads every stored paper and builds the index; call once at start-up. Resolves to the count. */
  load(): Promise<number>;
  /**
   * Stores papers keyed by canonical id, merged with the copy already archived (newest counts and
   * fields win; an AI summary or keywords are never lost to a copy without them), and re-indexes them.
   */
  upsert(papers: readonly Paper[]): Promise<void>;
  get(id: PaperId | string): Paper | undefined;
  /** The archived papers among `ids`, in the order asked, unknown ids skipped. */
  getMany(ids: readonly (PaperId | string)[]): Paper[];
  all(): IterableIterator<Paper>;
  readonly size: number;
  /** Full-text search over title, abstract, AI keywords and authors (see search-index.ts for syntax). */
  search(query: string, options: { limit: number; filter?: (paper: Paper) => boolean }): ArchiveHit[];
  /** Autocomplete: papers whose id or title starts with (or has words starting with) `prefix`; the newest when empty. */
  suggest(prefix: string, limit: number): TitleSuggestion[];
}

// What a stored entry must look like to be loaded; anything else is skipped and counted.
const StoredPaperSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  abstract: z.string(),
  aiKeywords: z.array(z.string()),
  authors: z.array(z.looseObject({ name: z.string() })),
  upvotes: z.number(),
  comments: z.number(),
});

/** Copies `value` without keys whose value is undefined (exactOptionalPropertyTypes-friendly). */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Merges a newly seen copy of a paper into the archived one. Fields the new copy has win; fields it
 * lacks are kept. Counts keep the larger value, because an arXiv copy says 0 upvotes for "unknown".
 */
export function mergePaper(old: Paper | undefined, next: Paper): Paper {
  if (!old) return withoutUndefined(next);
  const merged: Paper = {
    ...withoutUndefined(old),
    ...withoutUndefined(next),
    id: old.id,
    title: next.title.trim() !== "" ? next.title : old.title,
    abstract: next.abstract.trim() !== "" ? next.abstract : old.abstract,
    aiKeywords: next.aiKeywords.length > 0 ? next.aiKeywords : old.aiKeywords,
    authors: next.authors.length > 0 ? next.authors : old.authors,
    upvotes: Math.max(old.upvotes, next.upvotes),
    comments: Math.max(old.comments, next.comments),
  };
  const stars = Math.max(old.githubStars ?? -1, next.githubStars ?? -1);
  return stars >= 0 ? { ...merged, githubStars: stars } : merged;
}

function samePaper(a: Paper, b: Paper): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Creates the archive over the store's "papers" namespace. */
export function createPaperArchive(deps: { papers: KeyValueNamespace; log: Logger }): PaperArchive {
  const { papers: namespace, log } = deps;
  const byId = new Map<PaperId, Paper>();
  const index = createSearchIndex({ lookup: (id) => byId.get(id) });

  function canonical(paper: Paper): Paper | undefined {
    const id = toPaperId(paper.id);
    if (!id) return undefined;
    return id === paper.id ? paper : { ...paper, id };
  }

  /** Newest Daily Papers batch first, most upvoted first within it: what an empty autocomplete shows. */
  function newest(limit: number): Paper[] {
    const rank = (a: Paper, b: Paper): number =>
      (b.dailyDate ?? "").localeCompare(a.dailyDate ?? "") ||
      b.upvotes - a.upvotes ||
      (b.publishedAt ?? "").localeCompare(a.publishedAt ?? "") ||
      (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    const better = (a: Paper, b: Paper): boolean => rank(a, b) < 0;
    const top: Paper[] = [];
    for (const paper of byId.values()) {
      if (top.length === limit && !better(paper, top[limit - 1] as Paper)) continue;
      let i = top.length;
      while (i > 0 && better(paper, top[i - 1] as Paper)) i--;
      top.splice(i, 0, paper);
      if (top.length > limit) top.pop();
    }
    return top;
  }

  function remember(paper: Paper): void {
    byId.set(paper.id, paper);
    index.replace(paper);
  }

  return {
    async load() {
      let skipped = 0;
      for await (const [key, value] of namespace.entries<unknown>()) {
        const parsed = StoredPaperSchema.safeParse(value);
        const paper = parsed.success ? canonical(parsed.data as unknown as Paper) : undefined;
        if (!paper) {
          skipped++;
          log.warn({ key }, "archive: skipping a stored paper that does not parse");
          continue;
        }
        // Two stored keys can name one paper ("2401.01234" and a legacy "2401.01234v2"): merge them.
        byId.set(paper.id, mergePaper(byId.get(paper.id), paper));
      }
      index.add(byId.values());
      log.info({ papers: byId.size, skipped }, "archive loaded");
      return byId.size;
    },

    async upsert(incoming) {
      for (const raw of incoming) {
        const paper = canonical(raw);
        if (!paper) {
          log.warn({ id: raw.id }, "archive: ignoring a paper without an arXiv id");
          continue;
        }
        const current = byId.get(paper.id);
        const merged = mergePaper(current, paper);
        if (current && samePaper(current, merged)) continue;
        // Merge again inside the atomic update: another replica may have stored a newer copy.
        const stored = await namespace.update<Paper>(paper.id, (existing) => mergePaper(existing ?? current, paper));
        remember(stored ?? merged);
      }
    },

    get(id) {
      const canon = toPaperId(id);
      return canon ? byId.get(canon) : undefined;
    },

    getMany(ids) {
      const out: Paper[] = [];
      for (const id of ids) {
        const canon = toPaperId(id);
        const paper = canon ? byId.get(canon) : undefined;
        if (paper) out.push(paper);
      }
      return out;
    },

    all: () => byId.values(),

    get size() {
      return byId.size;
    },

    search(query, { limit, filter }) {
      const hits = index.search(query, filter ? { limit, filter } : { limit });
      return hits.flatMap((hit) => {
        const paper = byId.get(hit.id);
        return paper ? [{ paper, score: hit.score }] : [];
      });
    },

    suggest(prefix, limit) {
      if (limit <= 0) return [];
      const trimmed = prefix.trim();
      const asId = toPaperId(trimmed);
      if (asId) {
        const exact = byId.get(asId);
        if (exact) return [{ id: exact.id, title: exact.title }];
      }
      if (/^\d{4}\.\d*$/.test(trimmed)) {
        // A partly typed arXiv id: match ids by prefix, newest first.
        const ids = [...byId.keys()].filter((id) => id.startsWith(trimmed)).sort().reverse();
        return ids.slice(0, limit).map((id) => ({ id, title: byId.get(id)?.title ?? "" }));
      }
      if (trimmed === "") return newest(limit).map((p) => ({ id: p.id, title: p.title }));
      if (textTerms(trimmed).length === 0) return [];
      const folded = foldText(trimmed);
      const hits = index.searchTitles(trimmed, limit * 4).flatMap((hit) => {
        const paper = byId.get(hit.id);
        return paper ? [{ paper, score: hit.score }] : [];
      });
      // Titles that start with what was typed come first, then the best word-prefix matches.
      const rank = (p: Paper): number => (foldText(p.title).startsWith(folded) ? 0 : 1);
      hits.sort((a, b) => rank(a.paper) - rank(b.paper) || b.score - a.score);
      return hits.slice(0, limit).map(({ paper }) => ({ id: paper.id, title: paper.title }));
    },
  };
}
