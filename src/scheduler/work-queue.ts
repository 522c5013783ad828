// The work queue port: jobs with deterministic ids, added by any replica, run once by one of them, retried after a delay.
// On SQLite (one process) it is an in-process queue; on Redis, BullMQ (docs/adr/0007-work-queue-on-bullmq.md).

export type JobName = "tick" | "deliver" | "resume" | "watch-poll";

/**
 * Whether a finished job's id keeps the same job out for a day. Ticks and polls: yes (every replica adds them, maybe
 * after one already ran). Deliveries: no (the ledger says what is done; a later tick naming the same period after
 * its retries gave up must be able to add it again).
 */
export const KEEP_DONE: Readonly<Record<JobName, boolean>> = {
  tick: true,
  "watch-poll": true,
  deliver: false,
  resume: false,
};

export interface Job {
  /** Deterministic: the same tick, delivery or poll always has the same id, so adding it twice adds it once. */
  readonly id: string;
  readonly name: JobName;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Thrown by a job handler that wants another attempt after `delayMs` (an upstream blip, the store down). */
export class RetryLater extends Error {
  override name = "RetryLater";
  readonly delayMs: number;
  constructor(reason: string, delayMs: number) {
    super(reason);
    this.delayMs = delayMs;
  }
}

/** Runs one job; `attempt` is 1 for the first run. A RetryLater asks for another attempt; any other throw is logged and dropped. */
export type JobHandler = (job: Job, attempt: number) => Promise<void>;

export interface WorkQueue {
  /** Adds jobs; one whose id is waiting, running, or done within the last day is not added again. */
  add(jobs: readonly Job[]): Promise<void>;
  /** Starts running jobs with `handler`, at most `concurrency` at once in this process. */
  start(handler: JobHandler): void;
  /** Jobs waiting or running in this process. */
  backlog(): number;
  /** Resolves when nothing is waiting or running in this process (jobs waiting for a retry delay excepted). */
  idle(): Promise<void>;
  /** Stops taking jobs and waits for the running ones, at most `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}
