// Cutting untrusted text to a limit without splitting a character: an emoji, a flag or a combining accent stays
// whole. One place for every cut the core and the adapters make.

const ELLIPSIS = "…";
// Building a Segmenter is costly: one for the process.
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Cuts to at most `max` UTF-16 units (the unit platform limits count) at a grapheme boundary, adding "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? ELLIPSIS : "";
  let out = "";
  // Segment only a window a little longer than needed: a 10,000-character title stays cheap.
  for (const { segment } of graphemes.segment(text.slice(0, max + 16))) {
    if (out.length + segment.length > max - ELLIPSIS.length) break;
    out += segment;
  }
  return `${out}${ELLIPSIS}`;
}

/**
 * Cuts to at most `max` characters as a reader counts them (graphemes), at the last word boundary when there is one
 * in the second half, without trailing punctuation, and adds "…". A text no longer than `max` UTF-16 units has at
 * most `max` graphemes, so short texts (most summaries) skip segmentation entirely.
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    chars.push(segment);
    if (chars.length > max) break;
  }
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join("");
  const cut = head.lastIndexOf(" ");
  const kept = cut > max / 2 ? head.slice(0, cut) : head;
  return `${kept.replace(/[\s,;:.]+$/u, "")}${ELLIPSIS}`;
}
