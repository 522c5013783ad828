// The queue's jobs: a tick fans out to its subscriptions' deliveries, a delivery runs (and is retried with backoff
// inside its period), a delivery left open is resumed, the watch poll runs once an hour.
import { createHash } from "node:crypto";
import type { Deliverer, DeliveryResult } from "../delivery/delivery.js";
import type { DeliveryStore } from "../delivery/delivery-store.js";
import { parseChannelKey } from "../platform/channel-ref.js";
import type { Logger } from "../ops/logger.js";
import type { Metrics } from "../ops/metrics.js";
import type { ScheduleGroup, SubscriptionStore } from "../subscriptions/subscription-store.js";
import type { WatchPoller } from "../watches/watch-poller.js";
import type { PaperUpdates } from "../updates/paper-updates.js";
import { periodKeyFor, type DeliverJob, type DigestJob } from "./digest-job.js";
import type { Scheduler } from "./scheduler.js";
import { RetryLater, type Job, type JobHandler, type WorkQueue } from "./work-queue.js";

/** Backoff of a delivery's retries: base × 2^(attempt−1), at most `capMs`, ±10 % jitter. */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, capMs: 60_000 };

/** Job ids: letters, digits and dashes only (BullMQ keeps ids in key names), deterministic per subject. */
export function jobId(name: string, subject: string): string {
  return `${name}-${createHash("sha256").update(subject).digest("base64url").replace(/[_]/g, "-").slice(0, 24)}`;
}

export const tickJob = (group: ScheduleGroup, firedAt: Date): Job => ({
  id: jobId("tick", `${group.cron}\u001f${group.timezone}\u001f${firedAt.toISOString()}`),
  name: "tick",
  data: { cron: group.cron, timezone: group.timezone, firedAt: firedAt.toISOString() },
});

export const deliverJob = (data: DeliverJob): Job => ({
  id: jobId("deliver", `${data.subscriptionId}@${data.periodKey}`),
  name: "deliver",
  data: { ...data },
});

/** A resume job per (delivery, claim token): a second crash of the same delivery gets a job of its own. */
export const resumeJob = (key: string, token: string): Job => ({
  id: jobId("resume", `${key}\u001f${token}`),
  name: "resume",
  data: { key },
});

export const watchPollJob = (at: Date): Job => ({
  id: jobId("watch", at.toISOString()),
  name: "watch-poll",
  data: { at: at.toISOString() },
});

