// The port every chat adapter implements: send one message with its idempotency handle, add the bot's reactions, read back.
import type { OutboundMessage } from "../messages/outbound-message.js";
import type { ChannelRef, MessageRef, PlatformId } from "./channel-ref.js";
import type { FoundPosts, SendOutcome } from "./delivery-outcome.js";
import type { Emoji } from "./emoji.js";
import type { PlatformWords } from "./platform-words.js";

export type Layout = "compact" | "cards";

/**
 * Which delivery a message belongs to and where in it: the adapter puts it into what it sends in a form the
 * platform keeps (Slack message metadata; Discord a nonce with enforce_nonce and an embed footer), so that
 * `findPosted` can tell, after a crash, which messages of a delivery are already in the channel.
 */
export interface PostHandle {
  /** Short and unique per delivery attempt, e.g. "d3f9a1c27be04e11". */
  readonly delivery: string;
  /** 0 for the first message of the delivery (a compact digest, a cards header), 1… for the next ones. */
  readonly index: number;
}

export interface ChatPlatform {
  readonly id: PlatformId;
  /** How people vote here, in this platform's words; absent: a chat's (reactions). */
  readonly words?: PlatformWords;
  /**
   * Renders and posts one message, paced within the platform's per-channel limits. Every failure comes back as
   * an outcome, never thrown; a failure that may succeed later (429, 5xx, timeout, connection) says so.
   */
  send(channel: ChannelRef, message: OutboundMessage, handle: PostHandle): Promise<SendOutcome>;
  /**
   * Adds the bot's own reactions to a message it posted, in order (1️⃣ before 2️⃣), within the platform's reaction
   * limits. One already there is fine. Never throws: seeding is a convenience, people can react themselves.
   */
  react(message: MessageRef, emoji: readonly Emoji[]): Promise<void>;
  /** The messages this bot posted in `channel` since `since` whose handle names `delivery`. */
  findPosted(channel: ChannelRef, delivery: string, since: Date): Promise<FoundPosts>;
  /** For /healthz: is the platform connection up? */
  isHealthy(): boolean | Promise<boolean>;
}
