// The core's face to the adapters: what an adapter may ask of paperboy (Paperboy), and the one shape every adapter
// has for the composition root (PlatformAdapter). Above the commands' grammar, since Discord hands over a parsed Command.
import type { CommandRequest } from "./commands/router.js";
import type { Config } from "./config/load-config.js";
import type { OutboundMessage } from "./messages/outbound-message.js";
import type { Logger } from "./ops/logger.js";
import type { OpsHandler } from "./ops/ops-server.js";
import type { PaperId } from "./papers/paper.js";
import type { PlatformId } from "./platform/channel-ref.js";
import type { ChatPlatform } from "./platform/chat-platform.js";
import type { CommandReply } from "./platform/command-reply.js";
import type { ActionInvocation, LinksShared, ReactionChanged, VoteResult } from "./platform/events.js";
import type { Store } from "./storage/store.js";

export interface Paperboy {
  /** `/papers …`: never throws; a bad input is a usage message, an outage a plain notice. */
  handleCommand(request: CommandRequest): Promise<CommandReply>;
  /**
   * A reaction on a message; idempotent; only the bot's posts and the channel's vote emoji count. When the store
   * cannot take the vote: with `redelivery: "platform"` it rejects, so the adapter answers non-2xx and the platform
   * sends the event again (Slack over HTTP); otherwise it retries in process for about half a minute first.
   */
  handleReaction(
    event: ReactionChanged,
    options?: { readonly redelivery?: "platform" | "none" },
  ): Promise<VoteResult>;
  /** A button press, e.g. "share" (posts the paper publicly as a votable card). */
  handleAction(action: ActionInvocation): Promise<CommandReply>;
  /**
   * Paper links someone posted (Slack link_shared): a card per paper link, keyed by the URL exactly as given, with
   * what the channel knows of the paper; the message is remembered as a share. Throws only when the store fails.
   */
  unfurl(links: LinksShared): Promise<ReadonlyMap<string, OutboundMessage>>;
  /** Autocomplete: archive titles matching a prefix. */
  suggest(query: string, limit: number): Promise<readonly { readonly id: PaperId; readonly title: string }[]>;
  /** Slack App Home: subscribed channels, this week's top papers, the user's own votes. */
  home(platform: PlatformId, workspace: string, userId: string): Promise<OutboundMessage>;
  /** A workspace uninstalled the app: drop its subscriptions' schedules. */
  forgetWorkspace(platform: PlatformId, workspace: string): Promise<void>;
  /** The composition root registers each adapter's platform here so the scheduler, shares and alerts can post. */
  registerPlatform(platform: ChatPlatform): void;
}

/**
 * What `main.ts` hands every adapter factory, `create…Platform(config, deps)`; an adapter may ask for a few
 * extras of its own beside these (the console its input and output streams).
 */
export interface PlatformAdapterDeps {
  /** The core's face: commands, reactions and button presses go here. Adapters never register themselves. */
  readonly core: Paperboy;
  /** The shared store: Slack keeps OAuth installations, channel names and handled event ids in it. */
  readonly store: Store;
  readonly log: Logger;
  /** /healthz and /metrics: an adapter that owns PORT (Slack in HTTP mode) mounts them on its server. */
  readonly opsHandler?: OpsHandler;
  /**
   * Resolves once the core has started (archive loaded, queue running). An adapter that acts on its own at start,
   * rather than on platform input, waits for it: the console posts today's digest first.
   */
  readonly coreStarted?: Promise<unknown>;
  readonly now?: () => Date;
}

/**
 * A chat adapter as the composition root sees it. `main.ts` registers `platform` with the core, calls `start()`
 * (before the core starts, so deliveries resumed at start-up can post), and `stop()` on shutdown.
 */
export interface PlatformAdapter {
  readonly platform: ChatPlatform;
  /** True when the adapter's own HTTP server listens on PORT and serves the ops routes (no separate ops server). */
  readonly ownsPort?: boolean;
  /** Connects (logs in, listens, opens the session); rejects with an AppError that says what to fix. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice, or before start. */
  stop(): Promise<void>;
  /** Resolves when the adapter ends by itself (the console: end of input or `quit`); absent for chat platforms. */
  readonly ended?: Promise<void>;
}

/** Every adapter factory has this form; `Extra` is what the adapter needs beyond the common deps. */
export type PlatformAdapterFactory<Extra = object> = (
  config: Config,
  deps: PlatformAdapterDeps & Extra,
) => PlatformAdapter;
