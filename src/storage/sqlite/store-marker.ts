// The mark a SQLite store leaves beside its file, so that a store file gone missing is noticed instead of replaced.
//
// SQLite creates a missing file without a word, so a deleted or lost paperboy.sqlite used to come back empty on the
// next start: every subscription, vote and record gone, with nothing in the logs. The marker (a small JSON file next
// to the store, `.<name>.paperboy-store`) says a store lived here; when the file is missing but the marker is not,
// opening refuses (StoreOpenError with the fix) unless STORE_ALLOW_FRESH=1, which starts empty with an error-level log.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Logger } from "../../ops/logger.js";
import { StoreOpenError } from "../store.js";

/** The marker's path for a store file: `data/.paperboy.sqlite.paperboy-store` for `data/paperboy.sqlite`. */
export function markerPath(storeFile: string): string {
  return join(dirname(storeFile), `.${basename(storeFile)}.paperboy-store`);
}

/** What to do about a damaged file, with its exact path (the -wal and -shm journals travel with it). */
export function damagedFileFix(path: string): string {
  return `the file is damaged: stop paperboy and restore ${path} from a backup, or move it aside with its journals (mv ${path} ${path}.broken; rm -f ${path}-wal ${path}-shm) and start once with STORE_ALLOW_FRESH=1 to begin with an empty store`;
}

/**
 * Called before SQLite opens `path`. Throws when the file is missing where a store lived (the marker says so),
 * unless `allowFresh`; then it logs an error-level line and lets an empty store be created.
 */
export function checkStoreFile(path: string, displayUrl: string, allowFresh: boolean, log: Logger): void {
  const marker = markerPath(path);
  if (existsSync(path) || !existsSync(marker)) return;
  let since = "an earlier start";
  try {
    const recorded = JSON.parse(readFileSync(marker, "utf8")) as { createdAt?: unknown };
    if (typeof recorded.createdAt === "string") since = recorded.createdAt;
  } catch {
    // An unreadable marker still says a store lived here.
  }
  if (!allowFresh)
    throw new StoreOpenError(
      `cannot open store ${displayUrl}: ${path} is missing, but a paperboy store lived there (created ${since}; marker ${marker}). Restore the file from a backup, or set STORE_ALLOW_FRESH=1 for one start to begin with an empty store`,
    );
  log.error(
    { store: displayUrl, path, marker, createdAt: since },
    `the store file ${path} was missing; STORE_ALLOW_FRESH=1, so paperboy starts with an EMPTY store (subscriptions, votes and history are gone unless restored from a backup)`,
  );
}

/** Writes (or rewrites) the marker for an open store file; a failure only warns (the store itself works). */
export function markStoreFile(path: string, fresh: boolean, log: Logger): void {
  const marker = markerPath(path);
  if (!fresh && existsSync(marker)) return;
  if (fresh) log.info({ path, marker }, "created a new, empty SQLite store");
  try {
    writeFileSync(
      marker,
      `${JSON.stringify({ file: basename(path), createdAt: new Date().toISOString() })}\n`,
    );
  } catch (error) {
    log.warn(
      { marker, err: error instanceof Error ? error.message : String(error) },
      "could not write the store marker",
    );
  }
}
