// The console's own words for voting and sharing: nobody can react in a terminal, so a vote is typed (+3, -3).
import { plural, type PlatformWords } from "../../src/index.js";

/** "+1 … +5", or "+1" for one paper. */
const range = (count: number): string => (count <= 1 ? "+1" : `+1 … +${String(count)}`);

export const CONSOLE_WORDS: PlatformWords = {
  slotHint: (slot) => `+${String(slot)}`,
  slotsHint: (count) => `Type ${range(count)} to vote for a paper, -N to take your vote back.`,
  cardHint: () => "+1",
  cardsHint: () => "Type +1 to vote for the paper printed last, -1 to take the vote back.",
  posted: (count) => `${plural(count, "paper")} above; type ${range(count)} to vote for one.`,
  shared: (title) => `Shared “${title}”; type +1 to vote for it.`,
  howToVote: "type +N to vote for paper N of the last digest",
};
