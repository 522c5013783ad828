// OutboundMessage → Block Kit: one exhaustive switch, limits from limits.ts, overflow summarised.
// @see https://docs.slack.dev/reference/block-kit/blocks · STYLE.md §3.2–3.3
import {
  assertNever,
  type ButtonSpec,
  type MessageBlock,
  type OutboundMessage,
  type PaperCard,
  type PaperId,
  truncate,
} from "../../../src/index.js";
import { PAPER_LIMITS, SLACK_LIMITS } from "../limits.js";
import { buttonUrl, escapeMrkdwn, inlinesToMrkdwn, mrkdwnLink, oneLine, plainText } from "./mrkdwn.js";

export interface SlackPlainText {
  readonly type: "plain_text";
  readonly text: string;
  readonly emoji?: boolean;
}
export interface SlackMrkdwn {
  readonly type: "mrkdwn";
  readonly text: string;
  readonly verbatim?: boolean;
}
export interface SlackButton {
  readonly type: "button";
  readonly text: SlackPlainText;
  readonly action_id: string;
  readonly url?: string;
  readonly value?: string;
  readonly style?: "primary" | "danger";
}
export interface SlackImage {
  readonly type: "image";
  readonly image_url: string;
  readonly alt_text: string;
}
export type SlackBlock =
  | { readonly type: "header"; readonly text: SlackPlainText }
  | { readonly type: "section"; readonly text: SlackMrkdwn; readonly accessory?: SlackImage }
  | { readonly type: "context"; readonly elements: readonly SlackMrkdwn[] }
  | { readonly type: "actions"; readonly elements: readonly SlackButton[] }
  | { readonly type: "divider" };

export interface RenderedSlackMessage {
  /** Plain-text fallback for notifications; always set, escaped like any mrkdwn. */
  readonly text: string;
  readonly blocks: SlackBlock[];
  /** The paper slots really shown (after cutting to the limits): what a keycap can vote for. */
  readonly slots: ReadonlyMap<number, PaperId>;
  /** Papers the limits left out (summarised in the last block). */
  readonly omitted: number;
}

/** Neutral action id → Slack action_id; actions.ts routes on these. */
export const SLACK_ACTION_PREFIX = "paperboy:";
export const LINK_ACTION_PREFIX = "paperboy:link:";

const mrkdwn = (text: string): SlackMrkdwn => ({ type: "mrkdwn", text, verbatim: true });

function button(spec: ButtonSpec, index: number): SlackButton | undefined {
  const text: SlackPlainText = {
    type: "plain_text",
    text: truncate(plainText(oneLine(spec.text)) || "Open", SLACK_LIMITS.buttonText),
    emoji: true,
  };
  switch (spec.kind) {
    case "link": {
      const url = buttonUrl(spec.url, SLACK_LIMITS.buttonUrl);
      return url === undefined
        ? undefined
        : { type: "button", text, url, action_id: `${LINK_ACTION_PREFIX}${index}` };
    }
    case "action":
      if (spec.value.length > SLACK_LIMITS.buttonValue) return undefined;
      return { type: "button", text, action_id: `${SLACK_ACTION_PREFIX}${spec.actionId}`, value: spec.value };
    default:
      return assertNever(spec);
  }
}

/** The links a paper gets as buttons, with the short name a numbered button carries ("PDF 2"). */
const LINK_BUTTONS: ReadonlyMap<string, string> = new Map([
  ["huggingFace", "Hugging Face"],
  ["pdf", "PDF"],
  ["code", "Code"],
]);
/** A numbered Share button: "Share 2" says which paper it shares where "Share to channel" five times would not. */
const SHARE_SHORT = "Share";

/** How a paper is drawn within its message. */
interface PaperLook {
  /** The message lists several papers: each paper's buttons carry its number ("PDF 2", "Share 2"). */
  readonly numbered: boolean;
  /** Show the paper's thumbnail beside its text (cards, shares, search hits; a long compact list stays text). */
  readonly picture: boolean;
}

/** The paper's thumbnail as a section accessory: https only, alt text its title (plain, cut to Slack's 2,000). */
function thumbnail(paper: PaperCard): SlackImage | undefined {
  const url = paper.thumbnail === undefined ? undefined : buttonUrl(paper.thumbnail, SLACK_LIMITS.imageUrl);
  if (url === undefined || !url.startsWith("https:")) return undefined;
  const alt = truncate(plainText(oneLine(paper.title)), SLACK_LIMITS.altText) || "Paper thumbnail";
  return { type: "image", image_url: url, alt_text: alt };
}

