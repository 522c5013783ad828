// The Store port on keyv: memory:// (tests), sqlite:// (default, one file) and redis:// (many replicas). The only keyv importer.
// @see https://keyv.org/docs/ · https://github.com/jaredwray/keyv/tree/main/packages/sqlite · …/packages/redis
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import Keyv from "keyv";
import type { KeyvStoreAdapter } from "keyv";
import KeyvSqlite from "@keyv/sqlite";
import KeyvRedis, { createClient } from "@keyv/redis";
import { redactUrl } from "../config/load-config.js";
import { silentLogger, type Logger } from "../shared/logger.js";
import type { KeyValueNamespace, NamespaceName, Store } from "./key-value.js";

export interface CreateStoreOptions {
  log?: Logger;
  /** Prefix of every Redis key (default "paperboy"); tests use a unique one per run. Ignored elsewhere. */
  keyPrefix?: string;
  /** Upper bound for opening the store (default and maximum 5000 ms). */
  connectTimeoutMs?: number;
}

/** The store could not be opened; the message names the (redacted) URL and the reason. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}

/** An operation on a store after close(). */
export class StoreClosedError extends Error {
  override name = "StoreClosedError";
}

/** A Redis key lock that could not be taken in time (its holder keeps it for at most 5 s). */
export class StoreLockError extends Error {
  override name = "StoreLockError";
}

/**
 * Opens the store named by `url`: `memory://`, `sqlite://relative/or//absolute/file.sqlite` or
 * `redis://[:password@]host:port[/db]`. Throws a StoreOpenError (bounded by connectTimeoutMs) when
 * the backend cannot be reached, e.g. `cannot open store redis://:***@127.0.0.1:6390: connect ECONNREFUSED …`.
 */
