import { describe, expect, it } from "vitest";
import { describeSchedule, formatRunTime } from "../../src/subscriptions/describe-schedule.js";

describe("describeSchedule", () => {
  it.each([
    ["0 9 * * 1-5", "weekdays at 09:00"],
    ["30 16 * * 5", "Fridays at 16:30"],
    ["0 8 * * 1", "Mondays at 08:00"],
    ["0 9 * * 1,3", "Mondays and Wednesdays at 09:00"],
    ["15 10 1 * *", "the 1st of each month at 10:15"],
    ["0 7 * * *", "every day at 07:00"],
    ["0 * * * *", "every hour at :00"],
    ["*/5 9-17 * * *", 'cron "*/5 9-17 * * *"'],
  ])("says %s as %s", (cron, words) => {
    expect(describeSchedule(cron)).toBe(words);
  });
});

describe("formatRunTime", () => {
  it("shows an instant in the subscriber's zone", () => {
    expect(formatRunTime(new Date("2026-11-30T08:00:00Z"), "Europe/Berlin")).toBe(
      "Mon 30 Nov 09:00 Europe/Berlin",
    );
    expect(formatRunTime(new Date("2026-07-01T07:00:00Z"), "Asia/Kolkata")).toBe(
      "Wed 1 Jul 12:30 Asia/Kolkata",
    );
  });
});
