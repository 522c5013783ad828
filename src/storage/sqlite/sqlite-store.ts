// The Store on SQLite (better-sqlite3): one file, prepared statements for the process, one transaction per operation or batch.
// @see docs/adr/0006-store-on-each-engines-atomics.md · https://github.com/WiseLibs/better-sqlite3
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import type { Paper, PaperId } from "../../papers/paper.js";
import type { PaperStore } from "../../papers/paper-store.js";
import type { Logger } from "../../ops/logger.js";
import { migrateV1, type V1Entry } from "../migrate-v1.js";
import {
  StoreClosedError,
  StoreOpenError,
  type DocumentNamespace,
  type DocumentNamespaceName,
  type Store,
} from "../store.js";
import { BACKFILL_PAPER_POSTS, SCHEMA, SCHEMA_VERSION } from "./sqlite-schema.js";
import { createSqliteDeliveries } from "./sqlite-deliveries.js";
import { createSqliteSubscriptions, createSqliteWatches } from "./sqlite-subscriptions.js";
import { createSqliteVotes } from "./sqlite-votes.js";
import { createSql, settle, type Sql } from "./sql.js";

/** How often expired rows (cache, seen papers, event ids, old deliveries) are deleted. */
const PURGE_EVERY_MS = 60 * 60_000;

export interface SqliteStoreOptions {
  /** ":memory:" or a file path (relative to the working directory). */
  readonly path: string;
  readonly displayUrl: string;
  readonly owner: string;
  readonly log: Logger;
}

/** The hint every open failure ends with: what to do about the file. */
function fixFor(path: string, reason: string): string {
  if (/not a database|malformed|corrupt/i.test(reason))
    return `the file is damaged: restore it from a backup, or move it aside (mv ${path} ${path}.broken) to start with an empty store`;
  if (/readonly|read-only|permission|EACCES|EROFS/i.test(reason))
    return `paperboy needs to write ${path} and its directory: fix their permissions or point STORE_URL at a writable place`;
  let writableDir = true;
  try {
    if (path !== ":memory:") accessSync(dirname(path), constants.W_OK);
  } catch {
    writableDir = false;
  }
  if (!writableDir || /unable to open database file/i.test(reason))
    return `paperboy needs to write ${dirname(path)} (the file and its -wal journal live there): fix its permissions or point STORE_URL at a writable place`;
  return "check the path in STORE_URL, or unset it to use sqlite://data/paperboy.sqlite";
}

