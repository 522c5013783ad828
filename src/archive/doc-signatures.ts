// Each indexed document's small signature (phrase-signature.ts), all back to back in one buffer addressed by docNo:
// one allocation for 100,000 documents instead of 100,000 small arrays.
import type { RankOptions } from "./index-types.js";

export interface DocSignatures {
  /** Makes room for document numbers below `size`. */
  grow(size: number): void;
  /** Stores `signature` (or none) as document `docNo`'s. */
  put(docNo: number, signature: Uint8Array | undefined): void;
  /** Whether `accept` takes document `docNo`'s signature. */
  accepts(docNo: number, accept: NonNullable<RankOptions["accept"]>): boolean;
  /** After a compaction: document d is now `renumber[d]` (-1: dropped); packs the buffer. */
  renumber(renumber: Int32Array): void;
}

export function createDocSignatures(): DocSignatures {
  let buffer = new Uint8Array(64 * 1024);
  let used = 0;
  let start = new Int32Array(1024);
  let length = new Int32Array(1024);
  return {
    grow(size) {
      if (size <= start.length) return;
      const starts = new Int32Array(size);
      starts.set(start);
      start = starts;
      const lengths = new Int32Array(size);
      lengths.set(length);
      length = lengths;
    },
    put(docNo, signature) {
      const n = signature?.length ?? 0;
      if (used + n > buffer.length) {
        // Grown by a quarter (not doubled): at most a quarter of the buffer is ever unused.
        const next = new Uint8Array(Math.max(Math.ceil(buffer.length * 1.25), used + n));
        next.set(buffer.subarray(0, used));
        buffer = next;
      }
      if (signature) buffer.set(signature, used);
      start[docNo] = used;
      length[docNo] = n;
      used += n;
    },
    accepts: (docNo, accept) => accept(buffer, start[docNo] as number, length[docNo] as number),
    renumber(renumber) {
      const packed = new Uint8Array(Math.max(1024, used));
      let at = 0;
      for (let docNo = 0; docNo < renumber.length; docNo++) {
        const to = renumber[docNo] as number;
        if (to < 0) continue;
        const from = start[docNo] as number;
        const n = length[docNo] as number;
        packed.set(buffer.subarray(from, from + n), at);
        start[to] = at;
        length[to] = n;
        at += n;
      }
      buffer = packed;
      used = at;
    },
  };
}
