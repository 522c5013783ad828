// New York batch-date helpers: DST, the 21:30 ET cutoff, ISO weeks and month labels.
import { describe, expect, it } from "vitest";
import {
  batchDatesBetween,
  isoWeek,
  lastCompletedBatchDate,
  monthOf,
  nyDate,
  parseCalendarDate,
} from "../../src/sources/ny-date.js";

describe("nyDate", () => {
  it("rolls over at New York midnight in summer (EDT, UTC-4)", () => {
    expect(nyDate(new Date("2026-06-13T03:59:59Z"))).toBe("2026-06-12");
    expect(nyDate(new Date("2026-06-13T04:00:00Z"))).toBe("2026-06-13");
  });

  it("rolls over at New York midnight in winter (EST, UTC-5)", () => {
    expect(nyDate(new Date("2026-01-16T04:59:59Z"))).toBe("2026-01-15");
    expect(nyDate(new Date("2026-01-16T05:00:00Z"))).toBe("2026-01-16");
  });

  it("is right on both sides of the spring-forward and fall-back switches", () => {
    expect(nyDate(new Date("2026-03-08T06:59:00Z"))).toBe("2026-03-08"); // 01:59 EST
    expect(nyDate(new Date("2026-03-08T07:00:00Z"))).toBe("2026-03-08"); // 03:00 EDT
    expect(nyDate(new Date("2026-11-01T05:30:00Z"))).toBe("2026-11-01"); // 01:30 EDT
    expect(nyDate(new Date("2026-11-01T06:30:00Z"))).toBe("2026-11-01"); // 01:30 EST
    expect(nyDate(new Date("2026-11-02T04:59:00Z"))).toBe("2026-11-01"); // 23:59 EST
  });
});

describe("lastCompletedBatchDate", () => {
  it("GIVEN 21:29 ET in summer THEN today's list is still open, so it is yesterday's date", () => {
    expect(lastCompletedBatchDate(new Date("2026-06-13T01:29:00Z"))).toBe("2026-06-11");
  });

  it("GIVEN 21:30 ET in summer THEN today's New York date", () => {
    expect(lastCompletedBatchDate(new Date("2026-06-13T01:30:00Z"))).toBe("2026-06-12");
  });

  it("applies the cutoff at 21:30 EST (02:30 UTC) in winter", () => {
    expect(lastCompletedBatchDate(new Date("2026-01-16T02:29:00Z"))).toBe("2026-01-14");
    expect(lastCompletedBatchDate(new Date("2026-01-16T02:30:00Z"))).toBe("2026-01-15");
  });

  it("uses the new offset on the DST switch days", () => {
    // 2026-03-08 is spring-forward day: 21:30 EDT = 01:30 UTC on the 9th.
    expect(lastCompletedBatchDate(new Date("2026-03-09T01:29:00Z"))).toBe("2026-03-07");
    expect(lastCompletedBatchDate(new Date("2026-03-09T01:30:00Z"))).toBe("2026-03-08");
    // 2026-11-01 is fall-back day: 21:30 EST = 02:30 UTC on the 2nd.
    expect(lastCompletedBatchDate(new Date("2026-11-02T02:29:00Z"))).toBe("2026-10-31");
    expect(lastCompletedBatchDate(new Date("2026-11-02T02:30:00Z"))).toBe("2026-11-01");
  });

  it("crosses month and year boundaries", () => {
    expect(lastCompletedBatchDate(new Date("2026-01-01T12:00:00Z"))).toBe("2025-12-31");
  });
});

describe("batchDatesBetween", () => {
  it("lists the dates after `from` up to and including `to`", () => {
    expect(batchDatesBetween("2026-06-10", "2026-06-12")).toEqual(["2026-06-11", "2026-06-12"]);
  });

  it("is empty when nothing is new or the range is reversed", () => {
    expect(batchDatesBetween("2026-06-12", "2026-06-12")).toEqual([]);
    expect(batchDatesBetween("2026-06-12", "2026-06-01")).toEqual([]);
  });

  it("crosses a DST switch and a year end without duplicates or gaps", () => {
    expect(batchDatesBetween("2026-03-07", "2026-03-09")).toEqual(["2026-03-08", "2026-03-09"]);
    expect(batchDatesBetween("2025-12-30", "2026-01-02")).toEqual(["2025-12-31", "2026-01-01", "2026-01-02"]);
  });

  it("rejects something that is not a calendar date", () => {
    expect(() => batchDatesBetween("2026-02-30", "2026-03-01")).toThrow(/calendar date/);
    expect(() => parseCalendarDate("yesterday")).toThrow(/YYYY-MM-DD/);
  });
});

describe("isoWeek and monthOf", () => {
  it("labels the recorded batch date 2026-06-12 as 2026-W24 and 2026-06", () => {
    expect(isoWeek("2026-06-12")).toBe("2026-W24");
    expect(monthOf("2026-06-12")).toBe("2026-06");
  });

  it("puts early-January and late-December days in the ISO week-year they belong to", () => {
    expect(isoWeek("2021-01-03")).toBe("2020-W53");
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
    expect(isoWeek("2026-12-31")).toBe("2026-W53");
    expect(isoWeek("2026-01-01")).toBe("2026-W01");
  });

  it("reads a Date as its New York calendar date", () => {
    // Monday 03:00 UTC is still Sunday evening in New York.
    expect(isoWeek(new Date("2026-06-15T03:00:00Z"))).toBe("2026-W24");
    expect(monthOf(new Date("2026-07-01T03:00:00Z"))).toBe("2026-06");
  });
});
