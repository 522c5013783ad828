// Subscriptions on the scheduler: one cron entry each, runs through one bounded delivery queue.
import PQueue from "p-queue";
import type { Subscription } from "../subscriptions/subscription.js";
import type { DigestJob, JobResult } from "./digest-job.js";
import type { Scheduler } from "./scheduler.js";

/** Deliveries in flight at once across all channels (each channel still gets one post at a time). */
export const DEFAULT_DELIVERY_CONCURRENCY = 200;

export interface SubscriptionRunner {
  /** Creates or replaces the subscription's cron entry (paused ones are removed instead). */
  schedule(subscription: Subscription): void;
  cancel(id: string): void;
  /** Queues one run now, as if the cron had fired at `firedAt`; resolves to its result. */
  run(id: string, firedAt: Date): Promise<JobResult>;
  /** Resolves when every queued run has finished. */
  idle(): Promise<void>;
  /** Runs queued or in flight: how busy this replica is. */
  backlog(): number;
  readonly scheduler: Scheduler;
}

export function createSubscriptionRunner(deps: {
  scheduler: Scheduler;
  job: DigestJob;
  concurrency?: number;
}): SubscriptionRunner {
  const { scheduler, job } = deps;
  const queue = new PQueue({ concurrency: deps.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY });
  const run = async (id: string, firedAt: Date): Promise<JobResult> => {
    const result = await queue.add(() => job.run(id, firedAt));
    return result ?? { status: "skipped", reason: "queue cleared" };
  };
  return {
    scheduler,
    schedule(subscription) {
      if (subscription.paused) {
        scheduler.cancel(subscription.id);
        return;
      }
      scheduler.schedule(subscription.id, subscription.cron, subscription.timezone, async (firedAt) => {
        await run(subscription.id, firedAt);
      });
    },
    cancel: (id) => {
      scheduler.cancel(id);
    },
    run,
    idle: () => queue.onIdle(),
    backlog: () => queue.size + queue.pending,
  };
}