export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { log, displayUrl, owner } = options;
  const memory = options.path === ":memory:";
  const path = memory ? ":memory:" : resolve(process.cwd(), options.path);
  let db: Database.Database;
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    // A second process holding the write lock makes a statement wait (and, better-sqlite3 being synchronous, the
    // event loop with it): at most 2 s, then SQLITE_BUSY.
    db = new Database(path, { timeout: 2_000 });
    // WAL: readers never block the writer and a commit is one sequential write; NORMAL syncs at checkpoints.
    if (!memory) db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(SCHEMA);
    db.exec(BACKFILL_PAPER_POSTS);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreOpenError(`cannot open store ${displayUrl}: ${reason}; ${fixFor(path, reason)}`, {
      cause: error,
    });
  }
  const sql = createSql(db, displayUrl);
  // In WAL mode a deleted file takes writes silently (and loses them): the write probe compares the inode.
  const inode = memory ? undefined : statSync(path).ino;
  const version = Number(
    sql.get<{ value: string }>(`SELECT value FROM meta WHERE key='schema.version'`)?.value ?? 0,
  );
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new StoreOpenError(
      `cannot open store ${displayUrl}: it was written by a newer paperboy (schema ${String(version)}, this one reads ${String(SCHEMA_VERSION)}); run the newer version or restore an older backup`,
    );
  }

  let closed = false;
  const open = (): Sql => sql;
  const votes = createSqliteVotes(sql);
  const papers = createSqlitePapers(sql);
  const keyvs = new Map<DocumentNamespaceName, Keyv>();
  const namespace = (name: DocumentNamespaceName): DocumentNamespace => {
    let kv = keyvs.get(name);
    if (kv === undefined)
      keyvs.set(name, (kv = new Keyv({ store: kvAdapter(sql), namespace: name, throwOnErrors: true })));
    const keyv = kv;
    return {
      get: async <T>(key: string) => {
        if (closed) throw new StoreClosedError(`store ${displayUrl} is closed`);
        return ((await keyv.get<T>(key)) ?? undefined) as T | undefined;
      },
      set: async (key, value, ttlMs) => {
        if (closed) throw new StoreClosedError(`store ${displayUrl} is closed`);
        await keyv.set(key, value, ttlMs !== undefined && ttlMs > 0 ? ttlMs : undefined);
      },
      delete: async (key) => {
        if (closed) throw new StoreClosedError(`store ${displayUrl} is closed`);
        return keyv.delete(key);
      },
    };
  };

  const purge = (): void => {
    const now = Date.now();
    try {
      sql.transaction(() => {
        sql.run(`DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?`, now);
        sql.run(`DELETE FROM seen WHERE expires <= ?`, now);
        sql.run(`DELETE FROM events WHERE expires <= ?`, now);
        sql.run(`DELETE FROM deliveries WHERE expires <= ? AND state NOT IN ('claimed','posting')`, now);
      });
    } catch (error) {
      log.warn(
        { err: error instanceof Error ? error.message : String(error), store: displayUrl },
        "purging expired rows failed",
      );
    }
  };
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  purgeTimer.unref();

  const store: Store = {
    engine: "sqlite",
    subscriptions: createSqliteSubscriptions(sql),
    watches: createSqliteWatches(sql),
    deliveries: createSqliteDeliveries(sql, owner),
    posts: votes,
    votes,
    digest: votes,
    papers,
    events: {
      claim: (id, ttlMs) =>
        settle(() => {
          const now = Date.now();
          return (
            open().run(
              `INSERT INTO events(id, expires) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET expires=excluded.expires WHERE events.expires <= ?`,
              id,
              now + ttlMs,
              now,
            ).changes > 0
          );
        }),
    },
    namespace,
    owner,
    shared: false,
    displayUrl,
    ping: () =>
      settle(() => {
        open().get(`SELECT 1`);
      }),
    probeWrite: () =>
      settle(() => {
        if (inode !== undefined) {
          const now = existsSync(path) ? statSync(path).ino : undefined;
          if (now !== inode)
            throw new Error(
              `${path} was deleted or replaced while paperboy ran; restore it, or restart paperboy to start a new store there`,
            );
        }
        open().run(
          `INSERT INTO meta(key, value) VALUES ('probe.write', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
          String(Date.now()),
        );
      }),
    close() {
      if (!closed) {
        closed = true;
        clearInterval(purgeTimer);
        sql.close();
        db.close();
      }
      return Promise.resolve();
    },
    operations: () => sql.executed,
  };

  if (version < SCHEMA_VERSION) {
    const legacy = sql.get(`SELECT name FROM sqlite_master WHERE type='table' AND name='keyv'`) !== undefined;
    if (legacy) {
      const entries = function* (): Generator<V1Entry> {
        for (const row of db.prepare(`SELECT key, value FROM keyv`).iterate() as Iterable<{
          key: string;
          value: string;
        }>)
          yield { key: row.key, value: row.value };
      };
      const report = await migrateV1([...entries()], store, log);
      sql.transaction(() => {
        sql.run(`ALTER TABLE keyv RENAME TO keyv_v1_backup`);
        sql.run(
          `INSERT INTO meta(key, value) VALUES ('schema.version', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
          String(SCHEMA_VERSION),
        );
      });
      log.warn(
        { store: displayUrl, ...report },
        "migrated the store from the keyv layout of paperboy 0.1; the old rows are kept in table keyv_v1_backup (drop it once you are happy)",
      );
    } else {
      sql.run(
        `INSERT INTO meta(key, value) VALUES ('schema.version', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
        String(SCHEMA_VERSION),
      );
    }
  }
  if (!memory && existsSync(path)) purge();
  return store;
}

function createSqlitePapers(sql: Sql): PaperStore {
  return {
    getMany: (ids: readonly PaperId[]) =>
      settle(() => {
        if (ids.length === 0) return [];
        const found = new Map(
          sql
            .all<{ id: string; doc: string }>(
              `SELECT id, doc FROM papers WHERE id IN (SELECT value FROM json_each(?))`,
              JSON.stringify(ids),
            )
            .map((r) => [r.id, r.doc] as const),
        );
        return ids.map((id) => {
          const doc = found.get(id);
          return doc === undefined ? undefined : (JSON.parse(doc) as unknown);
        });
      }),
    putMany: (papers: readonly Paper[]) =>
      settle(() => {
        if (papers.length === 0) return;
        sql.run(
          `INSERT INTO papers(id, doc) SELECT j.value->>'id', j.value FROM json_each(?) j WHERE true
           ON CONFLICT(id) DO UPDATE SET doc=excluded.doc`,
          JSON.stringify(papers),
        );
      }),
    async *scan(batchSize: number) {
      let after = "";
      for (;;) {
        const rows = sql.all<{ id: string; doc: string }>(
          `SELECT id, doc FROM papers WHERE id > ? ORDER BY id LIMIT ?`,
          after,
          batchSize,
        );
        if (rows.length === 0) return;
        after = rows[rows.length - 1]?.id ?? after;
        yield rows.map((r) => [r.id, JSON.parse(r.doc) as unknown] as const);
        await new Promise((r) => setImmediate(r)); // let the event loop breathe between batches
      }
    },
    delete: (ids) =>
      settle(() => {
        sql.run(`DELETE FROM papers WHERE id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids));
      }),
  };
}

/** keyv's storage adapter on the kv table: keyv serialises values (expiry inside), the row keeps expiry for purging. */
function kvAdapter(sql: Sql): KeyvStoreAdapter {
  const adapter: KeyvStoreAdapter = {
    opts: { dialect: "sqlite" },
    namespace: undefined,
    get: <Value>(key: string) =>
      settle(
        () => sql.get<{ value: string }>(`SELECT value FROM kv WHERE key=?`, key)?.value as Value | undefined,
      ),
    set: (key: string, value: unknown, ttl?: number) =>
      settle(() => {
        sql.run(
          `INSERT INTO kv(key, value, expires) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value, expires=excluded.expires`,
          key,
          String(value),
          ttl !== undefined && ttl > 0 ? Date.now() + ttl : null,
        );
      }),
    delete: (key: string) => settle(() => sql.run(`DELETE FROM kv WHERE key=?`, key).changes > 0),
    clear: () => Promise.reject(new Error("clear() is not offered on paperboy's store")),
    on: () => adapter,
  };
  return adapter;
}
