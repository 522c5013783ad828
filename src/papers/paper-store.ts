// The paper documents' port: the archive keeps full papers in the store and only what search needs in memory.
import type { Paper, PaperId } from "./paper.js";

export interface PaperStore {
  /** The stored documents of `ids`, in that order (undefined where unknown); the archive validates them. */
  getMany(ids: readonly PaperId[]): Promise<unknown[]>;
  /** Stores (replaces) whole papers, keyed by id, in one step. */
  putMany(papers: readonly Paper[]): Promise<void>;
  /** Every stored document with its key, a batch at a time (start-up only). */
  scan(batchSize: number): AsyncIterable<readonly (readonly [string, unknown])[]>;
  delete(ids: readonly string[]): Promise<void>;
  /** How many documents are stored (what a loading archive counts towards). */
  count(): Promise<number>;
}
