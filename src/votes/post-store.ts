// The posted-message map's port: which message the bot posted holds which paper in which slot.
import type { PaperId } from "../papers/paper.js";
import type { Layout } from "../platform/chat-platform.js";
import type { MessageRef } from "../platform/channel-ref.js";

/** Why the bot posted a message: a digest, a shared paper, a watch alert, a search answer, a thread update. */
export type PostKind = "digest" | "share" | "alert" | "search" | "update";

/** One message the bot posted, as the vote service needs it. */
export interface PostRecord {
  readonly ref: MessageRef;
  /** slot → paper; a cards message holds one paper (usually slot 1). */
  readonly slots: ReadonlyMap<number, PaperId>;
  readonly layout: Layout;
  readonly kind: PostKind;
  readonly postedAt: Date;
  /** The delivery the message belongs to, when it was posted through the ledger. */
  readonly delivery?: string;
}

export interface PostStore {
  /** Remembers a posted message (outside a delivery: shares and alerts record through the ledger too). */
  record(post: PostRecord): Promise<void>;
  /** The post a reaction landed on, or undefined when the bot did not post that message. */
  lookup(ref: MessageRef): Promise<PostRecord | undefined>;
}
