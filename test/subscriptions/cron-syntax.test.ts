// Cron syntax check: valid five-field expressions pass, each kind of mistake names its field.
import { describe, expect, it } from "vitest";
import { cronProblem } from "../../src/subscriptions/cron-syntax.js";

describe("cronProblem", () => {
  it.each([
    "* * * * *",
    "0 9 * * *",
    "30 9 * * MON-FRI",
    "30 9 * * mon,wed,fri",
    "*/5 * * * *",
    "0 0-23/2 * * *",
    "0 9 1,15 * *",
    "0 9 * JAN-MAR,oct *",
    "0 9 * * 0",
    "0 9 * * 7",
    "59 23 31 12 6",
    "5/10 * * * *",
  ])("accepts %j", (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ["", "has 0"],
    ["0 9 * *", "has 4"],
    ["0 0 9 * * *", "has 6"],
    ["60 * * * *", "field 1 (minute)"],
    ["* 24 * * *", "field 2 (hour)"],
    ["* * 32 * *", "field 3 (day of month)"],
    ["* * * 0 *", "field 4 (month)"],
    ["* * * * 8", "field 5 (day of week)"],
    ["* * * FOO *", '"FOO" is not a number or a name (JAN…DEC)'],
    ["* * * * MON-SUNDAY", '"SUNDAY"'],
    ["L * * * *", '"L" is not a number'],
    ["*/0 * * * *", "bad step"],
    ["*/61 * * * *", "bad step"],
    ["1/2/3 * * * *", "more than one"],
    ["5-1 * * * *", "runs backwards"],
    ["1-2-3 * * * *", "not a range"],
    ["1,,2 * * * *", "is empty"],
    ["-1 * * * *", '"-1" is not a range'],
    ["? * * * *", "not a number"],
    ["999 * * * *", "not a number"],
  ])("rejects %j naming %j", (expression, fragment) => {
    expect(cronProblem(expression)).toContain(fragment);
  });
});
