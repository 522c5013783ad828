// The paper archive: every paper paperboy has seen, kept in the "papers" namespace and searchable in memory.
import type { Logger } from "../ops/logger.js";
import type { PaperStore } from "../papers/paper-store.js";
import { parseStoredPaper, toPaperId } from "../papers/paper.js";
import type { Paper, PaperId } from "../papers/paper.js";
import {
  MAX_CHECKED_CANDIDATES,
  createSearchIndex,
  matchesQueryFilters,
  parseQuery,
} from "./search-index.js";
import { foldText, textTerms } from "./text-terms.js";

export interface ArchiveHit {
  readonly paper: Paper;
  readonly score: number;
}

export interface TitleSuggestion {
  readonly id: PaperId;
  readonly title: string;
}

/** How far the archive reaches: its size and the first and last Daily Papers day it holds. */
export interface ArchiveCoverage {
  readonly papers: number;
  /** "YYYY-MM-DD" (a paper's Daily Papers day, else its arXiv date); absent when the archive is empty. */
  readonly from?: string;
  readonly to?: string;
}

/** A load in progress: `loaded` of the `total` stored papers are searchable so far. */
export interface ArchiveLoading {
  readonly loaded: number;
  readonly total: number;
}

export interface PaperArchive {
  /**
   * Reads every stored paper and builds the index; call once at start-up. Resolves to the count. It yields to the
   * event loop as it goes, so a process can answer (from Hugging Face) while it runs: see `loading()`.
   */
  load(): Promise<number>;
  /** While load() runs, how far it got; undefined before and after (search is then complete). */
  loading(): ArchiveLoading | undefined;
  /** The archive's size and the Daily Papers days it spans. */
  coverage(): ArchiveCoverage;
  /**
   * Stores papers keyed by canonical id, merged with the copy already archived (newest counts and
   * fields win; an AI summary or keywords are never lost to a copy without them), and re-indexes them.
   */
  upsert(papers: readonly Paper[]): Promise<void>;
  /** The archived paper, read from the store (the archive keeps only what search needs in memory). */
  get(id: PaperId | string): Promise<Paper | undefined>;
  /** The archived papers among `ids`, in the order asked, unknown ids skipped. */
  getMany(ids: readonly (PaperId | string)[]): Promise<Paper[]>;
  /** The newest Daily Papers batch first, most upvoted first within it (the archive's stand-in for a feed). */
  newest(limit: number): Promise<Paper[]>;
  readonly size: number;
  /** Full-text search over title, abstract, AI keywords and authors (see search-index.ts for syntax). */
  search(
    query: string,
    options: { limit: number; filter?: (paper: Paper) => boolean },
  ): Promise<ArchiveHit[]>;
  /** Autocomplete: papers whose id or title starts with (or has words starting with) `prefix`; the newest when empty. */
  suggest(prefix: string, limit: number): TitleSuggestion[];
}

/** What the archive keeps in memory per paper: enough to rank the newest and to autocomplete titles. */
interface PaperMeta {
  readonly title: string;
  readonly dailyDate: string;
  readonly publishedAt: string;
  readonly upvotes: number;
}

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

