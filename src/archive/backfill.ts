// Fills the archive from Hugging Face's Daily Papers lists, one day at a time: paced, idempotent, resumable.
// @see PLATFORMS.md §2.3 (a day is a New York date; the first list is 2023-05-04; weekends are empty) and §2.7 (limits)
import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../shared/app-error.js";
import type { Logger } from "../ops/logger.js";
import { SourceUnavailableError, type HuggingFaceSource } from "../sources/paper-source.js";
import { addDays, batchDatesBetween, isCalendarDate, lastCompletedBatchDate } from "../sources/ny-date.js";
import type { BackfillStore } from "./backfill-store.js";
import type { PaperArchive } from "./paper-archive.js";

/** The first Daily Papers list Hugging Face has. */
export const FIRST_DAILY_DATE = "2023-05-04";

/**
 * Default spacing between two days' requests: 1.2 s is at most 250 requests per 5 minutes, half of Hugging Face's
 * anonymous API budget (500 per 5 minutes per IP), so digests and searches keep the other half.
 */
export const DEFAULT_BACKFILL_PACE_MS = 1_200;

export interface BackfillRange {
  readonly from: string;
  readonly to: string;
}

export interface BackfillDeps {
  readonly hf: Pick<HuggingFaceSource, "daily" | "baseUrl">;
  readonly archive: Pick<PaperArchive, "upsert" | "getMany">;
  readonly progress: Pick<BackfillStore, "doneDays" | "markDone">;
  /** Wait after each day that asked Hugging Face. */
  readonly paceMs: number;
  readonly log: Logger;
  /** Resolves when this low-priority work may ask Hugging Face (the service waits for other requests to finish). */
  readonly turn?: (signal: AbortSignal) => Promise<void>;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What a run found before it started: the days asked for, and those a earlier run already filled. */
export interface BackfillPlan {
  readonly days: number;
  readonly done: number;
  readonly todo: readonly string[];
}

export interface BackfillDay {
  readonly date: string;
  /** Papers in that day's list. */
  readonly papers: number;
  /** Of those, papers the archive did not hold before. */
  readonly added: number;
}

export interface BackfillReport extends BackfillPlan {
  /** Days filled by this run. */
  readonly filled: number;
  readonly papers: number;
  readonly added: number;
  /** True when the signal stopped the run before every day was filled. */
  readonly stopped: boolean;
}

export interface BackfillOptions {
  /** Stops the run after the day in progress (Ctrl-C, shutdown). */
  readonly signal?: AbortSignal;
  readonly onPlan?: (plan: BackfillPlan) => void;
  readonly onDay?: (day: BackfillDay, done: number, todo: number) => void;
}

/** Hugging Face failed during a run: what was filled is kept, and the message says so. */
export class BackfillError extends AppError {
  readonly report: BackfillReport;
  constructor(message: string, report: BackfillReport, options?: { cause?: unknown }) {
    super("backfill-failed", message, options);
    this.name = "BackfillError";
    this.report = report;
  }
}

const invalid = (message: string): AppError => new AppError("invalid-argument", message);

/**
 * Checks a range the user typed: real dates, `to` not before `from`, nothing before the first Daily Papers list or
 * after the last closed one (`to` defaults to it).
 */
export function backfillRange(from: string | undefined, to: string | undefined, now: Date): BackfillRange {
  const last = lastCompletedBatchDate(now);
  const example = addDays(last, -30);
  if (from === undefined) throw invalid(`give --from YYYY-MM-DD, e.g. --from ${example}`);
  if (!isCalendarDate(from))
    throw invalid(`--from must be a date YYYY-MM-DD, e.g. --from ${example} (got "${from}")`);
  if (to !== undefined && !isCalendarDate(to))
    throw invalid(`--to must be a date YYYY-MM-DD, e.g. --to ${last} (got "${to}")`);
  const end = to ?? last;
  if (end < from) throw invalid(`--to ${end} is before --from ${from}: give the older day as --from`);
  if (from < FIRST_DAILY_DATE)
    throw invalid(`--from ${from} is before the first Daily Papers list (${FIRST_DAILY_DATE})`);
  if (end > last)
    throw invalid(
      `${to === undefined ? "--from" : "--to"} ${end} is after the last closed Daily Papers list (${last}); a day's list closes at 21:30 New York time`,
    );
  return { from, to: end };
}

/** The days of [from, to] still to fill, oldest first, after those recorded as done. */
export async function planBackfill(
  progress: Pick<BackfillStore, "doneDays">,
  range: BackfillRange,
): Promise<BackfillPlan> {
  const days = [range.from, ...batchDatesBetween(range.from, range.to)];
  const done = await progress.doneDays(range.from, range.to);
  return { days: days.length, done: done.size, todo: days.filter((d) => !done.has(d)) };
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Fills every day of `range` not yet recorded as done: asks Hugging Face for the day's list (through its cache and
 * its 429/5xx handling), merges the papers into the archive (by id, so nothing is added twice), then records the
 * day. A day is recorded only after its papers are stored, so a run stopped anywhere resumes without a gap.
 */
export async function runBackfill(
  deps: BackfillDeps,
  range: BackfillRange,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const signal = options.signal ?? new AbortController().signal;
  const sleep = deps.sleep ?? abortableSleep;
  const plan = await planBackfill(deps.progress, range);
  options.onPlan?.(plan);
  let filled = 0;
  let papers = 0;
  let added = 0;
  const report = (stopped: boolean): BackfillReport => ({ ...plan, filled, papers, added, stopped });
  for (const [i, date] of plan.todo.entries()) {
    if (signal.aborted) return report(true);
    if (i > 0) await sleep(deps.paceMs, signal);
    if (deps.turn !== undefined) await deps.turn(signal);
    if (signal.aborted) return report(true);
    let day: BackfillDay;
    try {
      // No signal here: a day that started is finished, so an interrupted run stops on a day boundary.
      const result = await deps.hf.daily(date);
      if (result.stale)
        throw new SourceUnavailableError(
          "huggingface",
          deps.hf.baseUrl,
          `no fresh answer for ${date} (only a cached one, which may predate the day's close)`,
        );
      const ids = result.papers.map((p) => p.id);
      const before = ids.length === 0 ? 0 : (await deps.archive.getMany(ids)).length;
      await deps.archive.upsert(result.papers);
      await deps.progress.markDone(date, result.papers.length);
      day = { date, papers: result.papers.length, added: Math.max(0, result.papers.length - before) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BackfillError(
        `${reason}; ${plan.done + filled} of ${plan.days} days are filled (kept)`,
        report(false),
        { cause: error },
      );
    }
    filled++;
    papers += day.papers;
    added += day.added;
    deps.log.debug({ ...day }, "archive backfill: day filled");
    options.onDay?.(day, filled, plan.todo.length);
  }
  return report(false);
}
