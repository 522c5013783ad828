// better-sqlite3 helpers: statements prepared once per process and counted, and per-tick batches run as one transaction.
// @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md
import type Database from "better-sqlite3";
import { StoreClosedError, StoreDamagedError } from "../store.js";

type Value = string | number | bigint | null | Buffer;
/** Positional values, or one object of named values (`@name` in the SQL). */
type Param = Value | Readonly<Record<string, Value>>;

/** Prepared statements by SQL text, executed with a count (the benchmarks report statements per delivery). */
export interface Sql {
  readonly db: Database.Database;
  run(sql: string, ...params: Param[]): Database.RunResult;
  // The row type is the shape the SQL text selects: the caller names it (SQLite cannot tell TypeScript).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  get<T>(sql: string, ...params: Param[]): T | undefined;
  all<T>(sql: string, ...params: Param[]): T[];
  /** Runs `fn` in one IMMEDIATE transaction (a writer never upgrades from a read lock mid-way). */
  transaction<T>(fn: () => T): T;
  /** SQL statements executed so far. */
  readonly executed: number;
  /** From now on every statement throws StoreClosedError; the caller closes the database. */
  close(): void;
}


const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * `damaged` turns SQLite's reason into the message of a StoreDamagedError (naming the file and the fix) for the
 * corruption SQLite finds only when it reads a damaged page, long after the file opened fine.
 */
export function createSql(
  db: Database.Database,
  displayUrl: string,
  damaged?: (reason: string) => string,
): Sql {
  const statements = new Map<string, Database.Statement>();
  let executed = 0;
  let closed = false;
  const statement = (sql: string): Database.Statement => {
    if (closed) throw new StoreClosedError(`store ${displayUrl} is closed`);
    let s = statements.get(sql);
    if (s === undefined) statements.set(sql, (s = db.prepare(sql)));
    executed++;
    return s;
  };
  const checked = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (
        damaged === undefined ||
        typeof code !== "string" ||
        !DAMAGED.test(code) ||
        !(error instanceof Error)
      )
        throw error;
      throw new StoreDamagedError(`store ${displayUrl}: ${damaged(error.message)}`, { cause: error });
    }
  };
  return {
    db,
    run: (sql, ...params) => checked(() => statement(sql).run(...params)),
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    get: <T>(sql: string, ...params: Param[]) =>
      checked(() => statement(sql).get(...params) as T | undefined),
    all: <T>(sql: string, ...params: Param[]) => checked(() => statement(sql).all(...params) as T[]),
    transaction: <T>(fn: () => T): T => checked(() => db.transaction(fn).immediate()),
    get executed() {
      return executed;
    },
    close() {
      closed = true;
    },
  };
}

/**
 * Collects the calls made during one turn of the event loop and runs them together in one transaction:
 * `run` gets every waiting item and answers each, usually with one set-based statement over them all
 * (`json_each(?)`). Callers still each get their own promise; a failed transaction rejects them all.
 */
export function createBatcher<I, O>(
  sql: Sql,
  run: (items: readonly I[]) => readonly O[],
): (item: I) => Promise<O> {
  let waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  const flush = (): void => {
    const batch = waiting;
    waiting = [];
    try {
      const answers = sql.transaction(() => run(batch.map((w) => w.item)));
      batch.forEach((w, i) => {
        w.resolve(answers[i] as O);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(flush);
      waiting.push({ item, resolve, reject });
    });
}

/** Runs `fn` now and hands back its value as a promise: a throw (disk full, read-only file) becomes a rejection. */
export function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(fn());
  });
}
