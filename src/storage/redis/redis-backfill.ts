// The archive backfill's progress and lease on Redis: a hash of filled days, and a lease key taken and extended by a script.
import type { BackfillStore } from "../../archive/backfill-store.js";
import { list, type RedisConnection } from "./redis-connection.js";

const DAY_MS = 86_400_000;

/** Every "YYYY-MM-DD" from `from` to `to`, inclusive (at most ~30 years: the hash is asked for these fields). */
function datesFrom(from: string, to: string): string[] {
  const dates: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && dates.length < 11_000; t += DAY_MS)
    dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

export function createRedisBackfill(live: () => RedisConnection): BackfillStore {
  return {
    async doneDays(from, to) {
      const redis = live();
      const dates = datesFrom(from, to);
      if (dates.length === 0) return new Map();
      const counts = list(await redis.command(["HMGET", `${redis.prefix}:archive:days`, ...dates]));
      const done = new Map<string, number>();
      dates.forEach((date, i) => {
        const count = counts[i];
        if (typeof count === "string") done.set(date, Number(count));
      });
      return done;
    },
    async markDone(date, papers) {
      const redis = live();
      await redis.command(["HSET", `${redis.prefix}:archive:days`, date, papers]);
    },
    async lease(holder, ttlMs) {
      return (await live().script("LEASE", ["archive-backfill", holder, ttlMs])) === 1;
    },
    async release(holder) {
      await live().script("LEASE_RELEASE", ["archive-backfill", holder]);
    },
  };
}
