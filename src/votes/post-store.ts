// The posted-message map's port: which message the bot posted holds which paper in which slot.
import type { PaperId } from "../papers/paper.js";
import type { Layout } from "../platform/chat-platform.js";
import type { ChannelRef, MessageRef } from "../platform/channel-ref.js";

/**
 * Why the bot posted a message: a digest, a shared paper (a Share button or `/papers <link>`), a watch alert, a search
 * answer; or `link`: someone else's message whose paper link paperboy unfurled (remembered as a share, never votable).
 */
export type PostKind = "digest" | "share" | "alert" | "search" | "link";
export const POST_KINDS: readonly PostKind[] = ["alert", "digest", "link", "search", "share"];

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
  /**
   * Where one paper was posted in one channel, per kind of post: how many messages, the first and last time, and the
   * `recent` newest times (newest first). One indexed read; kinds with no post are absent.
   */
  paperHistory(channel: ChannelRef, paperId: PaperId, recent: number): Promise<PaperPostHistory[]>;
}

/** One kind of post of one paper in one channel. */
export interface PaperPostHistory {
  readonly kind: PostKind;
  readonly count: number;
  readonly first: Date;
  readonly last: Date;
  /** The newest posting times, newest first (at most the `recent` asked for). */
  readonly recent: readonly Date[];
}
