// The Slack ChatPlatform: render, post through the per-channel pacer, seed vote reactions, report what was shown.
// @see https://docs.slack.dev/reference/methods/chat.postMessage · https://docs.slack.dev/reference/methods/reactions.add
import type { webApi } from "@slack/bolt";
import type {
  ChannelRef,
  ChatPlatform,
  DeliveryOutcome,
  Emoji,
  Logger,
  PostRequest,
  PostedMessage,
} from "../../src/index.js";
import { channelKey } from "../../src/index.js";
import { createChannelPacer } from "./channel-pacer.js";
import { emojiToSlackName } from "./emoji.js";
import { postFailureOutcome, slackErrorCode } from "./errors.js";
import { renderSlackBlocks } from "./render/block-kit.js";

export interface SlackPlatformDeps {
  /** The Web API client holding the workspace's bot token; undefined when the workspace is not installed. */
  clientFor(teamId: string): Promise<webApi.WebClient | undefined>;
  /** "#ml-papers" when known, for fix hints. */
  channelName(ref: ChannelRef): Promise<string | undefined>;
  /** The bot's @name in a workspace, for fix hints ("@paperboy"). */
  botName(teamId: string): string;
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

export function createSlackChatPlatform(deps: SlackPlatformDeps): SlackChatPlatform {
  const pacer = createChannelPacer(deps);
  const log = deps.log.child({ platform: "slack" });

  async function seed(
    client: webApi.WebClient,
    channel: string,
    ts: string,
    emoji: readonly Emoji[],
  ): Promise<void> {
    for (const e of emoji) {
      const name = emojiToSlackName(e);
      if (name === undefined) {
        log.warn({ channel, emoji: e }, "no Slack name for a seed emoji; skipped");
        continue;
      }
      try {
        await client.reactions.add({ channel, timestamp: ts, name });
      } catch (error) {
        // Seeding is a convenience: people can still add the reaction themselves.
        const code = slackErrorCode(error);
        if (code !== "already_reacted")
          log.warn({ channel, ts, name, code, err: String(error) }, "could not seed a reaction");
      }
    }
  }

  async function label(ref: ChannelRef): Promise<{ channel: string; bot: string }> {
    const name = await deps.channelName(ref).catch(() => undefined);
    return {
      channel: name === undefined ? `channel ${ref.channel}` : `#${name}`,
      bot: deps.botName(ref.workspace),
    };
  }

  async function post(request: PostRequest): Promise<DeliveryOutcome> {
    const ref = request.channel;
    let client: webApi.WebClient | undefined;
    try {
      client = await deps.clientFor(ref.workspace);
    } catch (error) {
      return {
        status: "failed",
        error: `cannot load the Slack installation of ${ref.workspace}: ${String(error)}`,
      };
    }
    if (client === undefined) {
      return {
        status: "rejected",
        reason: "auth",
        hint: `paperboy is not installed in Slack workspace ${ref.workspace}; install it again from /slack/install`,
      };
    }
    const posted: PostedMessage[] = [];
    const seeding: Promise<void>[] = [];
    try {
      for (const [index, message] of request.messages.entries()) {
        const rendered = renderSlackBlocks(message);
        const answer = await pacer.run(channelKey(ref), () =>
          // Never link_names or parse:full: mentions are only what we build (none).
          client.chat.postMessage({
            channel: ref.channel,
            text: rendered.text,
            blocks: rendered.blocks,
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        const ts = answer.ts;
        if (ts === undefined) return { status: "failed", error: "chat.postMessage answered without a ts" };
        posted.push({ ref: { channel: ref, id: ts }, slots: rendered.slots });
        // Seed only the keycaps of papers really shown; seeding does not hold up the channel's next post.
        const wanted = (request.seed?.[index] ?? []).filter(
          (e) => e.kind !== "keycap" || rendered.slots.has(e.number),
        );
        if (wanted.length > 0) seeding.push(seed(client, answer.channel ?? ref.channel, ts, wanted));
      }
    } catch (error) {
      await Promise.all(seeding);
      const outcome = postFailureOutcome(error, await label(ref));
      if (posted.length > 0 && outcome.status !== "posted")
        log.warn(
          { channel: channelKey(ref), posted: posted.length },
          "a multi-message post stopped part-way",
        );
      log.warn({ channel: channelKey(ref), outcome }, "Slack post not delivered");
      return outcome;
    }
    await Promise.all(seeding);
    return { status: "posted", messages: posted };
  }

  return {
    id: "slack",
    post,
    isHealthy: () => deps.isHealthy(),
    get queuedChannels() {
      return pacer.busy;
    },
  };
}
