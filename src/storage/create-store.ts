// Opens the store a STORE_URL names: sqlite://file (the default), memory:// (SQLite in memory, for tests and the CLI) or redis://.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { redactUrl } from "../config/load-config.js";
import { silentLogger, type Logger } from "../ops/logger.js";
import { createSqliteStore } from "./sqlite/sqlite-store.js";
import { StoreOpenError, type Store } from "./store.js";

export interface CreateStoreOptions {
  readonly log?: Logger;
  /** Prefix of every Redis key (default "paperboy"); tests use a unique one per run. Ignored elsewhere. */
  readonly keyPrefix?: string;
  /** Upper bound for opening the store (default and maximum 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** This process's id in delivery claims (default "<host>-<pid>-<random>"). */
  readonly owner?: string;
}

/** "<host>-<pid>-<8 random hex>": unique per process, readable in the ledger. */
export function processOwner(): string {
  return `${hostname()}-${String(process.pid)}-${randomUUID().slice(0, 8)}`;
}

/**
 * Opens the store named by `url`. Throws a StoreOpenError (bounded by connectTimeoutMs) that names the redacted
 * URL, the reason and the fix, e.g. `cannot open store redis://:***@127.0.0.1:6390: connect ECONNREFUSED …`.
 */
export async function createStore(url: string, opts: CreateStoreOptions = {}): Promise<Store> {
  const log = opts.log ?? silentLogger;
  const displayUrl = redactUrl(url);
  const owner = opts.owner ?? processOwner();
  if (url === "memory://") return createSqliteStore({ path: ":memory:", displayUrl, owner, log });
  if (url.startsWith("sqlite://")) {
    const file = url.slice("sqlite://".length);
    if (file === "")
      throw new StoreOpenError(
        `cannot open store ${displayUrl}: no file path; use sqlite://data/paperboy.sqlite`,
      );
    return createSqliteStore({ path: file, displayUrl, owner, log });
  }
  if (/^rediss?:\/\//.test(url)) {
    // Loaded only for a Redis URL: the default SQLite store (and the CLI) do not pay for the Redis clients.
    const { createRedisStore } = await import("./redis/redis-store.js");
    return createRedisStore({
      url,
      displayUrl,
      owner,
      log,
      prefix: opts.keyPrefix ?? "paperboy",
      connectTimeoutMs: Math.min(opts.connectTimeoutMs ?? 5_000, 5_000),
    });
  }
  throw new StoreOpenError(
    `cannot open store ${displayUrl}: unknown scheme; use sqlite://path/to/file.sqlite, redis://host:6379 or memory://`,
  );
}
