// Discord's message limits in one table, and the grapheme-safe truncation the renderer cuts with.
// @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits

export const DISCORD_LIMITS = {
  content: 2_000,
  embedsPerMessage: 10,
  /** Title + description + field names/values + footer + author over all embeds; Discord answers 400 above it. */
  embedsTotalChars: 6_000,
  /** What the renderer allows itself: Discord's counting rule is unconfirmed (UTF-16 vs code points), so keep a margin. */
  embedsTotalBudget: 5_800,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  authorName: 256,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  customId: 100,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

const ELLIPSIS = "…";
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Cuts `text` to at most `max` UTF-16 units at a grapheme boundary and marks the cut with "…", so an
 * emoji, a flag or a combining accent is never split in half.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  const budget = max - ELLIPSIS.length;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > budget) break;
    out += segment;
  }
  return out + ELLIPSIS;
}
