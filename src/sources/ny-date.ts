// New York batch dates: which Daily Papers list is closed, ISO weeks and months, DST-correct via Intl.
// @see PLATFORMS.md §2.3 — a Hugging Face "day" is an America/New_York date whose list closes at 21:30 ET.

const NEW_YORK = "America/New_York";
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** Minutes after New York midnight at which a day's Daily Papers list is taken as closed (21:30 ET). */
export const BATCH_CUTOFF_MINUTES = 21 * 60 + 30;

const nyParts = new Intl.DateTimeFormat("en-US", {
  timeZone: NEW_YORK,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

interface NyClock {
  readonly date: string;
  readonly minutes: number;
}

function nyClock(instant: Date): NyClock {
  if (Number.isNaN(instant.getTime())) throw new RangeError("nyDate: invalid Date");
  const parts: Record<string, string> = {};
  for (const part of nyParts.formatToParts(instant)) parts[part.type] = part.value;
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year ?? ""}-${parts.month ?? ""}-${parts.day ?? ""}`,
    minutes: hour * 60 + Number(parts.minute),
  };
}

/** The calendar date ("YYYY-MM-DD") that `instant` falls on in America/New_York. */
export function nyDate(instant: Date): string {
  return nyClock(instant).date;
}

/** Parses "YYYY-MM-DD" into midnight UTC of that calendar date; throws on anything else (e.g. 2026-02-30). */
export function parseCalendarDate(date: string): Date {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: "${date}"`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: "${date}"`);
  return d;
}

/** True when `date` is a real "YYYY-MM-DD" calendar date. */
export function isCalendarDate(date: string): boolean {
  try {
    parseCalendarDate(date);
    return true;
  } catch {
    return false;
  }
}

/** Adds whole days to a "YYYY-MM-DD" calendar date (no time zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(parseCalendarDate(date).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The most recent New York date whose Daily Papers list has closed at `now`: before 21:30 ET that is
 * yesterday's New York date, at or after 21:30 ET it is today's.
 */
export function lastCompletedBatchDate(now: Date): string {
  const clock = nyClock(now);
  return clock.minutes >= BATCH_CUTOFF_MINUTES ? clock.date : addDays(clock.date, -1);
}

/** Every calendar date d with fromExclusive < d <= toInclusive, ascending ([] when the range is empty). */
export function batchDatesBetween(fromExclusive: string, toInclusive: string): string[] {
  const from = parseCalendarDate(fromExclusive).getTime();
  const to = parseCalendarDate(toInclusive).getTime();
  const dates: string[] = [];
  for (let t = from + DAY_MS; t <= to; t += DAY_MS) dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

/** A Date is read as its New York calendar date; a string must be "YYYY-MM-DD". */
function calendarDateOf(date: Date | string): Date {
  return parseCalendarDate(typeof date === "string" ? date : nyDate(date));
}

/** ISO-8601 week of a calendar date, e.g. "2026-W24" (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeek(date: Date | string): string {
  const d = calendarDateOf(date);
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  // The Thursday of this ISO week decides the week-based year.
  const thursday = new Date(d.getTime() + (4 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** "YYYY-MM" of a calendar date (a Date is read in New York). */
export function monthOf(date: Date | string): string {
  return calendarDateOf(date).toISOString().slice(0, 7);
}