/** A button's label, numbered with its paper's slot when the message holds several papers. */
function paperButton(spec: ButtonSpec, slot: number, look: PaperLook): ButtonSpec {
  if (!look.numbered) return spec;
  const short = spec.kind === "action" ? SHARE_SHORT : spec.text;
  return { ...spec, text: `${short} ${String(slot)}` };
}

function paperBlocks(
  slot: number,
  paper: PaperCard,
  extra: readonly ButtonSpec[],
  look: PaperLook,
): SlackBlock[] {
  const title = mrkdwnLink(paper.url, truncate(oneLine(paper.title), PAPER_LIMITS.title));
  const head = `*${String(slot)}.* *${title}*`;
  const matched =
    paper.matched && paper.matched.length > 0
      ? `🔎 ${inlinesToMrkdwn(paper.matched, PAPER_LIMITS.matched)}`
      : "";
  // Escaping can grow the text fivefold ("&" → "&amp;"): cut again after it so the section stays within 3,000.
  const summary = truncate(
    escapeMrkdwn(truncate(oneLine(paper.summary), PAPER_LIMITS.summary)),
    SLACK_LIMITS.sectionText - head.length - 1 - (matched === "" ? 0 : matched.length + 1),
  );
  const image = look.picture ? thumbnail(paper) : undefined;
  const text = mrkdwn([head, summary, matched].filter((s) => s !== "").join("\n"));
  const blocks: SlackBlock[] = [
    image === undefined ? { type: "section", text } : { type: "section", text, accessory: image },
  ];

  const facts: string[] = [];
  if (paper.authors.trim() !== "")
    facts.push(escapeMrkdwn(truncate(oneLine(paper.authors), PAPER_LIMITS.authors)));
  if (paper.organization !== undefined && paper.organization.trim() !== "")
    facts.push(`🏛 ${escapeMrkdwn(truncate(oneLine(paper.organization), PAPER_LIMITS.organization))}`);
  if (paper.date !== undefined) facts.push(escapeMrkdwn(paper.date));
  facts.push(`▲ ${String(paper.upvotes)}`);
  if (paper.githubStars !== undefined) facts.push(`★ ${String(paper.githubStars)}`);
  if (paper.teamVotes !== undefined && paper.teamVotes > 0)
    facts.push(`team votes: ${String(paper.teamVotes)}`);
  if (paper.reason !== undefined)
    facts.push(`_${escapeMrkdwn(truncate(oneLine(paper.reason), PAPER_LIMITS.reason))}_`);
  if (paper.voteHint !== undefined)
    facts.push(escapeMrkdwn(truncate(oneLine(paper.voteHint), PAPER_LIMITS.voteHint)));
  blocks.push({
    type: "context",
    elements: [mrkdwn(truncate(facts.join("  ·  "), SLACK_LIMITS.sectionText))],
  });

  const specs: ButtonSpec[] = paper.links.flatMap((l): ButtonSpec[] => {
    const short = LINK_BUTTONS.get(l.kind);
    return short === undefined ? [] : [{ kind: "link", text: look.numbered ? short : l.label, url: l.url }];
  });
  specs.push(...extra);
  const buttons = specs
    .map((s, i) => button(paperButton(s, slot, look), slot * 100 + i))
    .filter((b): b is SlackButton => b !== undefined)
    .slice(0, SLACK_LIMITS.actionsElements);
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });
  return blocks;
}

function otherBlocks(block: Exclude<MessageBlock, { type: "paper" }>, index: number): SlackBlock[] {
  switch (block.type) {
    case "header": {
      const text = truncate(plainText(oneLine(block.text)), SLACK_LIMITS.headerText);
      return text === "" ? [] : [{ type: "header", text: { type: "plain_text", text, emoji: true } }];
    }
    case "text": {
      const text = inlinesToMrkdwn(block.content, SLACK_LIMITS.sectionText);
      return text.trim() === "" ? [] : [{ type: "section", text: mrkdwn(text) }];
    }
    case "context": {
      const text = inlinesToMrkdwn(block.content, SLACK_LIMITS.sectionText);
      return text.trim() === "" ? [] : [{ type: "context", elements: [mrkdwn(text)] }];
    }
    case "actions": {
      const buttons = block.buttons
        .map((b, i) => button(b, 10_000 + index * 100 + i))
        .filter((b): b is SlackButton => b !== undefined)
        .slice(0, SLACK_LIMITS.actionsElements);
      return buttons.length === 0 ? [] : [{ type: "actions", elements: buttons }];
    }
    case "divider":
      return [{ type: "divider" }];
    default:
      return assertNever(block);
  }
}

