// Daily Papers lists for a range of days, for backfill tests: every weekday its own few recorded papers (one shared
// with the weekday before, as Hugging Face lists a paper again now and then), weekends empty.
import { FIXTURES, recordedJson, type PaperApiServer, type ProgrammedResponse } from "./paper-api-server.js";

interface Item {
  paper: { id: string; submittedOnDailyAt?: string };
}

const DAY_MS = 86_400_000;
const isWeekend = (date: string): boolean => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

export interface DailyLists {
  /** The ids listed on `date` ([] on weekends and before `start`). */
  idsOn(date: string): string[];
  /** Every distinct id listed from `from` to `to`. */
  distinctIds(from: string, to: string): Set<string>;
}

/** Every date from `from` to `to`, inclusive. */
export function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Scripts `GET /api/daily_papers?date=` on `hf`: the n-th weekday since `start` lists recorded items 2n…2n+2
 * (wrapping over the 30 recorded ones), each stamped with that day.
 */
export interface DailyListOptions {
  /** Each answer comes this long after the request. */
  readonly delayMs?: number;
  /** Answers the `attempt`-th request (1-based) for `date` this way instead, when it returns a response. */
  readonly override?: (date: string, attempt: number) => ProgrammedResponse | undefined;
}

export function serveDailyLists(
  hf: PaperApiServer,
  start: string,
  options: DailyListOptions = {},
): DailyLists {
  const items = recordedJson(FIXTURES.daily) as Item[];
  const weekdayIndex = (date: string): number | undefined => {
    if (date < start || isWeekend(date)) return undefined;
    return datesFrom(start, date).filter((d) => !isWeekend(d)).length - 1;
  };
  const listOn = (date: string): Item[] => {
    const n = weekdayIndex(date);
    if (n === undefined) return [];
    return [0, 1, 2].map((k) => {
      const item = structuredClone(items[(2 * n + k) % items.length] as Item);
      item.paper.submittedOnDailyAt = `${date}T00:00:00.000Z`;
      return item;
    });
  };
  const attempts = new Map<string, number>();
  hf.respond("GET /api/daily_papers", (req) => {
    const date = req.query.date;
    if (date === undefined) return undefined;
    const attempt = (attempts.get(date) ?? 0) + 1;
    attempts.set(date, attempt);
    const answer = options.override?.(date, attempt) ?? {
      json: req.query.p === undefined || req.query.p === "0" ? listOn(date) : [],
    };
    return options.delayMs !== undefined ? { delayMs: options.delayMs, ...answer } : answer;
  });
  return {
    idsOn: (date) => listOn(date).map((i) => i.paper.id),
    distinctIds: (from, to) => new Set(datesFrom(from, to).flatMap((d) => listOn(d).map((i) => i.paper.id))),
  };
}
