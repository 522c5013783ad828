// The one shape every chat adapter has for the composition root: a ChatPlatform to register, start, stop, and (console) an end.
import type { Config } from "../config/load-config.js";
import type { Logger } from "../ops/logger.js";
import type { OpsHandler } from "../ops/ops-server.js";
import type { Store } from "../storage/store.js";
import type { ChatPlatform } from "./chat-platform.js";
import type { Paperboy } from "./paperboy.js";

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
