// Events adapters hand to the core: commands, reactions and button presses, platform-neutral.
import type { ActionId } from "../messages/outbound-message.js";
import type { PaperId } from "../papers/paper.js";
import type { ChannelRef, MessageRef } from "./channel-ref.js";
import type { Emoji } from "./emoji.js";

/** `/papers …` as typed (Slack) or rebuilt from typed options (Discord). */
export interface CommandInvocation {
  readonly channel: ChannelRef;
  readonly userId: string;
  /** Everything after "/papers", untrusted. */
  readonly text: string;
  /**
   * May this user change the channel's subscriptions? The adapter decides: Slack workspace
   * admins/owners and SLACK_ADMIN_USERS; Discord Manage Channels. Console: always true.
   */
  readonly canManage: boolean;
  /** Who may manage, for the refusal message, e.g. "workspace admins and owners". */
  readonly managersHint?: string;
  readonly channelName?: string;
}

export interface ReactionChanged {
  readonly message: MessageRef;
  readonly userId: string;
  readonly emoji: Emoji;
  readonly change: "added" | "removed";
  /** Platform delivery id (Slack event_id); duplicates with the same id are ignored. */
  readonly eventId?: string;
  /** When the platform says it happened; orders an add/remove race. Defaults to arrival. */
  readonly at?: Date;
  /** True when the reacting user is this bot (or any bot). Never counted. */
  readonly byBot?: boolean;
}

export interface ActionInvocation {
  readonly channel: ChannelRef;
  readonly userId: string;
  readonly actionId: ActionId;
  readonly value: string;
}

/** What became of a reaction: a vote counted, held until its message is recorded, or ignored (and why). */
export type VoteResult =
  | {
      readonly status: "counted";
      readonly paperId: PaperId;
      /** The paper's votes in the channel after this reaction. */
      readonly votes: number;
      /**
       * Did this user's vote for the paper flip? False when it was already so: a reaction repeated, taken back where
       * none was, or one of several (the same paper voted on in another post still counts).
       */
      readonly changed: boolean;
      /** Does this user vote for the paper after this reaction (through this post or another)? */
      readonly voted: boolean;
    }
  /** On a message paperboy may be about to record: applied when it is, or dropped after `HOLD_MS`. */
  | { readonly status: "held"; readonly reason: string }
  | { readonly status: "ignored"; readonly reason: string };

/**
 * Links someone posted in a channel (Slack's link_shared): the URLs exactly as the platform sent them, and the
 * message that holds them — absent while the message is still being written (Slack's composer preview).
 */
export interface LinksShared {
  readonly channel: ChannelRef;
  readonly userId: string;
  readonly urls: readonly string[];
  readonly message?: MessageRef;
}
