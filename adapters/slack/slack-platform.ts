// The Slack ChatPlatform: render, post one message (paced per channel) with its delivery handle in the message metadata,
// seed vote reactions (paced per workspace), and read a channel back with conversations.history after a crash.
// @see https://docs.slack.dev/reference/methods/chat.postMessage · https://docs.slack.dev/messaging/message-metadata
// @see https://docs.slack.dev/reference/methods/conversations.history · https://docs.slack.dev/reference/methods/reactions.add
import type {
  ChannelRef,
  ChatPlatform,
  Emoji,
  FoundPosts,
  Logger,
  MessageRef,
  OutboundMessage,
  PostHandle,
  SendOutcome,
} from "../../src/index.js";
import { channelKey, createChannelPacer } from "../../src/index.js";
import { emojiToSlackName } from "./emoji.js";
import { postFailureOutcome, slackErrorCode } from "./errors.js";
import { renderSlackBlocks } from "./render/block-kit.js";
import type { SlackApiCaller } from "./slack-api-caller.js";

/** The metadata event type paperboy's posts carry (their delivery handle is the payload). */
export const POST_METADATA_TYPE = "paperboy_post";

/** One page of conversations.history, as far as the read-back needs it. */
export interface HistoryPage {
  readonly messages: readonly {
    readonly ts?: string;
    readonly bot_id?: string;
    readonly metadata?: { readonly event_type?: string; readonly event_payload?: Record<string, unknown> };
  }[];
  readonly nextCursor?: string;
}

export interface SlackPlatformDeps {
  /** The workspace's bot token; undefined when the workspace is not installed. */
  tokenFor(teamId: string): Promise<string | undefined>;
  /** chat.postMessage and reactions.add go through this (see slack-api-caller.ts). */
  api: SlackApiCaller;
  /** conversations.history with include_all_metadata (Bolt's WebClient: a read method, form-encoded). */
  history(token: string, channel: string, oldest: string, cursor: string | undefined): Promise<HistoryPage>;
  /** reactions.add per workspace per minute (Slack: Tier 3, about 50), with a burst of as many. */
  reactionsPerMinute: number;
  /** "#ml-papers" when known, for fix hints. */
  channelName(ref: ChannelRef): Promise<string | undefined>;
  /** The bot's @name in a workspace, for fix hints ("@paperboy"). */
  botName(teamId: string): string;
  /** Called after each message posted (membership: join the channel so its votes arrive). */
  posted?(ref: ChannelRef, token: string): void;
  isHealthy(): boolean;
  log: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Minimum time between two posts to one channel (Slack: about 1 s). */
  intervalMs: number;
}

export interface SlackChatPlatform extends ChatPlatform {
  /** Channels with posts queued or in flight (for metrics and tests). */
  readonly queuedChannels: number;
}

type Rendered = ReturnType<typeof renderSlackBlocks>;

/** Read-backs stop after this many pages of history (200 messages each). */
const MAX_HISTORY_PAGES = 10;

/** A token bucket per key: `perMinute` tokens a minute, as many at once; `take` waits for one. */
function createRateGate(perMinute: number, now: () => Date, sleep: (ms: number) => Promise<void>) {
  const buckets = new Map<string, { tokens: number; at: number; tail: Promise<void> }>();
  const refillMs = 60_000 / Math.max(1, perMinute);
  return (key: string): Promise<void> => {
    let b = buckets.get(key);
    if (b === undefined)
      buckets.set(key, (b = { tokens: perMinute, at: now().getTime(), tail: Promise.resolve() }));
    const bucket = b;
    const mine = bucket.tail.then(async () => {
      const t = now().getTime();
      bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) / refillMs);
      bucket.at = t;
      if (bucket.tokens < 1) {
        await sleep((1 - bucket.tokens) * refillMs);
        bucket.tokens = 1;
        bucket.at = now().getTime();
      }
      bucket.tokens -= 1;
    });
    bucket.tail = mine;
    return mine;
  };
}

