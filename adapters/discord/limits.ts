// Discord's message limits in one table (the renderer cuts with the core's grapheme-safe `truncate`).
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