export async function createStore(url: string, opts: CreateStoreOptions = {}): Promise<Store> {
  const log = opts.log ?? silentLogger;
  const displayUrl = redactUrl(url);
  const timeoutMs = Math.min(opts.connectTimeoutMs ?? 5_000, 5_000);
  const fail = (reason: unknown): StoreOpenError =>
    new StoreOpenError(`cannot open store ${displayUrl}: ${reasonOf(reason, url)}`, { cause: reason });
  if (url === "memory://") return memoryStore();
  if (url.startsWith("sqlite://")) return sqliteStore(url, displayUrl, timeoutMs, fail, log);
  if (/^rediss?:\/\//.test(url))
    return redisStore(url, displayUrl, opts.keyPrefix ?? "paperboy", timeoutMs, fail, log);
  throw fail("unknown scheme; use sqlite://path/to/file.sqlite, redis://host:6379 or memory://");
}

// ---------------------------------------------------------------------------------------------
// Backends

function memoryStore(): Store {
  const spaces = new Map<NamespaceName, Keyv>();
  const closed = { value: false };
  const locks = createKeyedMutex();
  const maps = new Map<NamespaceName, GroupedMap>();
  const keyvFor = (name: NamespaceName): Keyv => {
    let kv = spaces.get(name);
    if (!kv) {
      const map = new GroupedMap(); // its own Map per namespace
      maps.set(name, map);
      kv = new Keyv({ store: map, namespace: name, throwOnErrors: true });
      spaces.set(name, kv);
    }
    return kv;
  };
  // Prefix scans read only the keys of the prefix's group (no values), then fetch the matches.
  const keysWith = (name: NamespaceName, prefix: string): Promise<string[]> => {
    keyvFor(name);
    const map = maps.get(name);
    const head = `${name}:${prefix}`;
    const keys: string[] = [];
    if (map)
      for (const key of map.keysInGroupOf(head))
        if (key.startsWith(head)) keys.push(key.slice(name.length + 1));
    return Promise.resolve(keys);
  };
  return {
    namespace: (name) =>
      keyvNamespace(
        name,
        () => keyvFor(name),
        locks,
        closed,
        undefined,
        (prefix) => keysWith(name, prefix),
      ),
    ping: () =>
      closed.value ? Promise.reject(new StoreClosedError("store memory:// is closed")) : Promise.resolve(),
    close: () => {
      closed.value = true;
      return Promise.resolve();
    },
    displayUrl: "memory://",
    shared: false,
  };
}

/**
 * The memory backend's Map, with its keys also grouped by their head (up to the first "|"): keys are
 * "<channelKey>|…", so a channel's prefix scan reads its own keys, not the whole namespace's.
 */
class GroupedMap extends Map<string, unknown> {
  private readonly groups = new Map<string, Set<string>>();

  private static headOf(key: string): string | undefined {
    const bar = key.indexOf("|");
    return bar < 0 ? undefined : key.slice(0, bar + 1);
  }

  override set(key: string, value: unknown): this {
    // keyv's serialiser builds values by concatenation: a rope of many small strings that takes
    // several times the flat text's memory. Reading a character makes V8 flatten it in place.
    if (typeof value === "string") value.charCodeAt(0);
    key.charCodeAt(0);
    const head = GroupedMap.headOf(key);
    if (head !== undefined) {
      let group = this.groups.get(head);
      if (!group) this.groups.set(head, (group = new Set()));
      group.add(key);
    }
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const head = GroupedMap.headOf(key);
    const group = head === undefined ? undefined : this.groups.get(head);
    if (head !== undefined && group) {
      group.delete(key);
      if (group.size === 0) this.groups.delete(head);
    }
    return super.delete(key);
  }

  override clear(): void {
    this.groups.clear();
    super.clear();
  }

  /** Every key that can start with `prefix`: its group when the prefix names one, else all keys. */
  keysInGroupOf(prefix: string): Iterable<string> {
    const head = GroupedMap.headOf(prefix);
    return head === undefined ? this.keys() : (this.groups.get(head) ?? []);
  }
}

async function sqliteStore(
  url: string,
  displayUrl: string,
  timeoutMs: number,
  fail: (reason: unknown) => StoreOpenError,
  log: Logger,
): Promise<Store> {
  const file = url.slice("sqlite://".length);
  if (file === "") throw fail("no file path; use sqlite://data/paperboy.sqlite");
  const path = file === ":memory:" ? file : resolve(process.cwd(), file);
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw fail(error);
  }
  // One connection and one table for every namespace; keys are "<namespace>:<key>". busyTimeout lets
  // a second process on the same file wait for a write lock instead of failing with SQLITE_BUSY.
  // iterationLimit is large because keyv deletes expired rows while iterating and the adapter pages with
  // LIMIT/OFFSET, so a deletion between pages would shift the next page and skip a live row.
  const shared = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5_000, iterationLimit: 1_000_000 });
  shared.on("error", (error: unknown) => {
    log.warn({ err: error, store: displayUrl }, "sqlite store error");
  });
  try {
    // WAL: readers never block the writer, and a commit costs one sequential write instead of two.
    if (path !== ":memory:")
      await withTimeout(
        shared.query("PRAGMA journal_mode=WAL"),
        timeoutMs,
        `no answer within ${timeoutMs} ms`,
      );
    await withTimeout(
      shared.query("PRAGMA synchronous=NORMAL"),
      timeoutMs,
      `no answer within ${timeoutMs} ms`,
    );
  } catch (error) {
    await shared.disconnect().catch(() => undefined);
    throw fail(error);
  }
  const spaces = new Map<NamespaceName, Keyv>();
  const closed = { value: false };
  const locks = createKeyedMutex();
  const keyvFor = (name: NamespaceName): Keyv => {
    let kv = spaces.get(name);
    if (!kv) {
      kv = new Keyv(sqliteView(shared), { namespace: name, throwOnErrors: true });
      spaces.set(name, kv);
    }
    return kv;
  };
  // Prefix scans are one range query on the primary key (keys only); the values then come in one getMany.
  const keysWith = async (name: NamespaceName, prefix: string): Promise<string[] | undefined> => {
    const low = `${name}:${prefix}`;
    const last = low.charCodeAt(low.length - 1);
    if (last >= 0xd800 && last <= 0xdfff) return undefined; // a surrogate: let keyv's iterator do it
    const high = `${low.slice(0, -1)}${String.fromCharCode(last + 1)}`;
    const rows = (await shared.query("SELECT key FROM keyv WHERE key >= ? AND key < ?", low, high)) as {
      key: string;
    }[];
    return rows.filter((r) => r.key.startsWith(low)).map((r) => r.key.slice(name.length + 1));
  };
  let closing: Promise<void> | undefined;
  return {
    namespace: (name) =>
      keyvNamespace(
        name,
        () => keyvFor(name),
        locks,
        closed,
        undefined,
        (prefix) => keysWith(name, prefix),
      ),
    ping: async () => {
      if (closed.value) throw new StoreClosedError(`store ${displayUrl} is closed`);
      await shared.query("SELECT 1");
    },
    close: () => {
      closed.value = true;
      closing ??= shared.disconnect().catch((error: unknown) => {
        log.warn({ err: error, store: displayUrl }, "closing the sqlite store failed");
      });
      return closing;
    },
    displayUrl,
    shared: false,
  };
}

