// Per-paper Bloom filters of adjacent word pairs: "quoted phrases" are pre-checked in memory without the text.

// A paper's ~200 word pairs take ~200 bytes (8 bits a pair, 5 probes: ~2% false positives per pair), so
// 100,000 papers cost ~20 MB instead of ~130 MB of abstracts. A phrase passes when every adjacent pair
// of its words may be in the filter; the caller confirms the few top hits against the real text.

const PROBES = 5;
const MIN_BYTES = 8;
const MAX_BYTES = 4_096;

/** Words as phrases see them: folded text split on anything that is not a letter or digit. */
export function phraseWords(folded: string): string[] {
  if (ASCII.test(folded)) return folded.match(ASCII_WORD) ?? [];
  return folded.split(NON_WORD).filter((w) => w.length > 0);
}
const NON_WORD = /[^\p{L}\p{N}]+/u;
const ASCII = /^[\t\n\r\x20-\x7e]*$/;
const ASCII_WORD = /[a-z0-9]+/gi;

function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function pairHash(a: number, b: number): number {
  return mix(Math.imul(a, 0x9e3779b1) ^ b);
}

/** The pair hashes of a word sequence (word i with word i + 1). */
function pairHashes(words: readonly string[]): number[] {
  const out: number[] = [];
  let previous = words.length > 0 ? wordHash(words[0] as string) : 0;
  for (let i = 1; i < words.length; i++) {
    const next = wordHash(words[i] as string);
    out.push(pairHash(previous, next));
    previous = next;
  }
  return out;
}

/** The Bloom filter of a paper's word sequence (title, abstract, keywords in the order phrases see them). */
export function phraseSignature(words: readonly string[]): Uint8Array {
  const pairs = pairHashes(words);
  const bytes = Math.max(MIN_BYTES, Math.min(MAX_BYTES, pairs.length));
  const filter = new Uint8Array(bytes);
  for (const h of pairs) setBits(filter, 0, bytes, h);
  return filter;
}

function setBits(filter: Uint8Array, start: number, bytes: number, h: number): void {
  const bits = bytes * 8;
  const step = mix(h ^ 0x27d4eb2f) | 1;
  for (let i = 0; i < PROBES; i++) {
    const bit = ((h + Math.imul(i, step)) >>> 0) % bits;
    const at = start + (bit >>> 3);
    filter[at] = (filter[at] as number) | (1 << (bit & 7));
  }
}

/** The pair hashes every one of which a paper's filter must hold for the phrases (phrase form, folded). */
export function phraseProbe(phrases: readonly string[]): number[] {
  return phrases.flatMap((p) => pairHashes(p.split(" ").filter((w) => w.length > 0)));
}

/** True when the filter at `filter[start .. start + bytes)` may hold every pair of the probe. */
export function mayContain(
  filter: Uint8Array,
  start: number,
  bytes: number,
  probe: readonly number[],
): boolean {
  const bits = bytes * 8;
  if (bits === 0) return probe.length === 0;
  for (const h of probe) {
    const step = mix(h ^ 0x27d4eb2f) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h + Math.imul(i, step)) >>> 0) % bits;
      if (((filter[start + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
    }
  }
  return true;
}
