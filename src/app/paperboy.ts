// The core's face to adapters: what a platform adapter may ask of paperboy.
import type { OutboundMessage } from "../messages/outbound-message.js";
import type { PaperId } from "../papers/paper.js";
import type { ChatPlatform } from "../platform/chat-platform.js";
import type { PlatformId } from "../platform/channel-ref.js";
import type { ActionInvocation, CommandInvocation, ReactionChanged } from "../platform/events.js";

export interface CommandReply {
  /** ephemeral: only the asking user sees it (search answers, help, errors); public: the channel does. */
  readonly visibility: "ephemeral" | "public";
  readonly message: OutboundMessage;
}

export type VoteResult =
  | { readonly status: "counted"; readonly paperId: PaperId; readonly votes: number }
  | { readonly status: "ignored"; readonly reason: string };

export interface Paperboy {
  /** `/papers …`: never throws; a bad input is a usage message, an outage a plain notice. */
  handleCommand(invocation: CommandInvocation): Promise<CommandReply>;
  /** A reaction on a message; idempotent; only the bot's posts and the channel's vote emoji count. */
  handleReaction(event: ReactionChanged): Promise<VoteResult>;
  /** A button press, e.g. "share" (posts the paper publicly as a votable card). */
  handleAction(action: ActionInvocation): Promise<CommandReply>;
  /** Autocomplete: archive titles matching a prefix. */
  suggest(query: string, limit: number): Promise<readonly { readonly id: PaperId; readonly title: string }[]>;
  /** Slack App Home: subscribed channels, this week's top papers, the user's own votes. */
  home(platform: PlatformId, workspace: string, userId: string): Promise<OutboundMessage>;
  /** A workspace uninstalled the app: drop its subscriptions' schedules. */
  forgetWorkspace(platform: PlatformId, workspace: string): Promise<void>;
  /** Adapters register themselves so the scheduler, shares and alerts can post. */
  registerPlatform(platform: ChatPlatform): void;
}