/**
 * A per-namespace face of the one KeyvSqlite. keyv writes its namespace onto the adapter and iterates
 * with it, so Keyv instances sharing one adapter object would iterate the namespace created last.
 */
function sqliteView(shared: KeyvSqlite): KeyvStoreAdapter {
  const view: KeyvStoreAdapter = {
    opts: shared.opts, // dialect "sqlite": keyv then offers its iterator
    namespace: undefined,
    get: (key) => shared.get(key),
    getMany: (keys: string[]) => shared.getMany(keys),
    // One multi-row upsert (keyv has already serialised the values; expiry lives inside them).
    setMany: async (entries: { key: string; value: unknown }[]) => {
      if (entries.length === 0) return;
      const rows = entries.map(() => "(?, ?)").join(", ");
      await shared.query(
        `INSERT INTO keyv (key, value) VALUES ${rows} ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
        ...entries.flatMap((e) => [e.key, e.value]),
      );
    },
    set: (key: string, value: unknown) => shared.set(key, value),
    delete: (key) => shared.delete(key),
    clear: () => Promise.reject(new Error("clear() is not supported on a shared sqlite view")),
    has: (key) => shared.has(key),
    iterator: (namespace?: string) => shared.iterator(namespace),
    on: () => view, // errors are logged once, on the shared adapter
  };
  return view;
}

async function redisStore(
  url: string,
  displayUrl: string,
  keyPrefix: string,
  timeoutMs: number,
  fail: (reason: unknown) => StoreOpenError,
  log: Logger,
): Promise<Store> {
  const state = { connected: false, closed: false };
  const client = createClient({
    url,
    // Commands fail at once while disconnected (so /healthz and jobs see the outage) instead of queueing.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      // Never retry the first connect (createStore reports it); after that back off up to 2 s, and
      // never reconnect once close() was called.
      reconnectStrategy: (retries: number, cause: Error) =>
        !state.connected || state.closed ? cause : Math.min(100 * 2 ** Math.min(retries, 5), 2_000),
    },
  });
  client.setMaxListeners(100); // each KeyvRedis adds its own listeners to the one client
  let lastError = "";
  client.on("error", (error: unknown) => {
    const text = reasonOf(error, url);
    if (state.connected && !state.closed && text !== lastError)
      log.warn({ store: displayUrl, reason: text }, "redis store error");
    lastError = text;
  });
  try {
    await withTimeout(client.connect(), timeoutMs, `no answer within ${timeoutMs} ms`);
    await withTimeout(client.ping(), timeoutMs, `no PING answer within ${timeoutMs} ms`);
  } catch (error) {
    state.closed = true;
    if (client.isOpen) client.destroy();
    throw fail(error);
  }
  state.connected = true;

  const spaces = new Map<NamespaceName, Keyv>();
  const closed = { value: false };
  const locks = createKeyedMutex();
  const keyvFor = (name: NamespaceName): Keyv => {
    let kv = spaces.get(name);
    if (!kv) {
      // KeyvRedis prefixes keys itself ("<prefix>:<namespace>::<key>") and uses native PX expiry.
      const adapter = new KeyvRedis(client, { namespace: `${keyPrefix}:${name}` });
      kv = new Keyv(adapter, { namespace: `${keyPrefix}:${name}`, useKeyPrefix: false, throwOnErrors: true });
      spaces.set(name, kv);
    }
    return kv;
  };
  const distributed: DistributedLock = {
    async acquire(lockKey) {
      const token = randomUUID();
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (;;) {
        const ok = await client.set(lockKey, token, {
          condition: "NX",
          expiration: { type: "PX", value: LOCK_TTL_MS },
        });
        if (ok !== null) return token;
        if (Date.now() > deadline)
          throw new StoreLockError(`could not lock ${lockKey} on ${displayUrl} within ${LOCK_WAIT_MS} ms`);
        await sleep(1 + Math.random() * 4);
      }
    },
    async release(lockKey, token) {
      await client.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [token] });
    },
    keyOf: (name, key) => `${keyPrefix}:lock:${name}::${key}`,
  };
  // Prefix scans: SCAN MATCH on the namespace's own key pattern (keyv's iterator would walk every key of
  // the whole Redis keyspace and filter afterwards), then one MGET-style getMany per batch.
  const keysWith = async (name: NamespaceName, prefix: string): Promise<string[]> => {
    const head = `${keyPrefix}:${name}::`;
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${globEscape(head + prefix)}*`, COUNT: 1_000 }))
      for (const key of batch) keys.push(key.slice(head.length));
    return keys;
  };
  let closing: Promise<void> | undefined;
  return {
    namespace: (name) =>
      keyvNamespace(
        name,
        () => keyvFor(name),
        locks,
        closed,
        distributed,
        (prefix) => keysWith(name, prefix),
      ),
    ping: async () => {
      if (closed.value) throw new StoreClosedError(`store ${displayUrl} is closed`);
      await withTimeout(client.ping(), timeoutMs, `no PING answer within ${timeoutMs} ms`);
    },
    close: () => {
      closed.value = true;
      state.closed = true;
      closing ??= (async () => {
        try {
          if (client.isOpen) await client.close();
        } catch {
          client.destroy();
        }
      })();
      return closing;
    },
    displayUrl,
    shared: true,
  };
}

