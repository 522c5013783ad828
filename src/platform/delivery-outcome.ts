// What happened to a post: a value, never thrown.
import type { PaperId } from "../papers/paper.js";
import type { MessageRef } from "./channel-ref.js";

export interface PostedMessage {
  readonly ref: MessageRef;
  /** slot → paper this message holds and lets people vote on (only what was really shown). */
  readonly slots: ReadonlyMap<number, PaperId>;
}

export type RejectReason = "not-in-channel" | "no-access" | "channel-gone" | "auth";

export type DeliveryOutcome =
  | { readonly status: "posted"; readonly messages: readonly PostedMessage[] }
  | { readonly status: "rejected"; readonly reason: RejectReason; readonly hint: string }
  | { readonly status: "failed"; readonly error: string };
