// The service's own backfill: after start-up, the last N Daily Papers days the archive lacks, in the background, at low
// priority (paced, and only when Hugging Face has been left alone for a moment), by one process at a time (a lease).
import { addDays, lastCompletedBatchDate } from "../sources/ny-date.js";
import { runBackfill, planBackfill, type BackfillDeps, type BackfillReport } from "./backfill.js";
import type { BackfillStore } from "./backfill-store.js";

/** The lease lasts this long without renewal: a process that dies frees the work for the next start within it. */
export const BACKFILL_LEASE_MS = 60_000;
/** How long Hugging Face must have been idle (no digest, search or watch request) before a background day goes. */
export const BACKFILL_QUIET_MS = 2_000;

export interface BackgroundBackfillDeps extends Omit<BackfillDeps, "progress" | "turn"> {
  readonly progress: BackfillStore;
  /** ARCHIVE_BACKFILL_DAYS: how many of the latest closed days to hold; 0 turns the backfill off. */
  readonly days: number;
  /** This process, as the lease's holder. */
  readonly holder: string;
  readonly now: () => Date;
  /** Resolves when other Hugging Face work leaves room (see source-activity.ts). */
  readonly quiet: (signal: AbortSignal) => Promise<void>;
  /** Lease lifetime (default BACKFILL_LEASE_MS); it is renewed three times as often. */
  readonly leaseMs?: number;
}

export interface BackgroundBackfill {
  /** Starts after `ready` (the archive's load), never blocking the caller; resolves with what the run did. */
  start(ready: Promise<unknown>): Promise<BackfillReport | undefined>;
  /** Stops after the day in progress and gives the lease up. */
  stop(): Promise<void>;
}

export function createBackgroundBackfill(deps: BackgroundBackfillDeps): BackgroundBackfill {
  const { log, progress, holder } = deps;
  const leaseMs = deps.leaseMs ?? BACKFILL_LEASE_MS;
  const controller = new AbortController();
  let running: Promise<BackfillReport | undefined> | undefined;

  async function run(ready: Promise<unknown>): Promise<BackfillReport | undefined> {
    // A stop during start-up's load ends the wait at once.
    const stopped = new Promise((resolve) => {
      controller.signal.addEventListener("abort", resolve, { once: true });
    });
    await Promise.race([ready, stopped]);
    if (controller.signal.aborted || deps.days <= 0) return undefined;
    const to = lastCompletedBatchDate(deps.now());
    const range = { from: addDays(to, -(deps.days - 1)), to };
    const plan = await planBackfill(progress, range);
    if (plan.todo.length === 0) {
      log.debug({ ...range }, "archive backfill: every day is already filled");
      return undefined;
    }
    if (!(await progress.lease(holder, leaseMs))) {
      log.info({ ...range }, "archive backfill: another process is filling the archive");
      return undefined;
    }
    // The lease is renewed while the run goes on; losing it (a long stall, a store outage) stops the run.
    const renew = setInterval(() => {
      progress.lease(holder, leaseMs).then(
        (held) => {
          if (!held) controller.abort();
        },
        (error: unknown) => {
          log.warn({ err: error instanceof Error ? error.message : String(error) }, "archive backfill lease");
        },
      );
    }, leaseMs / 3);
    renew.unref();
    try {
      log.info(
        { ...range, days: plan.todo.length },
        "archive backfill: filling missing days in the background",
      );
      const report = await runBackfill({ ...deps, turn: (signal) => deps.quiet(signal) }, range, {
        signal: controller.signal,
      });
      log.info({ ...range, ...report, todo: undefined }, "archive backfill: done for now");
      return report;
    } finally {
      clearInterval(renew);
      await progress.release(holder).catch(() => undefined);
    }
  }

  return {
    start(ready) {
      running ??= run(ready).catch((error: unknown) => {
        if (controller.signal.aborted) return undefined;
        log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          "archive backfill stopped; the next start fills the missing days",
        );
        return undefined;
      });
      return running;
    },
    async stop() {
      controller.abort();
      await running;
    },
  };
}
