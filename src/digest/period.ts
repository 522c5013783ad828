// A Hugging Face period — a run of daily batches, an ISO week or a month — and the one way to fetch and name it:
// the scheduled digests, `/papers today|week|month` and the CLI's `paperboy digest` all go period → fetch → rank →
// compose through here.
import type { Paper } from "../papers/paper.js";
import type { MoreLink } from "./digest-types.js";
import { addDays, lastCompletedBatchDate, nyDate } from "../sources/ny-date.js";
import type { HuggingFaceSource, SourceResult } from "../sources/paper-source.js";

export type Period =
  | { readonly kind: "daily"; readonly dates: readonly string[] }
  | { readonly kind: "weekly"; readonly week: string }
  | { readonly kind: "monthly"; readonly month: string };

export interface PeriodPapers {
  readonly papers: readonly Paper[];
  /** True when Hugging Face failed and (some of) these are the last cached answer. */
  readonly stale: boolean;
  /** The oldest fetch among the period's answers. */
  readonly fetchedAt: Date;
}

/** How many days back `/papers today` looks for a non-empty batch (weekends and holidays are empty). */
const LATEST_BATCH_DAYS = 5;

// Immutable formatters, built once: constructing Intl objects per digest dominated a 10,000-channel run.
const WEEKDAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone: "UTC" });
const DAY_MONTH = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", timeZone: "UTC" });

/** "Fri 12 June" for a "YYYY-MM-DD" calendar date. */
export function formatBatchDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return `${WEEKDAY.format(d)} ${DAY_MONTH.format(d)}`;
}

/** "Fri 12 Jun", or "Thu 11 Jun to Fri 12 Jun" for several batch dates. */
function dailySpan(dates: readonly string[]): string {
  const first = dates[0] ?? "";
  const last = dates[dates.length - 1] ?? first;
  return first === last ? formatBatchDate(last) : `${formatBatchDate(first)} to ${formatBatchDate(last)}`;
}

/** The digest's title for a period. */
export function periodTitle(period: Period): string {
  switch (period.kind) {
    case "daily":
      return `Trending on Hugging Face — ${dailySpan(period.dates)}`;
    case "weekly":
      return `Papers of the week on Hugging Face — ${period.week}`;
    case "monthly":
      return `Papers of the month on Hugging Face — ${period.month}`;
  }
}

/** Hugging Face's own pages (not the API's base URL): where people read the papers. */
const HF_PAPERS_PAGE = "https://huggingface.co/papers";
/** Dates linked at most in one "+N more" line (a digest catching up on a long pause spans many). */
const MORE_LINKS_MAX = 5;

/**
 * Where "+N more" points: Hugging Face's page of each day, of the week or of the month, which lists every paper
 * of the period (a digest shows at most ten, so no `/papers` command could show the rest).
 */
export function periodMoreLinks(period: Period): MoreLink[] {
  switch (period.kind) {
    case "daily":
      return period.dates
        .slice(-MORE_LINKS_MAX)
        .map((date) => ({ text: formatBatchDate(date), url: `${HF_PAPERS_PAGE}/date/${date}` }));
    case "weekly":
      return [{ text: period.week, url: `${HF_PAPERS_PAGE}/week/${period.week}` }];
    case "monthly":
      return [{ text: period.month, url: `${HF_PAPERS_PAGE}/month/${period.month}` }];
  }
}

/**
 * What a digest of `period` says when it holds no paper. `current`: the period is the one running now (an
 * on-demand `/papers week`), so "this week … yet"; otherwise the period is named.
 */
export function periodEmptyText(period: Period, current = false): string {
  switch (period.kind) {
    case "daily":
      return `No papers on Hugging Face for ${dailySpan(period.dates)}${current ? " yet" : ""}.`;
    case "weekly":
      return current
        ? "No papers trended on Hugging Face this week yet."
        : `No papers trended on Hugging Face in ${period.week}.`;
    case "monthly":
      return current
        ? "No papers trended on Hugging Face this month yet."
        : `No papers trended on Hugging Face in ${period.month}.`;
  }
}

/** One result's papers are passed on as they are (the source shares one array per period), several are joined. */
function merge(results: readonly SourceResult[]): PeriodPapers {
  const [only] = results;
  if (results.length === 1 && only) return only;
  return {
    papers: results.flatMap((r) => r.papers),
    stale: results.some((r) => r.stale),
    fetchedAt: new Date(Math.min(...results.map((r) => r.fetchedAt.getTime()))),
  };
}

/** The period's papers: one cached request per date, week or month, shared by every channel that asks for it. */
export async function fetchPeriod(
  hf: Pick<HuggingFaceSource, "daily" | "week" | "month">,
  period: Period,
  signal?: AbortSignal,
): Promise<PeriodPapers> {
  switch (period.kind) {
    case "daily":
      return merge(await Promise.all(period.dates.map((d) => hf.daily(d, signal))));
    case "weekly":
      return merge([await hf.week(period.week, signal)]);
    case "monthly":
      return merge([await hf.month(period.month, signal)]);
  }
}

/** The newest non-empty batch of the last few days (today's, while it fills, counts), else the last completed one. */
export async function latestBatchDate(
  hf: Pick<HuggingFaceSource, "daily">,
  now: Date,
  signal?: AbortSignal,
): Promise<string> {
  let date = nyDate(now);
  for (let back = 0; back < LATEST_BATCH_DAYS; back++) {
    if ((await hf.daily(date, signal)).papers.length > 0) return date;
    date = addDays(date, -1);
  }
  return lastCompletedBatchDate(now);
}

/** Days of Daily Papers fetched at most to answer "what trended since …" (each day is one cached request). */
const TRENDING_MAX_DAYS = 14;

/**
 * Every Daily Papers batch from `since` to the last completed one (at most two weeks), de-duplicated and archived:
 * what `/papers catchup` offers beside the team's votes.
 */
export async function trendingSince(
  sources: {
    readonly hf: Pick<HuggingFaceSource, "daily" | "week" | "month">;
    readonly archive: { upsert(papers: readonly Paper[]): Promise<void> };
  },
  since: Date,
  now: Date,
  signal?: AbortSignal,
): Promise<{ readonly papers: readonly Paper[]; readonly stale: boolean }> {
  const dates: string[] = [];
  for (
    let date = lastCompletedBatchDate(now);
    dates.length < TRENDING_MAX_DAYS && date >= nyDate(since);
    date = addDays(date, -1)
  )
    dates.push(date);
  const fetched = await fetchPeriod(sources.hf, { kind: "daily", dates }, signal);
  const papers = [...new Map(fetched.papers.map((p) => [p.id, p] as const)).values()];
  await sources.archive.upsert(papers);
  return { papers, stale: fetched.stale };
}
