// Ranked papers → neutral digest messages (compact: one numbered message; cards: header + one per paper).
import {
  type ButtonSpec,
  type Inline,
  type MessageBlock,
  type OutboundMessage,
  text,
  code,
} from "../messages/outbound-message.js";
import type { Paper, PaperId } from "../papers/paper.js";
import { DEFAULT_VOTE_EMOJI } from "../platform/emoji.js";
import { CHAT_WORDS, type PlatformWords } from "../platform/platform-words.js";
import type { ComposeOptions, MoreLink, RankedPaper } from "./digest-types.js";
import { toPaperCard } from "./paper-card.js";

/** Keycaps run 1️⃣…🔟, so a compact digest holds at most ten papers; cards keep the same cap. */
export const MAX_PAPERS_PER_DIGEST = 10;

export interface ComposedDigest {
  readonly messages: OutboundMessage[];
  /** The papers shown, in slot order: mark these seen once the post succeeds. */
  readonly shown: PaperId[];
  /** Ranked papers not shown; summarised in an "+K more" line, never dropped silently. */
  readonly overflow: number;
}

export interface PaperListOptions {
  readonly title: string;
  readonly notice?: string;
  /** Adds a "Share to channel" button per paper (ephemeral search answers). */
  readonly shareButtons: boolean;
  /** The user's query, for the "No papers match …" answer. */
  readonly query?: string;
  readonly teamVotes?: ReadonlyMap<PaperId, number>;
  /** At most this many papers (default 10); the rest become an "+K more" line. */
  readonly limit?: number;
  /** Said under "No papers match …" when nothing matched (e.g. how far back the archive reaches). */
  readonly emptyNote?: readonly Inline[];
}

const context = (...content: Inline[]): MessageBlock => ({ type: "context", content });

function noticeBlocks(notice: string | undefined): MessageBlock[] {
  return notice !== undefined && notice.trim() !== "" ? [context(text(notice))] : [];
}

function clampTop(top: number): number {
  if (!Number.isFinite(top)) return MAX_PAPERS_PER_DIGEST;
  return Math.min(MAX_PAPERS_PER_DIGEST, Math.max(1, Math.floor(top)));
}

type MoreOptions = Pick<ComposeOptions, "moreCommand" | "moreLinks">;

/** "+25 more on Hugging Face: Fri 12 June" (links to the pages that list them), else "+25 more: <command>". */
function overflowBlock(overflow: number, options: MoreOptions): MessageBlock[] {
  if (overflow <= 0) return [];
  const links: readonly MoreLink[] = options.moreLinks ?? [];
  if (links.length > 0) {
    const runs: Inline[] = [text(`+${String(overflow)} more on Hugging Face: `)];
    links.forEach((l, i) => {
      if (i > 0) runs.push(text(" · "));
      runs.push({ type: "link", text: l.text, url: l.url });
    });
    return [context(...runs)];
  }
  const command = options.moreCommand;
  return command !== undefined && command !== ""
    ? [context(text(`+${String(overflow)} more: `), code(command))]
    : [context(text(`+${String(overflow)} more`))];
}

function overflowLine(overflow: number, options: MoreOptions): string[] {
  if (overflow <= 0) return [];
  const links: readonly MoreLink[] = options.moreLinks ?? [];
  if (links.length > 0)
    return [
      `+${String(overflow)} more on Hugging Face: ${links.map((l) => `${l.text} ${l.url}`).join(" · ")}`,
    ];
  const command = options.moreCommand;
  return [
    command !== undefined && command !== ""
      ? `+${String(overflow)} more: ${command}`
      : `+${String(overflow)} more`,
  ];
}

const listLine = (slot: number, paper: Paper): string =>
  `${String(slot)}. ${paper.title.replace(/\s+/g, " ").trim()} (▲ ${String(paper.upvotes)})`;

/** What an empty digest says when its composer did not say: right for a scheduled digest that has run before. */
export const NOTHING_NEW = "No new papers since the last digest.";

function emptyDigest(options: ComposeOptions): ComposedDigest {
  const empty = options.empty ?? NOTHING_NEW;
  const blocks: MessageBlock[] = [
    { type: "header", text: options.title },
    ...noticeBlocks(options.notice),
    { type: "text", content: [text(empty)] },
  ];
  const fallback = [options.title, options.notice, empty].filter((s) => s !== undefined && s !== "");
  return { messages: [{ fallbackText: fallback.join("\n"), blocks }], shown: [], overflow: 0 };
}

function composeCompact(
  shownPapers: readonly RankedPaper[],
  overflow: number,
  options: ComposeOptions,
  words: PlatformWords,
): OutboundMessage {
  const blocks: MessageBlock[] = [{ type: "header", text: options.title }, ...noticeBlocks(options.notice)];
  shownPapers.forEach((ranked, index) => {
    const slot = index + 1;
    if (index > 0) blocks.push({ type: "divider" });
    blocks.push({ type: "paper", slot, paper: cardFor(ranked, options, words.slotHint(slot)) });
  });
  blocks.push(...overflowBlock(overflow, options));
  blocks.push(context(text(words.slotsHint(shownPapers.length))));
  const fallback = [
    options.title,
    ...(options.notice ? [options.notice] : []),
    ...shownPapers.map((r, i) => listLine(i + 1, r.paper)),
    ...overflowLine(overflow, options),
  ];
  return { fallbackText: fallback.join("\n"), blocks };
}

