// What happened to a post, and what a read-back found: values, never thrown.
import type { PaperId } from "../papers/paper.js";
import type { MessageRef } from "./channel-ref.js";

export interface PostedMessage {
  readonly ref: MessageRef;
  /** slot → paper this message holds and lets people vote on (only what was really shown). */
  readonly slots: ReadonlyMap<number, PaperId>;
}

export type RejectReason = "not-in-channel" | "no-access" | "channel-gone" | "auth";

export type SendOutcome =
  | { readonly status: "sent"; readonly message: PostedMessage }
  /** The channel cannot take paperboy's posts until someone fixes it: the hint says how. */
  | { readonly status: "rejected"; readonly reason: RejectReason; readonly hint: string }
  /** Not posted (as far as the adapter knows); `retryable` when trying again later may work (429, 5xx, timeouts). */
  | { readonly status: "failed"; readonly error: string; readonly retryable: boolean };

export type FoundPosts =
  | {
      readonly status: "found";
      readonly messages: readonly { readonly index: number; readonly ref: MessageRef }[];
    }
  | { readonly status: "failed"; readonly error: string };
