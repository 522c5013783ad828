// Discord's emoji spellings ↔ the core's neutral Emoji: "3️⃣" is keycap 3, <:name:id> is a custom emoji.
// @see https://discord.com/developers/docs/resources/emoji#emoji-object
import { emojiFromUnicode, keycap, type Emoji } from "../../src/index.js";

/** A reaction's emoji as discord.js reports it (`reaction.emoji`): custom emoji have an id. */
export function emojiFromDiscord(emoji: {
  readonly id: string | null;
  readonly name: string | null;
}): Emoji | undefined {
  if (emoji.id !== null) return { kind: "custom", id: emoji.id, name: emoji.name ?? "" };
  return emoji.name ? emojiFromUnicode(emoji.name) : undefined;
}

/** What `message.react()` takes: the unicode text, or the custom emoji's id. */
export function emojiToDiscord(emoji: Emoji): string {
  switch (emoji.kind) {
    case "keycap":
      return keycap(emoji.number);
    case "unicode":
      return emoji.value;
    case "custom":
      return emoji.id;
  }
}
