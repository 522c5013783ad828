// ChatPlatform for Discord: render, post to a channel (paced per channel), seed keycaps, map errors to outcomes.
// @see https://discord.com/developers/docs/resources/message#create-message
import { Status, type Client } from "discord.js";
import {
  channelKey,
  type ChatPlatform,
  type DeliveryOutcome,
  type Logger,
  type PostRequest,
  type PostedMessage,
} from "../../src/index.js";
import { emojiToDiscord } from "./emoji.js";
import { outcomeFromDiscordError } from "./errors.js";
import { renderDiscord } from "./render/embeds.js";

/**
 * Serialises work per key: two digests for one channel never interleave, and a channel's posts go out one
 * after another (Discord's per-route buckets are per channel). Rate-limit waits are discord.js's REST queue.
 */
export function createChannelPacer(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

export function createDiscordChatPlatform(deps: { client: () => Client | undefined; log: Logger }): ChatPlatform {
  const { log } = deps;
  const paced = createChannelPacer();

  async function postNow(request: PostRequest): Promise<DeliveryOutcome> {
    const client = deps.client();
    if (!client?.isReady()) return { status: "failed", error: "Discord is not connected (paperboy is starting or lost its gateway)" };
    const id = request.channel.channel;
    let label = `channel ${id}`;
    let channel;
    try {
      channel = await client.channels.fetch(id);
    } catch (error) {
      return outcomeFromDiscordError(error, label);
    }
    if (channel && "name" in channel && typeof channel.name === "string") label = `#${channel.name}`;
    if (!channel?.isSendable())
      return { status: "rejected", reason: "channel-gone", hint: `${label} cannot take messages; its digest is paused.` };

    const posted: PostedMessage[] = [];
    for (const [index, message] of request.messages.entries()) {
      const { payload, slots } = renderDiscord(message);
      let sent;
      try {
        sent = await channel.send({
          ...(payload.content !== undefined ? { content: payload.content } : {}),
          embeds: payload.embeds,
          components: payload.components,
          allowedMentions: { parse: [] },
        });
      } catch (error) {
        const outcome = outcomeFromDiscordError(error, label);
        if (posted.length === 0) return outcome;
        // Part of a cards digest went out: report what did, so its votes still count.
        log.warn({ outcome, channel: channelKey(request.channel), index }, "discord post stopped part-way");
        break;
      }
      for (const emoji of request.seed?.[index] ?? []) {
        // A keycap for a paper that overflowed is not a vote option.
        if (emoji.kind === "keycap" && !slots.has(emoji.number)) continue;
        try {
          await sent.react(emojiToDiscord(emoji));
        } catch (error) {
          log.warn({ err: error, message: sent.id }, "could not seed a reaction (Add Reactions missing?)");
        }
      }
      posted.push({ ref: { channel: request.channel, id: sent.id }, slots });
    }
    return { status: "posted", messages: posted };
  }

  return {
    id: "discord",
    async post(request) {
      try {
        return await paced(channelKey(request.channel), () => postNow(request));
      } catch (error) {
        return { status: "failed", error: `Discord post failed: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
    isHealthy() {
      const client = deps.client();
      // The manager's status stays Ready for the client's life; a dropped gateway shows on its shards
      // (Connecting, Resuming … until the session is back), so every shard must be Ready.
      if (client?.isReady() !== true || client.ws.status !== Status.Ready || client.ws.shards.size === 0) return false;
      return client.ws.shards.every((shard) => shard.status === Status.Ready);
    },
  };
}
