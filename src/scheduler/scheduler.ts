// The Scheduler port: cron entries by id, live add/change/remove, and next-run arithmetic in a time zone.

/** What the scheduler calls at each tick; `firedAt` is the scheduled minute (not the wall clock). */
export type ScheduledRun = (firedAt: Date) => Promise<void>;

export interface Scheduler {
  /** Creates or replaces the entry `id`; `cron` has 5 fields (or 6 with seconds), read in `timezone`. */
  schedule(id: string, cron: string, timezone: string, run: ScheduledRun): void;
  /** Removes the entry `id`; unknown ids are ignored. */
  cancel(id: string): void;
  cancelAll(): void;
  /** The first time strictly after `after` at which `cron` fires in `timezone`; undefined if never (or invalid). */
  nextRun(cron: string, timezone: string, after: Date): Date | undefined;
  /** Ids currently scheduled (for settings, health and tests). */
  scheduledIds(): readonly string[];
}

/** The most recent time at or before `at` (and after `notBefore`) at which `cron` fired, or undefined. */
export function previousRun(
  scheduler: Pick<Scheduler, "nextRun">,
  cron: string,
  timezone: string,
  at: Date,
  notBefore: Date,
): Date | undefined {
  const atMs = at.getTime();
  const floorMs = notBefore.getTime() - 1;
  // Look back 1 s, 2 s, 4 s … until a run falls in (from, at], then walk forward to the last one: a few
  // dozen nextRun calls whatever the window, where walking the whole window would take one per run
  // (21,600 for a per-second cron over six hours).
  for (let back = 1_000; Number.isFinite(atMs); back *= 2) {
    const from = Math.max(atMs - back, floorMs);
    const first = scheduler.nextRun(cron, timezone, new Date(from));
    if (first !== undefined && first.getTime() <= atMs) {
      let last = first;
      // Bounded: (from, at - back / 2] holds few runs of any sane schedule; cap the walk anyway.
      for (let i = 0; i < 10_000; i++) {
        const next = scheduler.nextRun(cron, timezone, last);
        if (next === undefined || next.getTime() > atMs) return last;
        last = next;
      }
      return last;
    }
    if (from <= floorMs) return undefined;
  }
  return undefined;
}
