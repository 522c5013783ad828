// OutboundMessage → plain terminal text; untrusted text loses control characters so no title can drive the terminal.
import { assertNever, httpHref } from "../../src/index.js";
import type { ButtonSpec, Inline, MessageBlock, OutboundMessage, PaperCard } from "../../src/index.js";

// C0/C1 controls (incl. ESC, so no ANSI sequences), bidi overrides and isolates; newlines become spaces.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function safeText(text: string): string {
  return text.replace(UNSAFE, " ");
}


export function inlineToText(runs: readonly Inline[]): string {
  return runs
    .map((run) => {
      switch (run.type) {
        // A terminal shows no marks: code (a command to type) is as plain as the rest.
        case "text":
        case "bold":
        case "italic":
        case "code":
          return safeText(run.text);
        case "link": {
          const url = httpHref(run.url);
          return url === undefined ? safeText(run.text) : `${safeText(run.text)} <${url}>`;
        }
        default:
          return assertNever(run);
      }
    })
    .join("");
}

function paperLines(slot: number, paper: PaperCard): string[] {
  const meta = [
    paper.authors,
    paper.organization,
    paper.date,
    `▲ ${paper.upvotes}`,
    paper.teamVotes !== undefined && paper.teamVotes > 0 ? `team votes ${paper.teamVotes}` : undefined,
  ].filter((part): part is string => part !== undefined && part !== "");
  const links = paper.links
    .map((link) => ({ label: link.label, url: httpHref(link.url) }))
    .filter((link) => link.url !== undefined)
    .map((link) => `${safeText(link.label)} ${link.url ?? ""}`);
  const lines = [`${slot}. ${safeText(paper.title)}`, `   ${safeText(meta.join(" · "))}`];
  if (paper.summary !== "") lines.push(`   ${safeText(paper.summary)}`);
  if (paper.reason !== undefined) lines.push(`   ↳ ${safeText(paper.reason)}`);
  if (paper.matched !== undefined) lines.push(`   🔎 ${inlineToText(paper.matched)}`);
  if (links.length > 0) lines.push(`   ${links.join("  ")}`);
  return lines;
}

/** What the console types for a button: `share 2` shares result 2 of the last search (console-platform.ts). */
function actionLine(button: ButtonSpec, slot: number | undefined): string[] {
  if (button.kind !== "action") return []; // links are printed with the paper
  switch (button.actionId) {
    case "share":
      return slot === undefined ? [] : [`   share ${String(slot)} — post it here for votes`];
    default:
      return assertNever(button.actionId);
  }
}

/** `slot`: the paper the block follows (a paper's actions come right after it). */
function blockLines(block: MessageBlock, slot: number | undefined): string[] {
  switch (block.type) {
    case "header":
      return [`== ${safeText(block.text)} ==`];
    case "paper":
      return paperLines(block.slot, block.paper);
    case "text":
      return [inlineToText(block.content)];
    case "context":
      return [`  ${inlineToText(block.content)}`];
    case "actions":
      return block.buttons.flatMap((b) => actionLine(b, slot));
    case "divider":
      return [""];
    default:
      return assertNever(block);
  }
}

/** The whole message as terminal lines. */
export function renderText(message: OutboundMessage): string {
  let slot: number | undefined;
  return message.blocks
    .flatMap((block) => {
      if (block.type === "paper") slot = block.slot;
      return blockLines(block, slot);
    })
    .join("\n");
}

/** Slot → paper id of a message's "share" actions: what `share N` presses. */
export function shareTargets(message: OutboundMessage): Map<number, string> {
  const targets = new Map<number, string>();
  let slot: number | undefined;
  for (const block of message.blocks) {
    if (block.type === "paper") slot = block.slot;
    if (block.type !== "actions" || slot === undefined) continue;
    for (const b of block.buttons)
      if (b.kind === "action" && b.actionId === "share") targets.set(slot, b.value);
  }
  return targets;
}