export interface JobsDeps {
  readonly queue: Pick<WorkQueue, "add">;
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  readonly deliverer: Deliverer;
  readonly digestJob: DigestJob;
  readonly watchPoller: Pick<WatchPoller, "poll">;
  /** Thread updates ride on the hourly poll (absent: none). */
  readonly updates?: Pick<PaperUpdates, "poll">;
  readonly scheduler: Pick<Scheduler, "nextRun">;
  readonly now: () => Date;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly retry?: RetryPolicy;
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

export function createJobHandler(deps: JobsDeps): JobHandler {
  const { log, now } = deps;
  const policy = deps.retry ?? DEFAULT_RETRY;
  const delayFor = (attempt: number): number => {
    const raw = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(raw * (0.9 + Math.random() * 0.2));
  };
  const kindOf = (reason: string): "source" | "platform" | "store" =>
    /hugging face|arxiv/i.test(reason)
      ? "source"
      : /store|sqlite|redis|database|closed/i.test(reason)
        ? "store"
        : "platform";

  async function fanOut(data: Job["data"]): Promise<void> {
    const group = { cron: text(data.cron), timezone: text(data.timezone) };
    const firedAt = new Date(text(data.firedAt));
    const at = now();
    const jobs: Job[] = [];
    for (const sub of await deps.subscriptions.inGroup(group)) {
      if (sub.paused) continue;
      const periodKey = periodKeyFor(sub, firedAt, at);
      if (typeof periodKey !== "string" || sub.lastDelivered?.periodKey === periodKey) continue;
      jobs.push(deliverJob({ subscriptionId: sub.id, periodKey, firedAt: firedAt.toISOString() }));
    }
    await deps.queue.add(jobs);
  }

  /** Asks for another attempt, unless the next scheduled run (which covers this period's papers too) is due first. */
  async function retryOrGiveUp(job: DeliverJob, reason: string, attempt: number): Promise<undefined> {
    const channel = parseChannelKey(job.subscriptionId.slice(0, job.subscriptionId.lastIndexOf("|")));
    const sub = await deps.subscriptions.get(job.subscriptionId).catch(() => undefined);
    const delay = delayFor(attempt);
    const next = sub ? deps.scheduler.nextRun(sub.cron, sub.timezone, new Date(job.firedAt)) : undefined;
    const deadline = next?.getTime() ?? Date.parse(job.firedAt) + 24 * 60 * 60_000;
    if (now().getTime() + delay >= deadline) {
      log.warn(
        { subscription: job.subscriptionId, period: job.periodKey, reason, attempts: attempt },
        "gave up retrying a digest: its next run is due",
      );
      await deps.subscriptions.markRetrying(job.subscriptionId, undefined).catch(() => undefined);
      return undefined;
    }
    const since = sub?.retry?.periodKey === job.periodKey ? sub.retry.since : now().toISOString();
    await deps.subscriptions
      .markRetrying(job.subscriptionId, {
        periodKey: job.periodKey,
        reason,
        since,
        attempts: attempt,
        nextAt: new Date(now().getTime() + delay).toISOString(),
      })
      .catch(() => undefined);
    deps.metrics.deliveryRetry(kindOf(reason), channel?.platform ?? "console");
    log.warn(
      { subscription: job.subscriptionId, period: job.periodKey, reason, attempt, delayMs: delay },
      "digest will be retried",
    );
    throw new RetryLater(reason, delay);
  }

  async function deliver(data: Job["data"], attempt: number): Promise<void> {
    const job: DeliverJob = {
      subscriptionId: text(data.subscriptionId),
      periodKey: text(data.periodKey),
      firedAt: text(data.firedAt),
    };
    const started = now().getTime();
    let result: DeliveryResult;
    try {
      result = await deps.digestJob.run(job);
    } catch (error) {
      // Something threw (most often the store): the ledger keeps what happened; try again later.
      await retryOrGiveUp(
        job,
        `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
        attempt,
      );
      return;
    }
    const platform =
      parseChannelKey(job.subscriptionId.slice(0, job.subscriptionId.lastIndexOf("|")))?.platform ??
      "console";
    const seconds = (now().getTime() - started) / 1000;
    switch (result.status) {
      case "retry":
        await retryOrGiveUp(job, result.reason, attempt);
        return;
      case "unrecorded":
        await retryOrGiveUp(job, `the store failed after posting: ${result.error}`, attempt);
        return;
      case "posted":
        deps.metrics.digest("posted", platform, seconds);
        return;
      case "rejected":
        deps.metrics.digest("rejected", platform, seconds);
        return;
      case "failed":
        deps.metrics.digest("failed", platform, seconds);
        log.error(
          { subscription: job.subscriptionId, period: job.periodKey, err: result.error },
          "digest failed for good",
        );
        return;
      case "empty":
      case "skipped":
        return;
    }
  }

  async function resume(data: Job["data"], attempt: number): Promise<void> {
    const record = await deps.deliveries.get(text(data.key));
    if (!record) return;
    const result = await deps.deliverer.resume(record, false);
    if (result.status === "retry") throw new RetryLater(result.reason, delayFor(attempt));
    if (result.status === "unrecorded") throw new RetryLater(result.error, delayFor(attempt));
    log.info({ key: record.key, status: result.status }, "resumed a delivery left open");
  }

  return async (job, attempt) => {
    switch (job.name) {
      case "tick":
        return fanOut(job.data);
      case "deliver":
        return deliver(job.data, attempt);
      case "resume":
        return resume(job.data, attempt);
      case "watch-poll":
        await deps.watchPoller.poll();
        await deps.updates?.poll();
        return;
    }
  };
}

/**
 * Resume jobs for the open deliveries whose owner is gone (another process on SQLite; a replica without heartbeat on
 * Redis), from the ledger's index, never a scan. A live owner's open deliveries are its own retries.
 */
export async function resumeOpenDeliveries(
  deliveries: DeliveryStore,
  queue: Pick<WorkQueue, "add">,
): Promise<number> {
  const open = (await deliveries.open()).filter((r) => !r.ownerAlive);
  // A subscription's delivery resumes as its own deliver job (the same id a catch-up tick would add, so the two meet
  // in one job); anything else (an on-demand digest, a share, an alert) as a resume job.
  await queue.add(
    open.map((r) =>
      r.subscriptionId !== undefined && r.periodKey !== undefined
        ? deliverJob({
            subscriptionId: r.subscriptionId,
            periodKey: r.periodKey,
            firedAt: new Date(r.claimedAt).toISOString(),
          })
        : resumeJob(r.key, r.token),
    ),
  );
  return open.length;
}
