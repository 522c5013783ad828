// Test fake of the ChatPlatform port: keeps what was sent per channel like a platform would (so a read-back finds it),
// records reactions per message (idempotent, like the platforms), answers sent/rejected/failed on demand, can be slow.
import { slotsOf } from "../../src/messages/outbound-message.js";
import type { OutboundMessage } from "../../src/messages/outbound-message.js";
import {
  channelKey,
  type ChannelRef,
  type MessageRef,
  type PlatformId,
} from "../../src/platform/channel-ref.js";
import type { ChatPlatform, PostHandle } from "../../src/platform/chat-platform.js";
import type { FoundPosts, RejectReason, SendOutcome } from "../../src/platform/delivery-outcome.js";
import { emojiKey, type Emoji } from "../../src/platform/emoji.js";

export type FakeMode =
  | { readonly kind: "send" }
  | { readonly kind: "reject"; readonly reason: RejectReason; readonly hint: string }
  | { readonly kind: "fail"; readonly error: string; readonly retryable?: boolean }
  /** Posts the message but answers as if the connection dropped (a timeout): the post is in the channel. */
  | { readonly kind: "sent-but-lost" }
  | { readonly kind: "throw"; readonly error: string };

export interface SentMessage {
  readonly channel: ChannelRef;
  readonly message: OutboundMessage;
  readonly handle: PostHandle;
  readonly ref: MessageRef;
  readonly at: number;
}

export interface FakePlatform extends ChatPlatform {
  /** Every message that reached the channel, in order. */
  readonly sent: SentMessage[];
  /** Every send call, whatever its answer. */
  readonly attempts: { channel: ChannelRef; handle: PostHandle }[];
  /** Reactions the bot added, per message id (each emoji once, as on the platforms). */
  readonly reactions: Map<string, string[]>;
  /** The messages sent to one channel. */
  inChannel(channel: ChannelRef): SentMessage[];
  /** The papers (ids) shown by every message sent, in order. */
  shownIds(): string[];
  setMode(mode: FakeMode): void;
  /** Answer only the next send this way, then go back to the current mode. */
  nextOnce(mode: FakeMode): void;
  setLatencyMs(ms: number): void;
  /** Delays each reaction (a platform seeding slowly, as Slack's Tier 3 and Discord's buckets do). */
  setReactionLatencyMs(ms: number): void;
  /** Called with each message the moment it reaches the channel (before send answers). */
  onSent(listener: (sent: SentMessage) => void): void;
}

export function createFakePlatform(options: { id?: PlatformId; latencyMs?: number } = {}): FakePlatform {
  let mode: FakeMode = { kind: "send" };
  const once: FakeMode[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let reactionLatencyMs = 0;
  let counter = 0;
  const listeners: ((sent: SentMessage) => void)[] = [];
  const sent: SentMessage[] = [];
  const reactions = new Map<string, string[]>();
  const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
  const id = options.id ?? "console";

  const platform: FakePlatform = {
    id,
    sent,
    attempts: [],
    reactions,
    inChannel: (channel) => sent.filter((s) => channelKey(s.channel) === channelKey(channel)),
    shownIds: () =>
      sent.flatMap((s) => s.message.blocks.flatMap((b) => (b.type === "paper" ? [b.paper.id] : []))),
    setMode: (m) => {
      mode = m;
    },
    nextOnce: (m) => {
      once.push(m);
    },
    setLatencyMs: (ms) => {
      latencyMs = ms;
    },
    setReactionLatencyMs: (ms) => {
      reactionLatencyMs = ms;
    },
    onSent: (listener) => {
      listeners.push(listener);
    },
    isHealthy: () => true,
    async send(channel, message, handle): Promise<SendOutcome> {
      platform.attempts.push({ channel, handle });
      const current = once.shift() ?? mode;
      await sleep(latencyMs);
      const deliver = (): SentMessage => {
        const entry: SentMessage = {
          channel,
          message,
          handle,
          ref: { channel, id: `m${String(++counter)}` },
          at: Date.now(),
        };
        sent.push(entry);
        for (const l of listeners) l(entry);
        return entry;
      };
      switch (current.kind) {
        case "reject":
          return { status: "rejected", reason: current.reason, hint: current.hint };
        case "fail":
          return { status: "failed", error: current.error, retryable: current.retryable ?? true };
        case "throw":
          throw new Error(current.error);
        case "sent-but-lost":
          deliver();
          return { status: "failed", error: "the connection dropped before the answer", retryable: true };
        case "send":
          return { status: "sent", message: { ref: deliver().ref, slots: slotsOf(message) } };
      }
    },
    async react(message, emoji: readonly Emoji[]) {
      for (const e of emoji) {
        await sleep(reactionLatencyMs);
        const list = reactions.get(message.id) ?? [];
        if (!list.includes(emojiKey(e))) list.push(emojiKey(e));
        reactions.set(message.id, list);
      }
    },
    findPosted(channel, delivery, _since, thread): Promise<FoundPosts> {
      // Like Slack: a thread reply is found only among that thread's replies.
      return Promise.resolve({
        status: "found",
        messages: platform
          .inChannel(channel)
          .filter((s) => s.handle.delivery === delivery && s.message.replyTo === thread)
          .map((s) => ({ index: s.handle.index, ref: s.ref })),
      });
    },
  };
  return platform;
}
