// The Store on Redis (many replicas): data laid out per channel, multi-key changes as Lua scripts, nothing found by SCAN.
// @see docs/adr/0006-store-on-each-engines-atomics.md
import KeyvRedis, { createClient } from "@keyv/redis";
import Keyv from "keyv";
import type { Paper } from "../../papers/paper.js";
import type { Logger } from "../../ops/logger.js";
import { migrateV1, type V1Entry } from "../migrate-v1.js";
import {
  StoreClosedError,
  StoreOpenError,
  type DocumentNamespace,
  type DocumentNamespaceName,
  type Store,
} from "../store.js";
import { connectRedis, list, type RedisConnection } from "./redis-connection.js";
import { createRedisBackfill } from "./redis-backfill.js";
import { createRedisDeliveries } from "./redis-deliveries.js";
import { createRedisSubscriptions, createRedisWatches } from "./redis-subscriptions.js";
import { createRedisVotes } from "./redis-votes.js";
import { createRedisUpdates } from "./redis-updates.js";

/** A replica's heartbeat lives this long; it is renewed three times as often. Claims of a replica without one are taken over. */
export const HEARTBEAT_TTL_MS = 15_000;
const SCHEMA_VERSION = "2";
/** The keyv namespaces of paperboy 0.1 ("<prefix>:<namespace>::<key>"). */
const V1_NAMESPACES = new Set([
  "subscriptions",
  "watches",
  "papers",
  "posts",
  "votes",
  "seen",
  "deliveries",
  "installations",
  "cache",
  "events",
  "leases",
  "meta",
]);

export interface RedisStoreOptions {
  readonly url: string;
  readonly displayUrl: string;
  readonly owner: string;
  readonly log: Logger;
  readonly prefix: string;
  readonly connectTimeoutMs: number;
}

/** The reason of a failure as text, with the URL's password (if it appears) hidden. */
function reasonOf(reason: unknown, url: string): string {
  const text =
    reason instanceof AggregateError && reason.errors.length > 0
      ? reason.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join("; ")
      : reason instanceof Error
        ? reason.message || reason.name
        : String(reason);
  const password = /^[a-z]+:\/\/[^:@/]*:([^@/]*)@/i.exec(url)?.[1];
  return password ? text.replaceAll(password, "***") : text;
}

