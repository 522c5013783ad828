// The backfill's store port: which Daily Papers days the archive already holds in full, and the lease that lets one
// process (of several replicas) fill it at a time. Each engine implements each call as one atomic operation.

export interface BackfillStore {
  /** The days in [from, to] ("YYYY-MM-DD", inclusive) recorded as filled, with the papers each day held. */
  doneDays(from: string, to: string): Promise<ReadonlyMap<string, number>>;
  /** Records `date` as filled with `papers` papers; recording it again only updates the count. */
  markDone(date: string, papers: number): Promise<void>;
  /**
   * Takes the backfill lease for `holder`, or extends it when `holder` already has it, until `ttlMs` from now.
   * False while another holder's lease runs.
   */
  lease(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up when `holder` has it (a clean stop), so the next start need not wait for it to expire. */
  release(holder: string): Promise<void>;
}