/** The first and last day ("YYYY-MM-DD") among the dates added. */
function createDaySpan(): { add(date: string | undefined): void; range(): { from?: string; to?: string } } {
  let from: string | undefined;
  let to: string | undefined;
  return {
    add(date) {
      const day = date?.slice(0, 10);
      if (day === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      if (from === undefined || day < from) from = day;
      if (to === undefined || day > to) to = day;
    },
    range: () => (from !== undefined && to !== undefined ? { from, to } : {}),
  };
}

/** Papers indexed between two turns of the event loop while loading (about 50 ms of work on a busy machine). */
const LOAD_SLICE = 100;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Creates the archive over the store's "papers" namespace. `indexed: false` makes an archive that only writes (the
 * CLI's backfill): nothing is kept in memory, and every merge reads the stored copy.
 */
export function createPaperArchive(deps: {
  papers: PaperStore;
  log: Logger;
  indexed?: boolean;
}): PaperArchive {
  const { papers: store, log } = deps;
  const indexed = deps.indexed ?? true;
  const meta = new Map<PaperId, PaperMeta>();
  let progress: { loaded: number; total: number } | undefined;
  /** Ids upserted while loading: their fresher copy is already indexed, the scan must not put an older one back. */
  const touched = new Set<PaperId>();
  const span = createDaySpan();
  const index = createSearchIndex({ lookup: () => undefined });
  // Many papers share a batch date: one string per distinct date instead of one per paper.
  const dates = new Map<string, string>();
  const intern = (value: string | undefined): string => {
    if (value === undefined) return "";
    const known = dates.get(value);
    if (known !== undefined) return known;
    dates.set(value, value);
    return value;
  };

  function canonical(paper: Paper): Paper | undefined {
    const id = toPaperId(paper.id);
    if (!id) return undefined;
    return id === paper.id ? paper : { ...paper, id };
  }

  function remember(paper: Paper): void {
    if (!indexed) return;
    span.add(paper.dailyDate ?? paper.publishedAt);
    meta.set(paper.id, {
      title: paper.title,
      dailyDate: intern(paper.dailyDate),
      publishedAt: intern(paper.publishedAt),
      upvotes: paper.upvotes,
    });
    index.replace(paper);
  }

  /** Newest Daily Papers batch first, most upvoted first within it, as ids. */
  function newestIds(limit: number): PaperId[] {
    const rank = (a: PaperId, b: PaperId): number => {
      const x = meta.get(a) as PaperMeta;
      const y = meta.get(b) as PaperMeta;
      return (
        y.dailyDate.localeCompare(x.dailyDate) ||
        y.upvotes - x.upvotes ||
        y.publishedAt.localeCompare(x.publishedAt) ||
        (a < b ? 1 : a > b ? -1 : 0)
      );
    };
    const top: PaperId[] = [];
    for (const id of meta.keys()) {
      if (top.length === limit && rank(id, top[limit - 1] as PaperId) >= 0) continue;
      let i = top.length;
      while (i > 0 && rank(id, top[i - 1] as PaperId) < 0) i--;
      top.splice(i, 0, id);
      if (top.length > limit) top.pop();
    }
    return top;
  }

  /** The stored papers among `ids`, in that order, unknown (or unreadable) ones skipped. */
  async function getMany(ids: readonly (PaperId | string)[]): Promise<Paper[]> {
    const canon = ids.flatMap((id) => (toPaperId(id) ? [toPaperId(id) as PaperId] : []));
    const docs = await store.getMany(canon);
    return docs.flatMap((doc, i): Paper[] => {
      const paper = parseStoredPaper(doc);
      return paper !== undefined && paper.id === canon[i] ? [paper] : [];
    });
  }

  return {
    async load() {
      let skipped = 0;
      progress = { loaded: 0, total: await store.count() };
      try {
        // Papers stored under a legacy key ("2401.01234v2"): merged into the canonical entry afterwards.
        const legacy: { key: string; paper: Paper }[] = [];
        for await (const batch of store.scan(1_000)) {
          for (const [key, value] of batch) {
            if (++progress.loaded % LOAD_SLICE === 0) await yieldToEventLoop();
            const paper = parseStoredPaper(value);
            if (!paper) {
              skipped++;
              log.warn({ key }, "archive: skipping a stored paper that does not parse");
              continue;
            }
            if (key !== paper.id) legacy.push({ key, paper });
            else if (!touched.has(paper.id)) remember(paper);
          }
        }
        for (const { key, paper: old } of legacy) {
          const [current] = await getMany([old.id]);
          const merged = mergePaper(old, current ?? old);
          if (!current || !samePaper(current, merged)) await store.putMany([merged]);
          await store.delete([key]);
          remember(merged);
        }
        index.compact();
      } finally {
        progress = undefined;
        touched.clear();
      }
      log.info({ papers: meta.size, skipped }, "archive loaded");
      return meta.size;
    },

    loading: () => (progress === undefined ? undefined : { ...progress }),

    coverage: () => ({ papers: meta.size, ...span.range() }),

    async upsert(incoming) {
      const papers = new Map<PaperId, Paper>();
      for (const raw of incoming) {
        const paper = canonical(raw);
        if (!paper) {
          log.warn({ id: raw.id }, "archive: ignoring a paper without an arXiv id");
          continue;
        }
        papers.set(paper.id, mergePaper(papers.get(paper.id), paper));
      }
      // While loading (or with no index) the map does not know every stored paper yet: read them all back.
      const complete = indexed && progress === undefined;
      const known = [...papers.keys()].filter((id) => !complete || meta.has(id));
      const current = new Map((await getMany(known)).map((p) => [p.id, p] as const));
      const changed: Paper[] = [];
      for (const [id, paper] of papers) {
        const old = current.get(id);
        const merged = mergePaper(old, paper);
        if (old && samePaper(old, merged)) continue;
        changed.push(merged);
      }
      // One write for the batch. Two replicas merging the same paper at once may keep either copy: both are fresh.
      await store.putMany(changed);
      for (const paper of changed) {
        remember(paper);
        if (progress !== undefined) touched.add(paper.id);
      }
    },

    async get(id) {
      return (await getMany([id]))[0];
    },

    getMany,

    newest: (limit) => (limit > 0 ? getMany(newestIds(limit)) : Promise.resolve([])),

    get size() {
      return meta.size;
    },

    async search(query, { limit, filter }) {
      const parsed = parseQuery(query);
      if (parsed.terms.length === 0 || limit <= 0) return [];
      const check = parsed.phrases.length > 0 || filter !== undefined;
      // Phrases are pre-checked by the index (Bloom filters of word pairs) and confirmed here on the
      // few papers read back; a caller's filter may reject more, so it reads a wider window.
      const out: ArchiveHit[] = [];
      let checked = 0;
      for (let window = filter ? limit * 4 : limit; ; window *= 4) {
        const ranking = index.rank(parsed, { window: Math.min(window, MAX_CHECKED_CANDIDATES) });
        while (checked < ranking.hits.length && out.length < limit) {
          const batch = ranking.hits.slice(checked, checked + Math.max(limit - out.length, check ? 8 : 1));
          checked += batch.length;
          const loaded = await getMany(batch.map((h) => h.id));
          const byId = new Map(loaded.map((p) => [p.id, p] as const));
          for (const hit of batch) {
            const paper = byId.get(hit.id);
            if (!paper || out.length >= limit) continue;
            if (check && (!matchesQueryFilters(paper, parsed) || (filter && !filter(paper)))) continue;
            out.push({ paper, score: hit.score });
          }
        }
        if (out.length >= limit || ranking.hits.length >= ranking.matched || window >= MAX_CHECKED_CANDIDATES)
          return out;
      }
    },

    suggest(prefix, limit) {
      if (limit <= 0) return [];
      const trimmed = prefix.trim();
      const asId = toPaperId(trimmed);
      if (asId) {
        const exact = meta.get(asId);
        if (exact) return [{ id: asId, title: exact.title }];
      }
      if (/^\d{4}\.\d*$/.test(trimmed)) {
        // A partly typed arXiv id: match ids by prefix, newest first.
        const ids = [...meta.keys()]
          .filter((id) => id.startsWith(trimmed))
          .sort()
          .reverse();
        return ids.slice(0, limit).map((id) => ({ id, title: meta.get(id)?.title ?? "" }));
      }
      if (trimmed === "") return newestIds(limit).map((id) => ({ id, title: meta.get(id)?.title ?? "" }));
      if (textTerms(trimmed).length === 0) return [];
      const folded = foldText(trimmed);
      const hits = index.searchTitles(trimmed, limit * 4).flatMap((hit) => {
        const title = meta.get(hit.id)?.title;
        return title === undefined ? [] : [{ id: hit.id, title, score: hit.score }];
      });
      // Titles that start with what was typed come first, then the best word-prefix matches.
      const rank = (title: string): number => (foldText(title).startsWith(folded) ? 0 : 1);
      hits.sort((a, b) => rank(a.title) - rank(b.title) || b.score - a.score);
      return hits.slice(0, limit).map(({ id, title }) => ({ id, title }));
    },
  };
}
