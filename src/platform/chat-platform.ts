// The port every chat adapter implements: post a message, seed reactions, say if connected.
import type { OutboundMessage } from "../messages/outbound-message.js";
import type { ChannelRef } from "./channel-ref.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";
import type { PlatformId } from "./channel-ref.js";
import type { Emoji } from "./emoji.js";

export type Layout = "compact" | "cards";

export interface PostRequest {
  readonly channel: ChannelRef;
  /** compact: one message; cards: a header message then one message per paper. */
  readonly messages: readonly OutboundMessage[];
  /**
   * Reactions to seed under each posted message, index-aligned with `messages`
   * (compact digests: the keycaps 1️⃣…N). Seeding failures do not fail the post.
   */
  readonly seed?: readonly (readonly Emoji[])[];
}

export interface ChatPlatform {
  readonly id: PlatformId;
  /** Renders and posts; every failure comes back as a DeliveryOutcome, never thrown. */
  post(request: PostRequest): Promise<DeliveryOutcome>;
  /** For /healthz: is the platform connection up? */
  isHealthy(): boolean | Promise<boolean>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
