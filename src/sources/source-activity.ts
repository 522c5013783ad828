// Counts the Hugging Face calls in flight, so low-priority work (the archive backfill) can wait for a quiet moment.
import { setTimeout as delay } from "node:timers/promises";
import type { HuggingFaceSource } from "./paper-source.js";

export interface SourceActivity {
  /** Resolves once no call is in flight and none ended in the last `quietMs`; rejects when `signal` aborts. */
  quiet(quietMs: number, signal: AbortSignal): Promise<void>;
}

/** The same source, every call counted; `activity` tells when it has been left alone. */
export function trackActivity(
  source: HuggingFaceSource,
  now: () => number = Date.now,
): { readonly source: HuggingFaceSource; readonly activity: SourceActivity } {
  let inFlight = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  const counted = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => {
    return async (...args: A): Promise<R> => {
      inFlight++;
      try {
        return await call(...args);
      } finally {
        inFlight--;
        lastEnd = now();
      }
    };
  };
  return {
    // Spread first: whatever else the source offers (its base URL, when it last failed) stays as it is.
    source: {
      ...source,
      daily: counted(source.daily.bind(source)),
      week: counted(source.week.bind(source)),
      month: counted(source.month.bind(source)),
      trending: counted(source.trending.bind(source)),
      search: counted(source.search.bind(source)),
      paper: counted(source.paper.bind(source)),
    },
    activity: {
      async quiet(quietMs, signal) {
        for (;;) {
          signal.throwIfAborted();
          const wait = inFlight > 0 ? Math.min(quietMs, 250) : lastEnd + quietMs - now();
          if (wait <= 0) return;
          await delay(wait, undefined, { signal });
        }
      },
    },
  };
}
