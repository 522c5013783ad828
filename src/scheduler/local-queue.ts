// The work queue in one process (SQLite): p-queue for concurrency, a map of known ids for dedupe, timers for retries.
// After a crash nothing of it survives: start-up resumes open deliveries from the ledger and catches up missed ticks.
import PQueue from "p-queue";
import type { Logger } from "../ops/logger.js";
import { KEEP_DONE, RetryLater, type Job, type JobHandler, type WorkQueue } from "./work-queue.js";

/** How long a finished job's id keeps a new job with the same id out. */
const DONE_TTL_MS = 24 * 60 * 60_000;
const MAX_REMEMBERED = 200_000;

export function createLocalQueue(options: { concurrency: number; log: Logger }): WorkQueue {
  const queue = new PQueue({ concurrency: options.concurrency });
  /** id → 0 while waiting or running, else when it finished. */
  const known = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const early: { job: Job; attempt: number }[] = [];
  let handler: JobHandler | undefined;
  let closed = false;

  const finished = (job: Job): void => {
    if (!KEEP_DONE[job.name]) {
      known.delete(job.id);
      return;
    }
    known.set(job.id, Date.now());
    if (known.size > MAX_REMEMBERED) {
      const cutoff = Date.now() - DONE_TTL_MS;
      for (const [id, at] of known) if (at !== 0 && at < cutoff) known.delete(id);
    }
  };

  const schedule = (job: Job, attempt: number): void => {
    if (closed) return;
    const run = handler;
    if (!run) {
      early.push({ job, attempt });
      return;
    }
    void queue.add(async () => {
      try {
        await run(job, attempt);
        finished(job);
      } catch (error) {
        if (error instanceof RetryLater && !closed) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            schedule(job, attempt + 1);
          }, error.delayMs);
          timer.unref();
          timers.add(timer);
          return;
        }
        finished(job);
        options.log.error(
          { job: job.id, name: job.name, err: error instanceof Error ? error.message : String(error) },
          "job failed",
        );
      }
    });
  };

  return {
    add(jobs) {
      for (const job of jobs) {
        const at = known.get(job.id);
        if (at !== undefined && (at === 0 || Date.now() - at < DONE_TTL_MS)) continue;
        known.set(job.id, 0);
        schedule(job, 1);
      }
      return Promise.resolve();
    },
    start(h) {
      handler = h;
      for (const { job, attempt } of early.splice(0)) schedule(job, attempt);
    },
    backlog: () => queue.size + queue.pending,
    idle: () => queue.onIdle(),
    async close(timeoutMs) {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      queue.clear();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([queue.onIdle(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}
