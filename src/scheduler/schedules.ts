// Live schedules: one cron entry per schedule group (cron + time zone), however many channels share it. When one fires,
// every replica adds the same tick job (its id is the group and the minute), so the queue runs the fan-out once.
import type { Logger } from "../ops/logger.js";
import type { ScheduleGroup, SubscriptionStore } from "../subscriptions/subscription-store.js";
import { WATCH_POLL_CRON } from "../watches/watch-poller.js";
import { jobId, tickJob, watchPollJob } from "./jobs.js";
import { previousRun, type Scheduler } from "./scheduler.js";
import type { WorkQueue } from "./work-queue.js";

/** A run missed by more than this is skipped, not caught up (nobody wants yesterday's 09:00 digest at 20:00). */
export const DEFAULT_GRACE_MS = 6 * 60 * 60_000;
const WATCH_POLL_ID = "watch-poll";

export interface Schedules {
  /** Puts every stored group on the scheduler (and the hourly watch poll); resolves to how many entries changed. */
  sync(): Promise<number>;
  /** Adds the tick of every group whose last scheduled time within the grace window has passed: missed while down. */
  catchUp(): Promise<number>;
  /** Re-syncs whenever the stored subscriptions changed (another replica, or this one), checked every `everyMs`. */
  watch(everyMs: number): void;
  stop(): void;
}

export function createSchedules(deps: {
  readonly scheduler: Scheduler;
  readonly subscriptions: Pick<SubscriptionStore, "groups" | "version">;
  readonly queue: Pick<WorkQueue, "add">;
  readonly now: () => Date;
  readonly log: Logger;
  readonly graceMs?: number;
}): Schedules {
  const { scheduler, log } = deps;
  const live = new Map<string, ScheduleGroup>();
  let seenVersion: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const idOf = (group: ScheduleGroup): string => jobId("group", `${group.cron}\u001f${group.timezone}`);

  async function sync(): Promise<number> {
    seenVersion = await deps.subscriptions.version();
    const groups = await deps.subscriptions.groups();
    let changed = 0;
    const wanted = new Set<string>();
    for (const group of groups) {
      const id = idOf(group);
      wanted.add(id);
      if (live.has(id)) continue;
      try {
        scheduler.schedule(id, group.cron, group.timezone, async (firedAt) => {
          await deps.queue.add([tickJob(group, firedAt)]);
        });
        live.set(id, group);
        changed++;
      } catch (error) {
        log.error(
          {
            cron: group.cron,
            timezone: group.timezone,
            err: error instanceof Error ? error.message : String(error),
          },
          'cannot schedule a stored subscription; fix it with /papers subscribe … cron "0 9 * * 1-5"',
        );
      }
    }
    for (const id of [...live.keys()])
      if (!wanted.has(id)) {
        scheduler.cancel(id);
        live.delete(id);
        changed++;
      }
    if (!scheduler.scheduledIds().includes(WATCH_POLL_ID))
      scheduler.schedule(WATCH_POLL_ID, WATCH_POLL_CRON, "UTC", async (at) => {
        await deps.queue.add([watchPollJob(at)]);
      });
    return changed;
  }

  return {
    sync,
    async catchUp() {
      const now = deps.now();
      const from = new Date(now.getTime() - (deps.graceMs ?? DEFAULT_GRACE_MS));
      const ticks = [...live.values()].flatMap((group) => {
        const last = previousRun(scheduler, group.cron, group.timezone, now, from);
        return last ? [tickJob(group, last)] : [];
      });
      await deps.queue.add(ticks);
      return ticks.length;
    },
    watch(everyMs) {
      if (everyMs <= 0) return;
      timer = setInterval(() => {
        void (async () => {
          try {
            if ((await deps.subscriptions.version()) !== seenVersion) await sync();
          } catch (error) {
            log.warn(
              { err: error instanceof Error ? error.message : String(error) },
              "schedule resync failed",
            );
          }
        })();
      }, everyMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      scheduler.cancelAll();
      live.clear();
    },
  };
}
