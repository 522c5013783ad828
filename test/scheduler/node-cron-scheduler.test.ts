// Next-run arithmetic in a time zone (DST, weekdays, L, leap days, look-back) and node-cron running a schedule for real.
import { describe, expect, it } from "vitest";
import { createNodeCronScheduler, cronNextRun } from "../../src/scheduler/node-cron-scheduler.js";
import { previousRun } from "../../src/scheduler/scheduler.js";
import { silentLogger } from "../../src/ops/logger.js";

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

describe("next run in a time zone", () => {
  it("fires a 09:00 Europe/Berlin subscription at 08:00 UTC before and 07:00 UTC after the last Sunday of March", () => {
    expect(iso(cronNextRun("0 9 * * *", "Europe/Berlin", new Date("2026-03-28T12:00:00Z")))).toBe(
      "2026-03-29T07:00:00.000Z",
    );
    expect(iso(cronNextRun("0 9 * * *", "Europe/Berlin", new Date("2026-03-27T12:00:00Z")))).toBe(
      "2026-03-28T08:00:00.000Z",
    );
  });

  it("fires a 09:00 Europe/Berlin subscription at 07:00 UTC before and 08:00 UTC after the last Sunday of October", () => {
    expect(iso(cronNextRun("0 9 * * *", "Europe/Berlin", new Date("2026-10-24T12:00:00Z")))).toBe(
      "2026-10-25T08:00:00.000Z",
    );
    expect(iso(cronNextRun("0 9 * * *", "Europe/Berlin", new Date("2026-10-23T12:00:00Z")))).toBe(
      "2026-10-24T07:00:00.000Z",
    );
  });

  it("skips the weekend for a weekday schedule", () => {
    expect(iso(cronNextRun("0 9 * * 1-5", "Europe/Berlin", new Date("2026-11-27T12:00:00Z")))).toBe(
      "2026-11-30T08:00:00.000Z",
    );
  });

  it("skips a local time that does not exist on the spring-forward night", () => {
    expect(iso(cronNextRun("30 2 * * *", "Europe/Berlin", new Date("2026-03-28T12:00:00Z")))).toBe(
      "2026-03-30T00:30:00.000Z",
    );
  });

  it("is strictly after the given instant", () => {
    expect(iso(cronNextRun("0 9 * * *", "UTC", new Date("2026-06-15T09:00:00Z")))).toBe(
      "2026-06-16T09:00:00.000Z",
    );
  });

  it("handles the last-day token and leap days", () => {
    expect(iso(cronNextRun("0 9 L * *", "UTC", new Date("2026-11-27T12:00:00Z")))).toBe(
      "2026-11-30T09:00:00.000Z",
    );
    expect(iso(cronNextRun("0 0 29 2 *", "UTC", new Date("2026-11-27T12:00:00Z")))).toBe(
      "2028-02-29T00:00:00.000Z",
    );
  });

  it("finds the most recent scheduled time within a window", () => {
    const scheduler = { nextRun: cronNextRun };
    const at = new Date("2026-06-16T10:00:00Z");
    expect(
      iso(previousRun(scheduler, "0 9 * * 1-5", "Europe/Berlin", at, new Date(at.getTime() - 6 * 3600_000))),
    ).toBe("2026-06-16T07:00:00.000Z");
    expect(
      previousRun(scheduler, "0 9 * * 1-5", "Europe/Berlin", at, new Date(at.getTime() - 2 * 3600_000)),
    ).toBeUndefined();
  });

  it("finds the last second of a per-second cron over a six-hour window in a few dozen nextRun calls", () => {
    // Walking the window run by run took 10,000 calls (and ~20 minutes of blocked event loop at start-up).
    let calls = 0;
    const scheduler = {
      nextRun: (cron: string, tz: string, after: Date) => {
        calls++;
        return cronNextRun(cron, tz, after);
      },
    };
    const at = new Date("2026-06-16T10:00:00.400Z");
    expect(iso(previousRun(scheduler, "* * * * * *", "UTC", at, new Date(at.getTime() - 6 * 3600_000)))).toBe(
      "2026-06-16T10:00:00.000Z",
    );
    expect(calls).toBeLessThan(50);
    calls = 0;
    expect(
      iso(previousRun(scheduler, "0 9 * * 1-5", "Europe/Berlin", at, new Date(at.getTime() - 6 * 3600_000))),
    ).toBe("2026-06-16T07:00:00.000Z");
    expect(calls).toBeLessThan(50);
  });

  it("keeps the repeated hour when the clocks go back, also for a per-second cron", () => {
    // 02:59:59 CEST is followed by 02:00:00 CET: a local time earlier than the start is still the next run.
    expect(iso(cronNextRun("* * * * * *", "Europe/Berlin", new Date("2026-10-25T00:59:59Z")))).toBe(
      "2026-10-25T01:00:00.000Z",
    );
    expect(iso(cronNextRun("0 30 2 * * *", "Europe/Berlin", new Date("2026-10-25T00:45:00Z")))).toBe(
      "2026-10-25T01:30:00.000Z",
    );
    expect(iso(cronNextRun("* * * * * *", "America/New_York", new Date("2026-06-15T12:00:00.400Z")))).toBe(
      "2026-06-15T12:00:01.000Z",
    );
  });

  it("has no next run for an invalid expression (the subscribe grammar refuses it first: cron-syntax.ts)", () => {
    expect(cronNextRun("nonsense", "UTC", new Date())).toBeUndefined();
    expect(cronNextRun("0 25 * * *", "UTC", new Date())).toBeUndefined();
  });
});

describe("node-cron scheduler", () => {
  // The one test that runs node-cron on the wall clock: a per-second schedule runs at each second, until cancelled.
  it("runs a per-second schedule for real, at whole seconds, and cancel stops it", async () => {
    const scheduler = createNodeCronScheduler({ log: silentLogger });
    const runs: Date[] = [];
    scheduler.schedule("every-second", "* * * * * *", "UTC", (at) => {
      runs.push(at);
      return Promise.resolve();
    });
    expect(scheduler.scheduledIds()).toEqual(["every-second"]);
    await new Promise((r) => setTimeout(r, 2_500));
    scheduler.cancel("every-second");
    const ticks = runs.map((at) => at.toISOString());
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(runs.every((at) => at.getMilliseconds() === 0)).toBe(true);
    expect(scheduler.scheduledIds()).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(runs).toHaveLength(ticks.length);
  });
});
