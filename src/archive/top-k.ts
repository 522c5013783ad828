// Top-k selection of document numbers by a ranking key: a bounded min-heap (its root the worst kept), then sorted.

/**
 * The `k` best of `docs[0 .. count)` that `keep` accepts, best first: a higher `keyOf` first, then the lower document
 * number (indexed earlier: deterministic ties). `matched` counts every accepted document.
 */
export function bestOf(
  docs: ArrayLike<number>,
  count: number,
  k: number,
  keep: (doc: number) => boolean,
  keyOf: (doc: number) => number,
): { docs: number[]; matched: number } {
  const before = (a: number, b: number): boolean => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka !== kb ? ka > kb : a < b;
  };
  const heap: number[] = [];
  let matched = 0;
  // The key of the worst kept document once the heap is full: most candidates lose to it at once.
  let floor = -1;
  for (let i = 0; i < count; i++) {
    const doc = docs[i] as number;
    if (!keep(doc)) continue;
    matched++;
    if (heap.length < k) {
      heap.push(doc);
      siftUp(heap, heap.length - 1, before);
      if (heap.length === k) floor = keyOf(heap[0] as number);
    } else if (k > 0 && keyOf(doc) >= floor && before(doc, heap[0] as number)) {
      heap[0] = doc;
      siftDown(heap, 0, before);
      floor = keyOf(heap[0]);
    }
  }
  return { docs: heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)), matched };
}

type Before = (a: number, b: number) => boolean;

function siftUp(heap: number[], i: number, before: Before): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[parent] as number, heap[i] as number)) break;
    [heap[parent], heap[i]] = [heap[i] as number, heap[parent] as number];
    i = parent;
  }
}

function siftDown(heap: number[], i: number, before: Before): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let worst = i;
    if (l < heap.length && before(heap[worst] as number, heap[l] as number)) worst = l;
    if (r < heap.length && before(heap[worst] as number, heap[r] as number)) worst = r;
    if (worst === i) return;
    [heap[worst], heap[i]] = [heap[i] as number, heap[worst] as number];
    i = worst;
  }
}
