// What ranking and digest composition take and give.
import type { Inline } from "../messages/outbound-message.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { Layout } from "../platform/chat-platform.js";

/** A parsed topic filter: words (any of them must match, unless phrases/words are all required), "quoted phrases", -excluded. */
export interface TopicFilter {
  readonly words: readonly string[];
  readonly phrases: readonly string[];
  readonly excluded: readonly string[];
}

export interface RankOptions {
  readonly now: Date;
  readonly topic?: TopicFilter;
  readonly minUpvotes?: number;
  /** Papers this channel has already been shown; dropped. */
  readonly seen?: ReadonlySet<PaperId>;
  /** Extra score per paper from the channel's votes, with the reason shown on the card. */
  readonly boosts?: ReadonlyMap<PaperId, { readonly score: number; readonly reason: string }>;
}

export interface RankedPaper {
  readonly paper: Paper;
  readonly score: number;
  readonly reason?: string;
  /** Why a search matched it (see PaperCard.matched). */
  readonly matched?: readonly Inline[];
}

export interface ComposeOptions {
  /** "Trending papers — Fri 12 June" */
  readonly title: string;
  readonly top: number;
  readonly layout: Layout;
  /** Team votes per paper in this channel. */
  readonly teamVotes?: ReadonlyMap<PaperId, number>;
  /** Vote emoji shown in the cards hint, e.g. ["👍","🔥"]. */
  readonly voteEmoji?: readonly string[];
  /** Shown when the answer came from a stale cache or the archive only. */
  readonly notice?: string;
  /** The command that shows the rest, for the overflow line: "/papers top week". */
  readonly moreCommand?: string;
  /** Where the rest is listed, for the overflow line (before `moreCommand`): Hugging Face's pages of the period. */
  readonly moreLinks?: readonly MoreLink[];
  /** What the digest says when it holds no paper; default "No new papers since the last digest.". */
  readonly empty?: string;
  /** Cards only: false leaves out the header message (a shared paper is one card). */
  readonly header?: boolean;
  /** How many ranked papers were left out, when `ranked` holds only the shown ones (a resumed delivery). */
  readonly overflow?: number;
}

/** A page that lists more of a period's papers: "Fri 12 June" → https://huggingface.co/papers/date/2026-06-12. */
export interface MoreLink {
  readonly text: string;
  readonly url: string;
}
