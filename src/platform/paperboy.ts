// The core's face to adapters: what a platform adapter may ask of paperboy.
import type { OutboundMessage } from "../messages/outbound-message.js";
import type { PaperId } from "../papers/paper.js";
import type { ChatPlatform } from "./chat-platform.js";
import type { PlatformId } from "./channel-ref.js";
import type { ActionInvocation, CommandInvocation, ReactionChanged } from "./events.js";
import type { VoteResult } from "../votes/vote-service.js";

export interface CommandReply {
  /** ephemeral: only the asking user sees it (search answers, help, errors); public: the channel does. */
  readonly visibility: "ephemeral" | "public";
  readonly message: OutboundMessage;
}

export type { VoteResult } from "../votes/vote-service.js";

export interface Paperboy {
  /** `/papers …`: never throws; a bad input is a usage message, an outage a plain notice. */
  handleCommand(invocation: CommandInvocation): Promise<CommandReply>;
  /**
   * A reaction on a message; idempotent; only the bot's posts and the channel's vote emoji count. When the store
   * cannot take the vote: with `redelivery: "platform"` it rejects, so the adapter answers non-2xx and the platform
   * sends the event again (Slack over HTTP); otherwise it retries in process for about half a minute first.
   */
  handleReaction(event: ReactionChanged, options?: { readonly redelivery?: "platform" | "none" }): Promise<VoteResult>;
  /** A button press, e.g. "share" (posts the paper publicly as a votable card). */
  handleAction(action: ActionInvocation): Promise<CommandReply>;
  /** Autocomplete: archive titles matching a prefix. */
  suggest(query: string, limit: number): Promise<readonly { readonly id: PaperId; readonly title: string }[]>;
  /** Slack App Home: subscribed channels, this week's top papers, the user's own votes. */
  home(platform: PlatformId, workspace: string, userId: string): Promise<OutboundMessage>;
  /** A workspace uninstalled the app: drop its subscriptions' schedules. */
  forgetWorkspace(platform: PlatformId, workspace: string): Promise<void>;
  /** The composition root registers each adapter's platform here so the scheduler, shares and alerts can post. */
  registerPlatform(platform: ChatPlatform): void;
}
