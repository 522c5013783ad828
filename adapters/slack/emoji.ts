// Slack reaction names ↔ neutral Emoji: aliases, keycaps and skin tones; the only place Slack emoji spellings live.
// @see https://docs.slack.dev/reference/events/reaction_added · PLATFORMS.md §3.6
import type { Emoji } from "../../src/index.js";

const KEYCAP_NAMES = [
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "keycap_ten",
] as const;

/** Slack short names of the default vote emoji (and their aliases) → the Unicode the core compares. */
const UNICODE_BY_NAME: Readonly<Record<string, string>> = {
  "+1": "👍",
  thumbsup: "👍",
  fire: "🔥",
  heart: "❤️",
  arrow_up: "⬆️",
};

/** The name we seed/react with for a Unicode emoji (the first alias above). */
const NAME_BY_UNICODE: ReadonlyMap<string, string> = new Map([
  ["👍", "+1"],
  ["🔥", "fire"],
  ["❤️", "heart"],
  ["❤", "heart"],
  ["⬆️", "arrow_up"],
  ["⬆", "arrow_up"],
]);

/** "+1::skin-tone-3" → "+1"; ":one:" → "one". */
export function baseReactionName(name: string): string {
  return name
    .trim()
    .replace(/^:|:$/g, "")
    .replace(/::skin-tone-\d$/, "")
    .toLowerCase();
}

/** A Slack `reaction` field as a neutral Emoji; unknown names (custom workspace emoji included) stay custom. */
export function slackReactionToEmoji(name: string): Emoji {
  const base = baseReactionName(name);
  const keycapIndex = (KEYCAP_NAMES as readonly string[]).indexOf(base);
  if (keycapIndex >= 0) return { kind: "keycap", number: keycapIndex + 1 };
  const unicode = UNICODE_BY_NAME[base];
  if (unicode !== undefined) return { kind: "unicode", value: unicode };
  return { kind: "custom", id: base, name: base };
}

/** The Slack name to pass to reactions.add, or undefined when Slack has no name we know for it. */
export function emojiToSlackName(emoji: Emoji): string | undefined {
  switch (emoji.kind) {
    case "keycap":
      return KEYCAP_NAMES[emoji.number - 1];
    case "unicode":
      return NAME_BY_UNICODE.get(emoji.value.replace(/[\u{1F3FB}-\u{1F3FF}]/gu, ""));
    case "custom":
      return emoji.name;
  }
}
