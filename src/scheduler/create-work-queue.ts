// The work queue a store calls for: BullMQ on the same Redis when replicas share it, else the in-process queue.
import type { Logger } from "../ops/logger.js";
import type { Store } from "../storage/store.js";
import { createBullQueue } from "./bullmq-queue.js";
import { createLocalQueue } from "./local-queue.js";
import type { WorkQueue } from "./work-queue.js";

export function createWorkQueue(
  store: Pick<Store, "redis">,
  options: {
    readonly concurrency: number;
    readonly log: Logger;
    readonly lockDurationMs?: number;
    readonly stalledIntervalMs?: number;
  },
): Promise<WorkQueue> {
  if (store.redis) return createBullQueue({ ...store.redis, ...options });
  return Promise.resolve(createLocalQueue(options));
}
