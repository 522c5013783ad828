// What a search that found nothing says about the archive: how far back it reaches, and how to make it reach further.
import type { ArchiveCoverage } from "../archive/paper-archive.js";
import { FIRST_DAILY_DATE } from "../archive/backfill.js";
import { code, text, type Inline } from "../messages/outbound-message.js";
import { addDays, lastCompletedBatchDate } from "../sources/ny-date.js";

const count = (n: number): string => n.toLocaleString("en-US");

/**
 * "The archive holds 12,345 papers from 2025-01-02 to 2026-11-28; `paperboy archive backfill --from 2024-01-02`
 * fills older days." The example reaches a year further back (not before the first Daily Papers list).
 */
export function coverageNote(coverage: ArchiveCoverage, now: Date): Inline[] {
  if (coverage.papers === 0 || coverage.from === undefined) {
    const from = addDays(lastCompletedBatchDate(now), -29);
    return [
      text("The archive is empty; "),
      code(`paperboy archive backfill --from ${from}`),
      text(" fills it from Hugging Face's daily lists."),
    ];
  }
  const papers = coverage.papers === 1 ? "1 paper" : `${count(coverage.papers)} papers`;
  const span =
    coverage.to !== undefined && coverage.to !== coverage.from
      ? `from ${coverage.from} to ${coverage.to}`
      : `from ${coverage.from}`;
  const holds = text(`The archive holds ${papers} ${span}`);
  if (coverage.from <= FIRST_DAILY_DATE) return [holds, text(", back to the first Daily Papers list.")];
  const earlier = addDays(coverage.from, -365);
  const from = earlier < FIRST_DAILY_DATE ? FIRST_DAILY_DATE : earlier;
  return [holds, text("; "), code(`paperboy archive backfill --from ${from}`), text(" fills older days.")];
}
