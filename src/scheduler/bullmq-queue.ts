// The work queue on Redis for several replicas: BullMQ (deterministic job ids, workers with concurrency, stalled-job
// recovery, delayed retries). Every replica adds the same tick; one runs it; the deliveries spread over all of them.
// @see docs/adr/0007-work-queue-on-bullmq.md · https://docs.bullmq.io
import { Queue, UnrecoverableError, Worker, type Job as BullJob } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "../ops/logger.js";
import {
  KEEP_DONE,
  RetryLater,
  type Job,
  type JobHandler,
  type JobName,
  type WorkQueue,
} from "./work-queue.js";

const QUEUE = "jobs";
/** Finished jobs are kept this long, so a job added again (another replica's tick, a catch-up) is not run twice. */
const KEEP_DONE_S = 24 * 60 * 60;

export interface BullQueueOptions {
  readonly url: string;
  /** The store's key prefix: BullMQ's keys are "<prefix>:q:jobs:…". */
  readonly prefix: string;
  readonly concurrency: number;
  readonly log: Logger;
  /** How long a worker's job lock lives (renewed while the job runs); a dead replica's jobs run again after it. */
  readonly lockDurationMs?: number;
  /** How often workers look for stalled jobs (a replica that died holding some). */
  readonly stalledIntervalMs?: number;
}

/** A RetryLater crossing BullMQ keeps its delay for the backoff strategy below. */
class DelayedRetry extends Error {
  readonly delayMs: number;
  constructor(reason: string, delayMs: number) {
    super(reason);
    this.delayMs = delayMs;
  }
}

export async function createBullQueue(options: BullQueueOptions): Promise<WorkQueue> {
  const { log } = options;
  // BullMQ wants maxRetriesPerRequest null on connections a Worker blocks on (it duplicates this one for that).
  const connection = new Redis(options.url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectionName: "paperboy-queue",
  });
  connection.on("error", (error: Error) => {
    log.warn({ err: error.message }, "queue connection error");
  });
  await connection.connect();
  const prefix = `${options.prefix}:q`;
  const queue = new Queue(QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      // The job decides when to give up (its period ends): BullMQ only schedules the attempts.
      attempts: 100_000,
      backoff: { type: "paperboy" },
      removeOnComplete: { age: KEEP_DONE_S },
      removeOnFail: { age: KEEP_DONE_S },
    },
  });
  queue.on("error", (error: Error) => {
    log.warn({ err: error.message }, "queue error");
  });
  let worker: Worker | undefined;
  let active = 0;
  const idlers: (() => void)[] = [];

  return {
    async add(jobs: readonly Job[]) {
      if (jobs.length === 0) return;
      for (let i = 0; i < jobs.length; i += 1_000)
        await queue.addBulk(
          jobs.slice(i, i + 1_000).map((j) => ({
            name: j.name,
            data: j.data,
            opts: { jobId: j.id, ...(KEEP_DONE[j.name] ? {} : { removeOnComplete: true }) },
          })),
        );
    },
    start(handler: JobHandler) {
      worker = new Worker(
        QUEUE,
        async (job: BullJob) => {
          active++;
          try {
            await handler(
              { id: job.id ?? "", name: job.name as JobName, data: job.data as Job["data"] },
              job.attemptsMade + 1,
            );
          } catch (error) {
            if (error instanceof RetryLater) throw new DelayedRetry(error.message, error.delayMs);
            // Anything else is logged once and not retried by the queue (the job decides about retries).
            log.error(
              { job: job.id, name: job.name, err: error instanceof Error ? error.message : String(error) },
              "job failed",
            );
            throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
          } finally {
            if (--active === 0) for (const done of idlers.splice(0)) done();
          }
        },
        {
          connection,
          prefix,
          concurrency: options.concurrency,
          // A job whose worker died is run again; one that stalls again (a second crash) too: the ledger makes a
          // second run safe, so do not fail it after one stall (BullMQ's default).
          maxStalledCount: 10,
          ...(options.lockDurationMs !== undefined ? { lockDuration: options.lockDurationMs } : {}),
          ...(options.stalledIntervalMs !== undefined ? { stalledInterval: options.stalledIntervalMs } : {}),
          settings: {
            backoffStrategy: (_attempts: number, _type?: string, error?: Error) =>
              error instanceof DelayedRetry ? error.delayMs : 1_000,
          },
        },
      );
      worker.on("error", (error: Error) => {
        log.warn({ err: error.message }, "queue worker error");
      });
    },
    backlog: () => active,
    idle: () => (active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idlers.push(resolve))),
    async close(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const bounded = (work: Promise<unknown>): Promise<unknown> =>
        Promise.race([
          work.catch(() => undefined),
          new Promise((r) => (timer = setTimeout(r, timeoutMs))),
        ]).finally(() => {
          clearTimeout(timer);
        });
      // worker.close() takes no new jobs and waits for the running ones. Past the deadline stop waiting: what still
      // runs dies with the process and another replica picks it up as stalled (the ledger resumes it).
      await bounded(worker?.close() ?? Promise.resolve());
      await bounded(queue.close());
      connection.disconnect();
    },
  };
}
