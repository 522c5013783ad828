// The archive backfill's progress and lease on SQLite: one row per filled day, one lease row, one statement each.
import type { BackfillStore } from "../../archive/backfill-store.js";
import { settle, type Sql } from "./sql.js";

const LEASE = "archive-backfill";

export function createSqliteBackfill(sql: Sql): BackfillStore {
  return {
    doneDays: (from, to) =>
      settle(
        () =>
          new Map(
            sql
              .all<{ date: string; papers: number }>(
                `SELECT date, papers FROM archive_days WHERE date >= ? AND date <= ? ORDER BY date`,
                from,
                to,
              )
              .map((r) => [r.date, r.papers] as const),
          ),
      ),
    markDone: (date, papers) =>
      settle(() => {
        sql.run(
          `INSERT INTO archive_days(date, papers, at) VALUES (?, ?, ?)
           ON CONFLICT(date) DO UPDATE SET papers=excluded.papers, at=excluded.at`,
          date,
          papers,
          Date.now(),
        );
      }),
    lease: (holder, ttlMs) =>
      settle(() => {
        const now = Date.now();
        return (
          sql.run(
            `INSERT INTO leases(name, holder, expires) VALUES (?, ?, ?)
             ON CONFLICT(name) DO UPDATE SET holder=excluded.holder, expires=excluded.expires
             WHERE leases.holder = excluded.holder OR leases.expires <= ?`,
            LEASE,
            holder,
            now + ttlMs,
            now,
          ).changes > 0
        );
      }),
    release: (holder) =>
      settle(() => {
        sql.run(`DELETE FROM leases WHERE name = ? AND holder = ?`, LEASE, holder);
      }),
  };
}
