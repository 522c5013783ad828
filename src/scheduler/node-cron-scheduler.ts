// The Scheduler port on node-cron 4: one task per entry, tz-aware (DST-correct). Replicas each fire; the work queue
// dedupes what they add (docs/adr/0007-work-queue-on-bullmq.md), so no cross-replica lease is needed here.
// @see https://github.com/node-cron/node-cron — the only file in the project that imports node-cron.
import cron, { type ParsedFields, type ScheduledTask } from "node-cron";
import type { Logger } from "../ops/logger.js";
import type { Scheduler, ScheduledRun } from "./scheduler.js";

export function createNodeCronScheduler(deps: { readonly log: Logger }): Scheduler {
  const tasks = new Map<string, ScheduledTask>();

  const cancel = (id: string): void => {
    const task = tasks.get(id);
    if (!task) return;
    tasks.delete(id);
    void Promise.resolve(task.destroy()).catch(() => undefined);
  };

  return {
    schedule(id, expression, timezone, run: ScheduledRun) {
      cancel(id);
      const task = cron.schedule(
        expression,
        async (context) => {
          try {
            await run(context.date);
          } catch (error) {
            // Runs only add a job; if that fails (the store is down), say so here so node-cron's logger stays quiet.
            deps.log.error(
              { err: error instanceof Error ? error.message : String(error), id },
              "scheduled tick could not be queued",
            );
          }
        },
        {
          timezone,
          name: id,
          noOverlap: true,
          // A tick missed by more than this (event loop blocked, laptop asleep) is left to catch-up.
          missedExecutionTolerance: 30_000,
          suppressMissedWarning: true,
        },
      );
      tasks.set(id, task);
    },
    cancel,
    cancelAll() {
      for (const id of [...tasks.keys()]) cancel(id);
    },
    nextRun: cronNextRun,
    scheduledIds: () => [...tasks.keys()],
  };
}

// ---- next-run arithmetic: walk local calendar days, then the day's hours and minutes ----

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timezone, f);
  }
  return f;
}

function localParts(instant: number, timezone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(instant)))
    if (p.type !== "literal") out[p.type] = Number(p.value);
  return {
    year: out.year ?? 0,
    month: out.month ?? 0,
    day: out.day ?? 0,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

const asUtc = (p: LocalParts): number => Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);

/** The instant a local wall-clock time names in `timezone`, or undefined when it does not exist (DST gap). */
function localToInstant(p: LocalParts, timezone: string): number | undefined {
  const guess = asUtc(p);
  // Two passes settle the offset on either side of a transition; the read-back rejects skipped times.
  for (const offsetFrom of [guess, guess - (asUtc(localParts(guess, timezone)) - guess)]) {
    const candidate = guess - (asUtc(localParts(offsetFrom, timezone)) - offsetFrom);
    if (asUtc(localParts(candidate, timezone)) === guess) return candidate;
  }
  return undefined;
}

interface Matcher {
  fields: ParsedFields;
  numericDays: boolean;
  /** node-cron's own matcher, for the L / W / # day tokens only. */
  task?: ScheduledTask;
}
const matchers = new Map<string, Matcher>();

function matcherFor(expression: string, timezone: string): Matcher | undefined {
  const key = `${timezone}\u0000${expression}`;
  const cached = matchers.get(key);
  if (cached) return cached;
  let fields: ParsedFields;
  try {
    fields = cron.parse(expression.trim());
  } catch {
    return undefined;
  }
  const numericDays = [...fields.dayOfMonth, ...fields.dayOfWeek].every((v) => typeof v === "number");
  const matcher: Matcher = { fields, numericDays };
  if (!numericDays) {
    const task = cron.createTask(expression.trim(), () => undefined, { timezone });
    void Promise.resolve(task.destroy()).catch(() => undefined); // off the registry; match() still works
    matcher.task = task;
  }
  if (matchers.size > 5_000) matchers.clear();
  matchers.set(key, matcher);
  return matcher;
}

const MAX_DAYS = 366 * 8;
const DAY_MS = 86_400_000;

/** First instant strictly after `after` at which `expression` fires in `timezone`; undefined if none. */
export function cronNextRun(expression: string, timezone: string, after: Date): Date | undefined {
  const m = matcherFor(expression, timezone);
  if (!m || Number.isNaN(after.getTime())) return undefined;
  const { fields } = m;
  const afterMs = Math.floor(after.getTime() / 1000) * 1000;
  const start = localParts(afterMs, timezone);
  const seconds = [...fields.second].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const hours = [...fields.hour].sort((a, b) => a - b);
  // Candidates earlier than local "after" cannot be after `after` — unless the clocks go back within the next
  // hours (DST), when an hour earlier still can. Skipping them by arithmetic keeps a per-second cron cheap.
  const later = afterMs + 3 * 3600_000;
  const offsetChanges = asUtc(localParts(later, timezone)) - later !== asUtc(start) - afterMs;
  const floor = start.hour * 3600 + start.minute * 60 + start.second - (offsetChanges ? 3600 : 0);
  const startDay = Date.UTC(start.year, start.month - 1, start.day);
  for (let i = 0; i < MAX_DAYS; i++) {
    const d = new Date(startDay + i * DAY_MS);
    const [year, month, day, weekday] = [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCDay(),
    ];
    if (!fields.month.includes(month)) continue;
    if (m.numericDays && !(fields.dayOfMonth.includes(day) && fields.dayOfWeek.includes(weekday))) continue;
    for (const hour of hours) {
      if (i === 0 && hour * 3600 + 3599 < floor) continue;
      for (const minute of minutes) {
        if (i === 0 && hour * 3600 + minute * 60 + 59 < floor) continue;
        for (const second of seconds) {
          if (i === 0 && hour * 3600 + minute * 60 + second < floor) continue;
          const instant = localToInstant({ year, month, day, hour, minute, second }, timezone);
          if (instant === undefined || instant <= afterMs) continue;
          if (m.task && !m.task.match(new Date(instant))) continue;
          return new Date(instant);
        }
      }
    }
  }
  return undefined;
}
