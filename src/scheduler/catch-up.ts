// Start-up: resolve crashed claims, re-schedule every subscription, and run once what was missed while down.
import type { Logger } from "../shared/logger.js";
import type { SubscriptionStore } from "../subscriptions/subscription-store.js";
import type { DeliveryLedger, RecoveryReport } from "./delivery-ledger.js";
import type { JobResult } from "./digest-job.js";
import { previousRun } from "./scheduler.js";
import type { SubscriptionRunner } from "./subscription-runner.js";

/** A run missed by more than this is skipped, not caught up (nobody wants yesterday's 09:00 digest at 20:00). */
export const DEFAULT_GRACE_MS = 6 * 60 * 60_000;

export interface StartUpReport {
  readonly recovered: RecoveryReport;
  readonly scheduled: number;
  /** Subscription id → result of its catch-up run. */
  readonly caughtUp: ReadonlyMap<string, JobResult>;
}

export interface StartUpDeps {
  readonly subscriptions: SubscriptionStore;
  readonly runner: SubscriptionRunner;
  readonly ledger: DeliveryLedger;
  readonly now: () => Date;
  readonly log: Logger;
  readonly graceMs?: number;
  /**
   * True for one process on a file store: every claim left in the ledger belongs to a process that
   * died. With a shared store (Redis) other replicas are alive, so only expired claims are resolved.
   */
  readonly previousOwnersDead: boolean;
}

/**
 * Resolves claims left by a crash (see delivery-ledger.ts: "claimed" is retried, "posting" is marked
 * unknown and its period counted as delivered), schedules every active subscription, then runs once
 * each subscription whose most recent scheduled time lies within the grace window and was not
 * delivered. The delivery claim keeps a catch-up from posting twice, also across replicas.
 */
export async function startSubscriptions(deps: StartUpDeps): Promise<StartUpReport> {
  const { subscriptions, runner, ledger, log } = deps;
  const recovered = await ledger.recover({ previousOwnersDead: deps.previousOwnersDead });
  for (const record of recovered.unknown) {
    if (record.subscriptionId !== undefined && record.periodKey !== undefined) {
      await subscriptions.markDelivered(record.subscriptionId, record.periodKey, new Date(record.at));
    }
  }
  const all = await subscriptions.all();
  let scheduled = 0;
  for (const sub of all) {
    try {
      runner.schedule(sub);
      if (!sub.paused) scheduled++;
    } catch (error) {
      log.error(
        { subscription: sub.id, cron: sub.cron, err: error instanceof Error ? error.message : String(error) },
        "cannot schedule subscription; fix it with /papers subscribe … cron \"0 9 * * 1-5\"",
      );
    }
  }
  const caughtUp = await catchUp({ ...deps, subscriptions: { all: () => Promise.resolve(all) } });
  log.info({ scheduled, caughtUp: caughtUp.size, released: recovered.released.length, unknown: recovered.unknown.length }, "subscriptions started");
  return { recovered, scheduled, caughtUp };
}

/** Runs each active subscription once whose last scheduled time within the grace window was missed. */
export async function catchUp(deps: {
  readonly subscriptions: Pick<SubscriptionStore, "all">;
  readonly runner: SubscriptionRunner;
  readonly now: () => Date;
  readonly graceMs?: number;
}): Promise<Map<string, JobResult>> {
  const now = deps.now();
  const windowStart = new Date(now.getTime() - (deps.graceMs ?? DEFAULT_GRACE_MS));
  const due: { id: string; at: Date }[] = [];
  // Thousands of subscriptions share a handful of (cron, time zone) pairs: walk each pair's calendar once.
  const lastRuns = new Map<string, Date | undefined>();
  const lastRunOf = (cron: string, timezone: string): Date | undefined => {
    const key = `${cron}\u0000${timezone}`;
    if (!lastRuns.has(key)) lastRuns.set(key, previousRun(deps.runner.scheduler, cron, timezone, now, windowStart));
    return lastRuns.get(key);
  };
  for (const sub of await deps.subscriptions.all()) {
    if (sub.paused) continue;
    const last = lastRunOf(sub.cron, sub.timezone);
    if (!last) continue;
    const deliveredAt = sub.lastDelivered ? Date.parse(sub.lastDelivered.at) : Number.NEGATIVE_INFINITY;
    if (deliveredAt >= last.getTime()) continue;
    due.push({ id: sub.id, at: last });
  }
  const results = await Promise.all(due.map(async ({ id, at }) => [id, await deps.runner.run(id, at)] as const));
  return new Map(results);
}
