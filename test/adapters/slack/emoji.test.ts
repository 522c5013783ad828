// Slack reaction names ↔ neutral Emoji.
import { describe, expect, it } from "vitest";
import { emojiToSlackName, slackReactionToEmoji } from "../../../adapters/slack/emoji.js";

describe("slackReactionToEmoji", () => {
  it.each([
    ["one", 1],
    ["five", 5],
    ["nine", 9],
    ["keycap_ten", 10],
  ])("reads :%s: as keycap %i", (name, n) => {
    expect(slackReactionToEmoji(name)).toEqual({ kind: "keycap", number: n });
  });
  it.each([
    ["+1", "👍"],
    ["thumbsup", "👍"],
    ["+1::skin-tone-2", "👍"],
    ["thumbsup::skin-tone-6", "👍"],
    ["fire", "🔥"],
    ["heart", "❤️"],
    ["arrow_up", "⬆️"],
  ])("reads :%s: as %s", (name, value) => {
    expect(slackReactionToEmoji(name)).toEqual({ kind: "unicode", value });
  });
  it("keeps unknown names (custom workspace emoji) as custom", () => {
    expect(slackReactionToEmoji("partyparrot")).toEqual({
      kind: "custom",
      id: "partyparrot",
      name: "partyparrot",
    });
  });
});

describe("emojiToSlackName", () => {
  it("names keycaps for seeding", () => {
    expect([1, 2, 10].map((n) => emojiToSlackName({ kind: "keycap", number: n }))).toEqual([
      "one",
      "two",
      "keycap_ten",
    ]);
  });
  it("names the default vote emoji, with or without variation selector or skin tone", () => {
    expect(
      ["👍", "👍🏽", "🔥", "❤️", "❤", "⬆️"].map((value) => emojiToSlackName({ kind: "unicode", value })),
    ).toEqual(["+1", "+1", "fire", "heart", "heart", "arrow_up"]);
  });
  it("has no name for a keycap beyond ten or an unknown emoji", () => {
    expect(emojiToSlackName({ kind: "keycap", number: 11 })).toBeUndefined();
    expect(emojiToSlackName({ kind: "unicode", value: "🦜" })).toBeUndefined();
  });
  it("round-trips every keycap", () => {
    for (let n = 1; n <= 10; n++)
      expect(slackReactionToEmoji(emojiToSlackName({ kind: "keycap", number: n })!)).toEqual({
        kind: "keycap",
        number: n,
      });
  });
});
