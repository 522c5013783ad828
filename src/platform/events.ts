// Events adapters hand to the core: commands, reactions and button presses, platform-neutral.
import type { Command, UsageError } from "../commands/command.js";
import type { ActionId } from "../messages/outbound-message.js";
import type { Result } from "../shared/result.js";
import type { ChannelRef, MessageRef } from "./channel-ref.js";
import type { Emoji } from "./emoji.js";

/** `/papers …` as typed (Slack, the console), or read from typed options (Discord). */
export interface CommandInvocation {
  readonly channel: ChannelRef;
  readonly userId: string;
  /** Everything after "/papers", untrusted: what the core parses, unless `parsed` is given (then for logs only). */
  readonly text: string;
  /**
   * The command already read from structured input (Discord's typed options, through the parser's own readers),
   * or the usage error found doing so. When present the core runs it instead of parsing `text`.
   */
  readonly parsed?: Result<Command, UsageError>;
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
