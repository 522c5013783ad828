// What a message says, platform-neutral; each adapter decides how it looks and escapes it.
import type { PaperId } from "../papers/paper.js";

/** A run of inline text. Untrusted text stays data until an adapter's renderer escapes it. */
export type Inline =
  | { readonly type: "text" | "bold" | "italic" | "code"; readonly text: string }
  | { readonly type: "link"; readonly text: string; readonly url: string };

export interface PaperCardLink {
  readonly kind: "huggingFace" | "arxiv" | "pdf" | "code" | "project";
  readonly label: string;
  readonly url: string;
}

/** Everything a renderer needs to show one paper. */
export interface PaperCard {
  readonly id: PaperId;
  readonly title: string;
  /** Hugging Face page: the title links here. */
  readonly url: string;
  /** AI summary, else the abstract's first sentence. */
  readonly summary: string;
  /** "Ada Lovelace, Alan Turing, Grace Hopper +4" or empty. */
  readonly authors: string;
  readonly organization?: string;
  /** "YYYY-MM-DD" */
  readonly date?: string;
  readonly upvotes: number;
  readonly githubStars?: number;
  readonly links: readonly PaperCardLink[];
  readonly thumbnail?: string;
  /** Team votes in this channel, when any. */
  readonly teamVotes?: number;
  /** Why the paper ranks where it does, e.g. "like X, which you voted for". */
  readonly reason?: string;
  /**
   * Why a search found it when the title does not show it: the abstract's words around the match (matched
   * words bold), or "matched keywords: …" / "matched author: …". Untrusted text: renderers escape and cut it.
   */
  readonly matched?: readonly Inline[];
  /** How to vote for it: "react 3️⃣" in compact digests, "react 👍" in cards. */
  readonly voteHint?: string;
}

export type ButtonSpec =
  | { readonly kind: "link"; readonly text: string; readonly url: string }
  | {
      readonly kind: "action";
      readonly text: string;
      /** Neutral action id, e.g. "share"; adapters prefix it for their platform. */
      readonly actionId: ActionId;
      readonly value: string;
    };

export type ActionId = "share";

export type MessageBlock =
  | { readonly type: "header"; readonly text: string }
  | { readonly type: "paper"; readonly slot: number; readonly paper: PaperCard }
  | { readonly type: "text" | "context"; readonly content: readonly Inline[] }
  | { readonly type: "actions"; readonly buttons: readonly ButtonSpec[] }
  | { readonly type: "divider" };

export interface OutboundMessage {
  /** Plain-text version for notifications and clients that cannot show blocks. */
  readonly fallbackText: string;
  readonly blocks: readonly MessageBlock[];
  /**
   * Post as a reply to this message of the same channel (its platform id): in its thread on Slack (thread_ts), as a
   * message reply on Discord (message_reference). Absent: a message of the channel itself.
   */
  readonly replyTo?: string;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}

/** The paper slots a message holds, in order: what a compact digest's keycaps vote for. */
export function slotsOf(message: OutboundMessage): Map<number, PaperId> {
  const slots = new Map<number, PaperId>();
  for (const block of message.blocks) if (block.type === "paper") slots.set(block.slot, block.paper.id);
  return slots;
}

/** Inline runs, for messages written in code. */
export const text = (value: string): Inline => ({ type: "text", text: value });
export const code = (value: string): Inline => ({ type: "code", text: value });
export const bold = (value: string): Inline => ({ type: "bold", text: value });

/** A message of one paragraph; its fallback is the runs' text. */
export function plainMessage(...content: Inline[]): OutboundMessage {
  return { fallbackText: content.map((run) => run.text).join(""), blocks: [{ type: "text", content }] };
}
