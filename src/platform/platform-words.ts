// How people vote on a platform, in that platform's own words: each adapter says them, the core writes them into
// digests and replies. A chat says "react 3️⃣"; the console, where nobody can react, says "+3".
import { plural } from "../messages/plural.js";
import { keycap } from "./emoji.js";

/** The sentences and phrases of the core that depend on how a platform is used. */
export interface PlatformWords {
  /** Under paper N of a numbered post: "react 3️⃣" · "+3". */
  slotHint(slot: number): string;
  /** Under a numbered post of `count` papers: "React with 1️⃣–5️⃣ to vote for a paper." */
  slotsHint(count: number): string;
  /** Under a one-paper post that votes with `emoji`: "react 👍 🔥" · "+1". */
  cardHint(emoji: readonly string[]): string;
  /** Above a run of one-paper posts: "React 👍 🔥 on a paper to vote; its thread is for discussion." */
  cardsHint(emoji: readonly string[]): string;
  /** Told to whoever asked for a digest that was posted: "Posted 5 papers to the channel; react with 1️⃣–5️⃣ to vote." */
  posted(count: number): string;
  /** Told to whoever shared a paper: "Shared “…” with the channel; react 👍 on it to vote." */
  shared(title: string, emoji: readonly string[]): string;
  /** How anyone votes at all, for "No votes yet — …": "react to a digest with 1️⃣…🔟 or 👍 to vote". */
  howToVote: string;
}

/** "1️⃣–5️⃣", or "1️⃣" for one paper. */
export function keycapRange(count: number): string {
  const n = Math.max(1, Math.floor(count));
  return n === 1 ? keycap(1) : `${keycap(1)}–${keycap(n)}`;
}

/** Slack's and Discord's words: votes are reactions, keycaps on numbered posts and the channel's emoji on cards. */
export const CHAT_WORDS: PlatformWords = {
  slotHint: (slot) => `react ${keycap(slot)}`,
  slotsHint: (count) => `React with ${keycapRange(count)} to vote for a paper.`,
  cardHint: (emoji) => `react ${emoji.join(" ")}`,
  cardsHint: (emoji) => `React ${emoji.join(" ")} on a paper to vote; its thread is for discussion.`,
  posted: (count) =>
    `Posted ${plural(count, "paper")} to the channel; react with ${keycapRange(count)} to vote.`,
  shared: (title, emoji) => `Shared “${title}” with the channel; react ${emoji.join(" ")} on it to vote.`,
  howToVote: "react to a digest with 1️⃣…🔟 or 👍 to vote",
};

/** The words of a platform, a chat's when it names none (or is not connected in this process). */
export function wordsOf(platform: { readonly words?: PlatformWords } | undefined): PlatformWords {
  return platform?.words ?? CHAT_WORDS;
}
