// Neutral emoji: adapters translate their platform's spelling (Slack ":one:", Discord "1️⃣") into this.

export type Emoji =
  | { readonly kind: "keycap"; readonly number: number }
  | { readonly kind: "unicode"; readonly value: string }
  | { readonly kind: "custom"; readonly id: string; readonly name: string };

export const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"] as const;

/** Default vote emoji for the cards layout: 👍 🔥 ❤️ ⬆️ */
export const DEFAULT_VOTE_EMOJI = ["👍", "🔥", "❤️", "⬆️"] as const;

/** Strips variation selectors and skin tones so "❤" and "❤️", "👍🏽" and "👍" compare equal. */
export function normalizeUnicodeEmoji(value: string): string {
  return value.replace(/\u{FE0E}|\u{FE0F}|\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}/gu, "");
}

export function emojiKey(emoji: Emoji): string {
  switch (emoji.kind) {
    case "keycap":
      return `keycap:${String(emoji.number)}`;
    case "unicode":
      return `u:${normalizeUnicodeEmoji(emoji.value)}`;
    case "custom":
      return `c:${emoji.id}`;
  }
}

/** "3️⃣" → keycap 3; other text → unicode emoji. */
export function emojiFromUnicode(value: string): Emoji {
  const index = KEYCAPS.findIndex((k) => normalizeUnicodeEmoji(k) === normalizeUnicodeEmoji(value));
  return index >= 0 ? { kind: "keycap", number: index + 1 } : { kind: "unicode", value };
}

export function keycap(number: number): string {
  return KEYCAPS[number - 1] ?? String(number);
}