export async function createRedisStore(options: RedisStoreOptions): Promise<Store> {
  const { url, displayUrl, owner, log, prefix: P } = options;
  let redis: RedisConnection;
  try {
    redis = await connectRedis({ ...options, reasonOf: (e) => reasonOf(e, url) });
  } catch (error) {
    throw new StoreOpenError(
      `cannot open store ${displayUrl}: ${reasonOf(error, url)}; check that Redis is running and reachable, or unset STORE_URL to use sqlite://data/paperboy.sqlite`,
      { cause: error },
    );
  }
  let closed = false;
  const live = (): RedisConnection => {
    if (closed) throw new StoreClosedError(`store ${displayUrl} is closed`);
    return redis;
  };

  // keyv keeps the documents (cache, installations) on a client of its own.
  const keyvClient = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: options.connectTimeoutMs },
  });
  keyvClient.on("error", () => undefined); // the main connection reports outages
  await keyvClient.connect();
  const keyvs = new Map<DocumentNamespaceName, Keyv>();
  const namespace = (name: DocumentNamespaceName): DocumentNamespace => {
    let kv = keyvs.get(name);
    if (kv === undefined) {
      const adapter = new KeyvRedis(keyvClient, { namespace: `${P}:kv:${name}` });
      keyvs.set(
        name,
        (kv = new Keyv(adapter, { namespace: `${P}:kv:${name}`, useKeyPrefix: false, throwOnErrors: true })),
      );
    }
    const keyv = kv;
    return {
      get: async <T>(key: string) => {
        live();
        return ((await keyv.get<T>(key)) ?? undefined) as T | undefined;
      },
      set: async (key, value, ttlMs) => {
        live();
        await keyv.set(key, value, ttlMs !== undefined && ttlMs > 0 ? ttlMs : undefined);
      },
      delete: (key) => {
        live();
        return keyv.delete(key);
      },
    };
  };

  // The heartbeat says this replica is alive: its open delivery claims are not taken over while it beats.
  const beat = (): void => {
    redis.command(["SET", `${P}:alive:${owner}`, "1", "PX", HEARTBEAT_TTL_MS]).catch((error: unknown) => {
      log.warn({ store: displayUrl, err: reasonOf(error, url) }, "replica heartbeat failed");
    });
  };
  await redis.command(["SET", `${P}:alive:${owner}`, "1", "PX", HEARTBEAT_TTL_MS]);
  const heartbeat = setInterval(beat, HEARTBEAT_TTL_MS / 3);
  heartbeat.unref();

  const votes = createRedisVotes(redis);
  const store: Store = {
    engine: "redis",
    subscriptions: createRedisSubscriptions(redis),
    watches: createRedisWatches(redis),
    deliveries: createRedisDeliveries(redis),
    posts: votes,
    votes,
    digest: votes,
    updates: createRedisUpdates(redis),
    papers: {
      async getMany(ids) {
        if (ids.length === 0) return [];
        return list(await live().command(["HMGET", `${P}:papers`, ...ids])).map((doc) =>
          typeof doc === "string" ? (JSON.parse(doc) as unknown) : undefined,
        );
      },
      async putMany(papers: readonly Paper[]) {
        if (papers.length === 0) return;
        await live().command(["HSET", `${P}:papers`, ...papers.flatMap((p) => [p.id, JSON.stringify(p)])]);
      },
      async *scan(batchSize) {
        let cursor = "0";
        do {
          const [next, items] = list(
            await live().command(["HSCAN", `${P}:papers`, cursor, "COUNT", batchSize]),
          );
          cursor = String(next);
          const flat = list(items ?? []);
          const batch: (readonly [string, unknown])[] = [];
          for (let i = 0; i + 1 < flat.length; i += 2)
            batch.push([String(flat[i]), JSON.parse(String(flat[i + 1])) as unknown]);
          if (batch.length > 0) yield batch;
        } while (cursor !== "0");
      },
      async delete(ids) {
        if (ids.length > 0) await live().command(["HDEL", `${P}:papers`, ...ids]);
      },
      count: async () => Number(await live().command(["HLEN", `${P}:papers`])),
    },
    backfill: createRedisBackfill(live),
    events: {
      claim: async (id, ttlMs) =>
        (await live().command(["SET", `${P}:ev:${id}`, "1", "NX", "PX", ttlMs])) !== null,
    },
    namespace,
    owner,
    shared: true,
    displayUrl,
    redis: { url, prefix: P },
    async ping() {
      await live().command(["PING"]);
    },
    async probeWrite() {
      await live().command(["SET", `${P}:probe`, String(Date.now()), "PX", 60_000]);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      await redis.command(["DEL", `${P}:alive:${owner}`]).catch(() => undefined);
      await redis.close();
      try {
        if (keyvClient.isOpen) await keyvClient.close();
      } catch {
        keyvClient.destroy();
      }
    },
    operations: () => redis.sent,
  };

  await migrateIfNeeded(store, redis, log);
  return store;
}

/**
 * A Redis written by paperboy 0.1 (keyv keys "<prefix>:<namespace>::<key>") is carried over once, at start-up: the
 * only place the store walks keys (SCAN); the old keys are deleted afterwards.
 */
async function migrateIfNeeded(store: Store, redis: RedisConnection, log: Logger): Promise<void> {
  const P = redis.prefix;
  const version = await redis.command(["HGET", `${P}:meta`, "schema.version"]);
  if (version === SCHEMA_VERSION) return;
  const old: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = list(await redis.command(["SCAN", cursor, "MATCH", `${P}:*::*`, "COUNT", 1000]));
    cursor = String(next);
    for (const key of list(keys ?? [])) {
      const rest = String(key).slice(P.length + 1);
      if (V1_NAMESPACES.has(rest.slice(0, rest.indexOf("::")))) old.push(String(key));
    }
  } while (cursor !== "0");
  if (old.length > 0) {
    const entries: V1Entry[] = [];
    for (const key of old) {
      const value = await redis.command(["GET", key]);
      const rest = key.slice(P.length + 1);
      const ns = rest.slice(0, rest.indexOf("::"));
      if (typeof value === "string") entries.push({ key: `${ns}:${rest.slice(ns.length + 2)}`, value });
    }
    const report = await migrateV1(entries, store, log);
    for (let i = 0; i < old.length; i += 500) await redis.command(["DEL", ...old.slice(i, i + 500)]);
    log.warn(
      { store: store.displayUrl, ...report },
      "migrated the store from the keyv layout of paperboy 0.1 and deleted the old keys",
    );
  }
  await redis.command(["HSET", `${P}:meta`, "schema.version", SCHEMA_VERSION]);
}