/** Characters of text a block carries, as Slack counts towards `msg_blocks_too_long`. */
export function blockTextLength(block: SlackBlock): number {
  switch (block.type) {
    case "header":
    case "section":
      return block.text.text.length;
    case "context":
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case "actions":
      return block.elements.reduce((n, e) => n + e.text.text.length, 0);
    case "divider":
      return 0;
    default:
      return assertNever(block);
  }
}

interface Group {
  readonly paper?: { readonly slot: number; readonly id: PaperId };
  readonly blocks: SlackBlock[];
  readonly chars: number;
}

/** An actions block holding only action buttons for one paper: merged into that paper's own actions. */
function actionsForPaper(block: MessageBlock | undefined, id: PaperId): readonly ButtonSpec[] | undefined {
  if (block?.type !== "actions" || block.buttons.length === 0) return undefined;
  return block.buttons.every((b) => b.kind === "action" && b.value === id) ? block.buttons : undefined;
}

/**
 * Renders within `maxBlocks` blocks and the cumulative text budget. Non-paper blocks are kept; papers
 * are kept in order while they fit, and the rest are summarised as "+N more …" in one context block.
 */
export function renderSlackBlocks(
  message: OutboundMessage,
  maxBlocks: number = SLACK_LIMITS.blocksPerMessage,
): RenderedSlackMessage {
  const groups: Group[] = [];
  const source = message.blocks;
  const paperCount = source.filter((b) => b.type === "paper").length;
  for (let i = 0; i < source.length; i++) {
    const block = source[i];
    if (block === undefined) continue;
    let blocks: SlackBlock[];
    let paper: Group["paper"];
    if (block.type === "paper") {
      const extra = actionsForPaper(source[i + 1], block.paper.id);
      if (extra !== undefined) i++;
      // A card has its picture; in a list only papers with their own buttons (search hits) do, so a digest of ten
      // stays a readable list.
      const look = { numbered: paperCount > 1, picture: paperCount === 1 || extra !== undefined };
      blocks = paperBlocks(block.slot, block.paper, extra ?? [], look);
      paper = { slot: block.slot, id: block.paper.id };
    } else {
      blocks = otherBlocks(block, i);
    }
    const chars = blocks.reduce((n, b) => n + blockTextLength(b), 0);
    groups.push(paper === undefined ? { blocks, chars } : { paper, blocks, chars });
  }

  const summaryReserve = { blocks: 1, chars: 120 };
  let blocksLeft = maxBlocks - summaryReserve.blocks;
  let charsLeft = SLACK_LIMITS.totalBlockText - summaryReserve.chars;
  // Non-paper blocks first claim their share (cut to what is left if they alone are too much).
  const keep = new Set<Group>();
  for (const g of groups) {
    if (g.paper !== undefined) continue;
    if (g.blocks.length <= blocksLeft && g.chars <= charsLeft) {
      keep.add(g);
      blocksLeft -= g.blocks.length;
      charsLeft -= g.chars;
    }
  }
  let omitted = 0;
  const papersTotal = groups.filter((g) => g.paper !== undefined).length;
  for (const g of groups) {
    if (g.paper === undefined) continue;
    if (omitted === 0 && g.blocks.length <= blocksLeft && g.chars <= charsLeft) {
      keep.add(g);
      blocksLeft -= g.blocks.length;
      charsLeft -= g.chars;
    } else {
      omitted++;
    }
  }

  const blocks: SlackBlock[] = [];
  const slots = new Map<number, PaperId>();
  let lastPaperEnd = -1;
  for (const g of groups) {
    if (!keep.has(g)) continue;
    if (g.paper !== undefined) slots.set(g.paper.slot, g.paper.id);
    blocks.push(...g.blocks);
    if (g.paper !== undefined) lastPaperEnd = blocks.length;
  }
  if (omitted > 0) {
    const shown = papersTotal - omitted;
    const note: SlackBlock = {
      type: "context",
      elements: [mrkdwn(`+${String(omitted)} more not shown (Slack fits ${String(shown)} in one message)`)],
    };
    blocks.splice(lastPaperEnd < 0 ? blocks.length : lastPaperEnd, 0, note);
  }
  const fallback = truncate(
    escapeMrkdwn(message.fallbackText.replace(/[^\S\n]+/g, " ").trim()),
    SLACK_LIMITS.fallbackText,
  );
  return { text: fallback === "" ? "paperboy" : fallback, blocks, slots, omitted };
}

/**
 * What the CLI's `paperboy digest --format slack` prints and what chat.postMessage sends:
 * Block Kit blocks plus the plain-text fallback.
 */
export function renderSlackMessage(message: OutboundMessage): { text: string; blocks: SlackBlock[] } {
  const { text, blocks } = renderSlackBlocks(message);
  return { text, blocks };
}
