// Test fake of the Scheduler port: records entries and fires them on demand; next-run math is the real one.
import { cronNextRun } from "../../src/scheduler/node-cron-scheduler.js";
import type { ScheduledRun, Scheduler } from "../../src/scheduler/scheduler.js";

export interface ManualEntry {
  readonly id: string;
  readonly cron: string;
  readonly timezone: string;
  readonly run: ScheduledRun;
}

export interface ManualScheduler extends Scheduler {
  readonly entries: ReadonlyMap<string, ManualEntry>;
  /** Runs entry `id` as if its cron fired at `at`; throws when nothing is scheduled under that id. */
  fire(id: string, at: Date): Promise<void>;
}

export function createManualScheduler(): ManualScheduler {
  const entries = new Map<string, ManualEntry>();
  return {
    entries,
    schedule(id, cron, timezone, run) {
      entries.set(id, { id, cron, timezone, run });
    },
    cancel(id) {
      entries.delete(id);
    },
    cancelAll() {
      entries.clear();
    },
    nextRun: cronNextRun,
    scheduledIds: () => [...entries.keys()],
    async fire(id, at) {
      const entry = entries.get(id);
      if (!entry) throw new Error(`nothing scheduled under ${id}`);
      await entry.run(at);
    },
  };
}