// ---------------------------------------------------------------------------------------------
// The namespace on top of one Keyv, with the two atomic operations

const LOCK_TTL_MS = 5_000;
/** Prefix scans fetch values this many keys at a time. */
const ENTRIES_BATCH = 500;
const LOCK_WAIT_MS = 10_000;
/** Compare-and-delete: release the lock only while it still holds our token. */
const RELEASE_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

interface DistributedLock {
  acquire(lockKey: string): Promise<string>;
  release(lockKey: string, token: string): Promise<void>;
  keyOf(name: NamespaceName, key: string): string;
}

function keyvNamespace(
  name: NamespaceName,
  keyv: () => Keyv,
  locks: KeyedMutex,
  closed: { value: boolean },
  distributed: DistributedLock | undefined,
  /** The keys (without namespace) starting with `prefix`, when the backend can list them cheaply. */
  keysWith?: (prefix: string) => Promise<string[] | undefined>,
): KeyValueNamespace {
  const open = (): Keyv => {
    if (closed.value) throw new StoreClosedError(`the store is closed (namespace ${name})`);
    return keyv();
  };
  const ttlOf = (ttlMs?: number): number | undefined =>
    ttlMs !== undefined && ttlMs > 0 ? ttlMs : undefined;
  /** In-process queue per key first, so at most one caller per process contends for the Redis lock. */
  const exclusive = <T>(key: string, fn: () => Promise<T>): Promise<T> =>
    locks(`${name}\u0000${key}`, async () => {
      if (!distributed) return fn();
      const lockKey = distributed.keyOf(name, key);
      const token = await distributed.acquire(lockKey);
      try {
        return await fn();
      } finally {
        await distributed.release(lockKey, token);
      }
    });

  return {
    async get<T>(key: string): Promise<T | undefined> {
      return (await open().get<T>(key)) ?? undefined;
    },
    async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
      if (keys.length === 0) return [];
      const kv = open();
      const values: (T | undefined)[] = [];
      for (let i = 0; i < keys.length; i += ENTRIES_BATCH) {
        const found = await kv.get<T>(keys.slice(i, i + ENTRIES_BATCH));
        for (const value of found) values.push(value ?? undefined);
      }
      return values;
    },
    async set(key, value, ttlMs) {
      await open().set(key, value, ttlOf(ttlMs));
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      const kv = open();
      for (let i = 0; i < entries.length; i += ENTRIES_BATCH) {
        const batch = entries.slice(i, i + ENTRIES_BATCH).map(({ key, value, ttlMs }) => {
          const ttl = ttlOf(ttlMs);
          return ttl === undefined ? { key, value } : { key, value, ttl };
        });
        // keyv reports nothing from an adapter's setMany; a failing one throws (throwOnErrors).
        await kv.setMany(batch);
      }
    },
    async delete(key) {
      return open().delete(key);
    },
    async setIfAbsent(key, value, ttlMs) {
      const kv = open();
      return exclusive(key, async () => {
        if ((await kv.get(key)) !== undefined) return false;
        await kv.set(key, value, ttlOf(ttlMs));
        return true;
      });
    },
    async update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number) {
      const kv = open();
      return exclusive(key, async () => {
        const current = ((await kv.get<T>(key)) ?? undefined) as T | undefined;
        const next = fn(current);
        if (next === undefined) await kv.delete(key);
        else await kv.set(key, next, ttlOf(ttlMs));
        return next;
      });
    },
    async *entries<T>(prefix = ""): AsyncIterable<readonly [string, T]> {
      const kv = open();
      const keys = keysWith ? await keysWith(prefix) : undefined;
      if (keys) {
        // Only the matching entries are read and deserialised (getMany skips and deletes expired ones).
        for (let i = 0; i < keys.length; i += ENTRIES_BATCH) {
          const batch = keys.slice(i, i + ENTRIES_BATCH);
          const values = await kv.get<T>(batch);
          for (let j = 0; j < batch.length; j++) {
            const value = values[j];
            const key = batch[j];
            if (value !== undefined && value !== null && key !== undefined) yield [key, value] as const;
          }
        }
        return;
      }
      if (!kv.iterator) throw new Error(`namespace ${name}: this keyv backend cannot iterate`);
      // keyv's iterator skips (and deletes) expired entries and strips the namespace from keys.
      for await (const [key, value] of kv.iterator(undefined) as AsyncGenerator<[string, T]>) {
        if (key.startsWith(prefix)) yield [key, value] as const;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Escapes Redis glob characters so a key prefix matches only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

type KeyedMutex = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** Serialises async work per key inside this process: a Map of promise chains, emptied when idle. */
function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>();
  return async (key, fn) => {
    const previous = tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((done) => {
      release = done;
    });
    const tail = previous.then(() => mine);
    tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(message));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

const sleep = (ms: number): Promise<void> =>
  new Promise((done) => {
    setTimeout(done, ms);
  });

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
