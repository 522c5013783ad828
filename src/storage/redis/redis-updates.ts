// Thread updates on Redis: per paper a hash of the channels following it (place) and one of their last seen state;
// per channel a hash of waiting updates and one of the deliveries that took them; one script per operation.
import { channelKey, parseChannelKey } from "../../platform/channel-ref.js";
import type { PaperPlace, PendingUpdate, UpdateEvent, UpdateStore } from "../../updates/paper-update.js";
import { FOLLOW_WINDOW_MS, placeOf } from "../../updates/paper-update.js";
import { list, type RedisConnection } from "./redis-connection.js";

export function createRedisUpdates(redis: RedisConnection): UpdateStore {
  const P = redis.prefix;
  return {
    async follow(papers) {
      if (papers.length === 0) return;
      await redis.script("UPD_FOLLOW", [
        2 * FOLLOW_WINDOW_MS,
        ...papers.flatMap((f) => [
          f.paper,
          channelKey(f.channel),
          JSON.stringify(placeOf(f)),
          f.hasCode ? 1 : 0,
          Math.max(0, Math.floor(f.upvotes)),
          Math.max(0, Math.floor(f.version)),
          Math.max(0, Math.floor(f.milestone)),
          f.week ?? "",
          f.postedAt,
        ]),
      ]);
    },

    async observe(signals, since, at) {
      if (signals.length === 0) return 0;
      const added = await redis.script("UPD_OBSERVE", [
        since,
        at,
        2 * FOLLOW_WINDOW_MS,
        ...signals.flatMap((s) => [
          s.id,
          s.repo ?? "",
          Math.max(0, Math.floor(s.upvotes)),
          Math.max(0, Math.floor(s.version)),
        ]),
      ]);
      return Number(added);
    },

    async weeks(since) {
      return list(await redis.command(["ZRANGEBYSCORE", `${P}:upd:weeks`, since, "+inf"]))
        .map(String)
        .sort();
    },

    async pendingChannels() {
      return list(await redis.command(["SMEMBERS", `${P}:upd:pending`])).flatMap(
        (c) => parseChannelKey(String(c)) ?? [],
      );
    },

    async take(channel, key) {
      const rows = list(await redis.script("UPD_TAKE", [channelKey(channel), key]));
      return rows
        .map((row): PendingUpdate => {
          const [, value, place] = list(row).map(String);
          const text = value ?? "";
          const space = text.indexOf(" ");
          return {
            place: JSON.parse(place ?? "{}") as PaperPlace,
            event: JSON.parse(text.slice(space + 1)) as UpdateEvent,
            at: Number(text.slice(0, space)),
          };
        })
        .sort((a, b) => a.at - b.at || (a.place.paper < b.place.paper ? -1 : 1));
    },
  };
}