/** Each card is one paper; renderers add its link buttons (Hugging Face, PDF, Code) from the card's links. */
function composeCards(
  shownPapers: readonly RankedPaper[],
  overflow: number,
  options: ComposeOptions,
  words: PlatformWords,
): OutboundMessage[] {
  const emoji = options.voteEmoji && options.voteEmoji.length > 0 ? options.voteEmoji : DEFAULT_VOTE_EMOJI;
  const header: OutboundMessage = {
    fallbackText: [
      options.title,
      ...(options.notice ? [options.notice] : []),
      ...overflowLine(overflow, options),
    ].join("\n"),
    blocks: [
      { type: "header", text: options.title },
      ...noticeBlocks(options.notice),
      ...overflowBlock(overflow, options),
      context(text(words.cardsHint(emoji))),
    ],
  };
  const voteHint = words.cardHint(emoji);
  // Without a header message (one shared card) the notice goes under the card itself.
  const cardNotice = options.header === false ? options.notice : undefined;
  const cards = shownPapers.map(
    (ranked): OutboundMessage => ({
      fallbackText: [
        `${ranked.paper.title.replace(/\s+/g, " ").trim()} (▲ ${String(ranked.paper.upvotes)})`,
        ...(cardNotice ? [cardNotice] : []),
      ].join("\n"),
      blocks: [
        { type: "paper", slot: 1, paper: cardFor(ranked, options, voteHint) },
        ...noticeBlocks(cardNotice),
      ],
    }),
  );
  return options.header === false ? cards : [header, ...cards];
}

function cardFor(
  ranked: RankedPaper,
  options: ComposeOptions,
  voteHint: string,
): ReturnType<typeof toPaperCard> {
  const teamVotes = options.teamVotes?.get(ranked.paper.id);
  return toPaperCard(ranked.paper, {
    voteHint,
    ...(teamVotes !== undefined ? { teamVotes } : {}),
    ...(ranked.reason !== undefined ? { reason: ranked.reason } : {}),
  });
}

/**
 * A digest as neutral messages. `compact`: one message with the top N papers in slots 1..N (react with
 * the slot's keycap to vote). `cards`: a header message, then one message per paper at slot 1 (react with a
 * vote emoji; the thread is the paper's discussion). Papers past N become one "+K more" line pointing where
 * they are listed. No papers → one message saying so (`options.empty`). How to vote is said in `words`, the
 * platform's own.
 */
export function composeDigest(
  ranked: readonly RankedPaper[],
  options: ComposeOptions,
  words: PlatformWords = CHAT_WORDS,
): ComposedDigest {
  if (ranked.length === 0) return emptyDigest(options);
  const top = clampTop(options.top);
  const shownPapers = ranked.slice(0, top);
  const overflow = options.overflow ?? ranked.length - shownPapers.length;
  const shown = shownPapers.map((r) => r.paper.id);
  const messages =
    options.layout === "cards"
      ? composeCards(shownPapers, overflow, options, words)
      : [composeCompact(shownPapers, overflow, options, words)];
  return { messages, shown, overflow };
}

const asPaper = (item: Paper | RankedPaper): Paper => ("paper" in item ? item.paper : item);

/**
 * A search answer: header, then per paper a card (slot 1..n), followed by its "Share to channel" button when
 * `shareButtons` (renderers add the link buttons from the card and number each paper's buttons). No results →
 * "No papers match “query”." with a hint.
 */
export function composePaperList(
  results: readonly (Paper | RankedPaper)[],
  options: PaperListOptions,
): OutboundMessage {
  const header: MessageBlock[] = [{ type: "header", text: options.title }, ...noticeBlocks(options.notice)];
  if (results.length === 0) {
    const what =
      options.query !== undefined && options.query.trim() !== ""
        ? `No papers match “${options.query.trim()}”.`
        : "No papers found.";
    const blocks: MessageBlock[] = [
      ...header,
      { type: "text", content: [text(what)] },
      context(
        text("Try fewer or broader words, drop a "),
        code("-exclusion"),
        text(", or browse "),
        code("/papers week"),
        text("."),
      ),
      ...(options.emptyNote !== undefined && options.emptyNote.length > 0
        ? [context(...options.emptyNote)]
        : []),
    ];
    const note = options.emptyNote?.map((run) => run.text).join("");
    return {
      fallbackText: [options.title, options.notice, what, note]
        .filter((s) => s !== undefined && s !== "")
        .join("\n"),
      blocks,
    };
  }
  const limit = clampLimit(options.limit);
  const papers = results.slice(0, limit).map(asPaper);
  const blocks: MessageBlock[] = [...header];
  papers.forEach((paper, index) => {
    const item = results[index];
    const reason = item !== undefined && "paper" in item ? item.reason : undefined;
    const matched = item !== undefined && "paper" in item ? item.matched : undefined;
    const teamVotes = options.teamVotes?.get(paper.id);
    blocks.push({
      type: "paper",
      slot: index + 1,
      paper: toPaperCard(paper, {
        ...(teamVotes !== undefined ? { teamVotes } : {}),
        ...(reason !== undefined ? { reason } : {}),
        ...(matched !== undefined ? { matched } : {}),
      }),
    });
    if (options.shareButtons) {
      const share: ButtonSpec = {
        kind: "action",
        actionId: "share",
        value: paper.id,
        text: "Share to channel",
      };
      blocks.push({ type: "actions", buttons: [share] });
    }
  });
  const overflow = results.length - papers.length;
  if (overflow > 0) blocks.push(context(text(`+${String(overflow)} more; add words to narrow the search.`)));
  const fallback = [
    options.title,
    ...(options.notice ? [options.notice] : []),
    ...papers.map((p, i) => listLine(i + 1, p)),
    ...(overflow > 0 ? [`+${String(overflow)} more`] : []),
  ];
  return { fallbackText: fallback.join("\n"), blocks };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return MAX_PAPERS_PER_DIGEST;
  return Math.max(1, Math.floor(limit));
}