export function createSlackChatPlatform(deps: SlackPlatformDeps): SlackChatPlatform {
  const pacer = createChannelPacer(deps);
  const log = deps.log.child({ platform: "slack" });
  const reactionGate = createRateGate(deps.reactionsPerMinute, deps.now, deps.sleep);
  /** The same message object posted to many channels (one digest, many subscribers) is rendered once. */
  const renders = new WeakMap<OutboundMessage, Rendered>();
  const render = (message: OutboundMessage): Rendered => {
    let rendered = renders.get(message);
    if (rendered === undefined) renders.set(message, (rendered = renderSlackBlocks(message)));
    return rendered;
  };

  async function label(ref: ChannelRef): Promise<{ channel: string; bot: string }> {
    const name = await deps.channelName(ref).catch(() => undefined);
    return {
      channel: name === undefined ? `channel ${ref.channel}` : `#${name}`,
      bot: deps.botName(ref.workspace),
    };
  }

  /** The token, or the outcome that says why there is none. */
  async function token(ref: ChannelRef): Promise<string | SendOutcome> {
    try {
      const found = await deps.tokenFor(ref.workspace);
      if (found !== undefined) return found;
      return {
        status: "rejected",
        reason: "auth",
        hint: `paperboy is not installed in Slack workspace ${ref.workspace}; install it again from /slack/install`,
      };
    } catch (error) {
      return {
        status: "failed",
        error: `cannot load the Slack installation of ${ref.workspace}: ${String(error)}`,
        retryable: true,
      };
    }
  }

  return {
    id: "slack",
    async send(ref, message, handle: PostHandle): Promise<SendOutcome> {
      const auth = await token(ref);
      if (typeof auth !== "string") return auth;
      const rendered = render(message);
      try {
        const answer = await pacer.run(channelKey(ref), () =>
          // Never link_names or parse:full: mentions are only what we build (none). The metadata is how a
          // read-back after a crash recognises this message (it needs channels:history / groups:history).
          deps.api.call("chat.postMessage", auth, {
            channel: ref.channel,
            text: rendered.text,
            blocks: rendered.blocks,
            unfurl_links: false,
            unfurl_media: false,
            metadata: {
              event_type: POST_METADATA_TYPE,
              event_payload: { delivery: handle.delivery, index: handle.index },
            },
          }),
        );
        const ts = typeof answer.ts === "string" ? answer.ts : undefined;
        if (ts === undefined)
          return { status: "failed", error: "chat.postMessage answered without a ts", retryable: true };
        deps.posted?.(ref, auth);
        return { status: "sent", message: { ref: { channel: ref, id: ts }, slots: rendered.slots } };
      } catch (error) {
        const outcome = postFailureOutcome(error, await label(ref));
        log.warn({ channel: channelKey(ref), outcome }, "Slack post not delivered");
        return outcome;
      }
    },

    async react(message: MessageRef, emoji: readonly Emoji[]): Promise<void> {
      const auth = await token(message.channel);
      if (typeof auth !== "string") return;
      for (const e of emoji) {
        const name = emojiToSlackName(e);
        if (name === undefined) {
          log.warn({ channel: message.channel.channel, emoji: e }, "no Slack name for a seed emoji; skipped");
          continue;
        }
        // In order (1️⃣ before 2️⃣), within the workspace's reactions.add budget.
        await reactionGate(message.channel.workspace);
        try {
          await deps.api.call("reactions.add", auth, {
            channel: message.channel.channel,
            timestamp: message.id,
            name,
          });
        } catch (error) {
          // Seeding is a convenience: people can still add the reaction themselves.
          const code = slackErrorCode(error);
          if (code !== "already_reacted")
            log.warn(
              { channel: message.channel.channel, ts: message.id, name, code, err: String(error) },
              "could not seed a reaction",
            );
        }
      }
    },

    async findPosted(ref, delivery, since): Promise<FoundPosts> {
      const auth = await token(ref);
      if (typeof auth !== "string")
        return {
          status: "failed",
          error: auth.status === "rejected" ? auth.hint : auth.status === "failed" ? auth.error : "no token",
        };
      const found: { index: number; ref: MessageRef }[] = [];
      const oldest = (since.getTime() / 1000).toFixed(6);
      let cursor: string | undefined;
      try {
        for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
          const answer = await deps.history(auth, ref.channel, oldest, cursor);
          for (const m of answer.messages) {
            const payload =
              m.metadata?.event_type === POST_METADATA_TYPE ? m.metadata.event_payload : undefined;
            if (payload?.delivery !== delivery || typeof m.ts !== "string") continue;
            const index = Number(payload.index);
            if (Number.isInteger(index) && index >= 0) found.push({ index, ref: { channel: ref, id: m.ts } });
          }
          cursor = answer.nextCursor;
          if (cursor === undefined || cursor === "") break;
        }
      } catch (error) {
        return {
          status: "failed",
          error: `conversations.history failed: ${slackErrorCode(error) ?? String(error)}`,
        };
      }
      return { status: "found", messages: found };
    },

    isHealthy: () => deps.isHealthy(),
    get queuedChannels() {
      return pacer.busy;
    },
  };
}
