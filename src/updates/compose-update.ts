// Pending updates → the one thread reply a channel gets for them: which thread it goes to and what it says.
import { type Inline, type OutboundMessage, text } from "../messages/outbound-message.js";
import { paperLinks } from "../papers/paper.js";
import { keycap } from "../platform/emoji.js";
import { githubUrl } from "../digest/paper-card.js";
import type { PendingUpdate } from "./paper-update.js";

/** A reply as the delivery plan keeps it, so a resumed delivery posts the same words to the same thread. */
export interface UpdateReply {
  /** The message whose thread the reply goes to. */
  readonly thread: string;
  readonly updates: readonly PendingUpdate[];
}

/**
 * The thread a reply goes to: the paper's own message when every update is about papers of one message (a card, or
 * one compact digest); else the head of their delivery (the cards header) when they share one; else the newest head.
 */
export function replyThread(updates: readonly PendingUpdate[]): string | undefined {
  const [first] = updates;
  if (first === undefined) return undefined;
  if (updates.every((u) => u.place.message === first.place.message)) return first.place.message;
  return [...updates].sort((a, b) => b.place.postedAt - a.place.postedAt)[0]?.place.head;
}

/** "released its code", "passed 100 upvotes", "has a new arXiv version (v2)", with the repo as a link. */
function whatHappened(u: PendingUpdate): Inline[] {
  switch (u.event.kind) {
    case "code": {
      const url = githubUrl(u.event.repo);
      return url === undefined
        ? [text(" released its code")]
        : [text(" released its code: "), { type: "link", text: url.replace(/^https?:\/\//, ""), url }];
    }
    case "upvotes":
      return [text(` passed ${String(u.event.milestone)} upvotes on Hugging Face`)];
    case "version":
      return [
        text(" has a new arXiv version ("),
        {
          type: "link",
          text: `v${String(u.event.version)}`,
          url: `${paperLinks({ id: u.place.paper }).arxiv}v${String(u.event.version)}`,
        },
        text(")"),
      ];
  }
}

/** The paper named as a link to its Hugging Face page; in a compact digest with its number too. */
function paperName(u: PendingUpdate): Inline[] {
  const title = u.place.title.replace(/\s+/g, " ").trim();
  const link: Inline = { type: "link", text: title, url: paperLinks({ id: u.place.paper }).huggingFace };
  return u.place.layout === "compact" && u.place.slot >= 1 && u.place.slot <= 10
    ? [link, text(` (${keycap(u.place.slot)})`)]
    : [link];
}

/** One message for every update of the reply: "Update: A released its code" or "Updates: A …; B …". */
export function composeUpdateReply(reply: UpdateReply): OutboundMessage {
  const runs: Inline[] = [
    { type: "bold", text: reply.updates.length === 1 ? "Update" : "Updates" },
    text(": "),
  ];
  reply.updates.forEach((u, i) => {
    if (i > 0) runs.push(text("; "));
    runs.push(...paperName(u), ...whatHappened(u));
  });
  return {
    fallbackText: runs.map((r) => r.text).join(""),
    blocks: [{ type: "text", content: runs }],
    replyTo: reply.thread,
  };
}
