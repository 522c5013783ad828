// ChatPlatform for Discord: render, post one message (paced per channel) with a nonce Discord enforces and a footer
// reference, seed reactions through the REST queue, and read a channel back to find a delivery's messages.
// @see https://discord.com/developers/docs/resources/message#create-message (nonce, enforce_nonce)
// @see https://discord.com/developers/docs/resources/message#get-channel-messages
import { createHash } from "node:crypto";
import { Routes, SnowflakeUtil, Status, type Client, type Message } from "discord.js";
import {
  channelKey,
  createChannelPacer,
  type ChannelRef,
  type ChatPlatform,
  type FoundPosts,
  type Logger,
  type MessageRef,
  type OutboundMessage,
  type PostHandle,
  type SendOutcome,
} from "../../src/index.js";
import { emojiToDiscord } from "./emoji.js";
import { outcomeFromDiscordError } from "./errors.js";
import { DISCORD_LIMITS } from "./limits.js";
import { renderDiscord } from "./render/embeds.js";

/** Read-backs stop after this many pages (100 messages each). */
const MAX_PAGES = 10;

/**
 * The nonce of a delivery's message: at most 25 characters (Discord's limit), the same on every attempt, so a
 * retry inside Discord's nonce window gets the first message back instead of a second one.
 */
export function nonceFor(handle: PostHandle): string {
  return createHash("sha256")
    .update(`${handle.delivery}/${String(handle.index)}`)
    .digest("base64url")
    .slice(0, 25);
}

/** The footer reference a read-back recognises a delivery's message by, once Discord's nonce window has passed. */
export function footerRef(handle: PostHandle): string {
  return `ref ${handle.delivery}/${String(handle.index)}`;
}
const REF = /\bref (d[0-9a-f]{16})\/(\d+)\b/;

/** The delivery handle a message of ours carries in its footer (or its content, when it has no embed). */
function refOf(message: Message): { delivery: string; index: number } | undefined {
  for (const text of [...message.embeds.map((e) => e.footer?.text ?? ""), message.content]) {
    const m = REF.exec(text);
    if (m?.[1] !== undefined && m[2] !== undefined) return { delivery: m[1], index: Number(m[2]) };
  }
  return undefined;
}

export function createDiscordChatPlatform(deps: {
  client: () => Client | undefined;
  log: Logger;
}): ChatPlatform {
  const { log } = deps;
  // Order only (interval 0): discord.js's REST queue already waits out each channel's rate-limit bucket.
  const pacer = createChannelPacer({ intervalMs: 0 });
  const ready = (): Client | undefined => {
    const client = deps.client();
    return client?.isReady() === true ? client : undefined;
  };

  async function sendNow(
    target: ChannelRef,
    message: OutboundMessage,
    handle: PostHandle,
  ): Promise<SendOutcome> {
    const client = ready();
    if (!client)
      return {
        status: "failed",
        error: "Discord is not connected (paperboy is starting or lost its gateway)",
        retryable: true,
      };
    let label = `channel ${target.channel}`;
    let channel;
    try {
      channel = await client.channels.fetch(target.channel);
    } catch (error) {
      return outcomeFromDiscordError(error, label);
    }
    if (channel && "name" in channel && typeof channel.name === "string") label = `#${channel.name}`;
    if (!channel?.isSendable())
      return {
        status: "rejected",
        reason: "channel-gone",
        hint: `${label} cannot take messages; its digest is paused.`,
      };
    const { payload, slots } = renderDiscord(message);
    const reference = footerRef(handle);
    const [first, ...rest] = payload.embeds;
    const embeds = first
      ? [
          {
            ...first,
            footer: {
              text: (first.footer ? `${first.footer.text} · ${reference}` : reference).slice(
                0,
                DISCORD_LIMITS.footer,
              ),
            },
          },
          ...rest,
        ]
      : [];
    const content =
      embeds.length === 0 ? `${payload.content ?? ""}\n-# ${reference}`.trim() : payload.content;
    try {
      const sent = await channel.send({
        ...(content !== undefined ? { content } : {}),
        embeds,
        components: payload.components,
        allowedMentions: message.replyTo !== undefined ? { parse: [], repliedUser: false } : { parse: [] },
        nonce: nonceFor(handle),
        enforceNonce: true,
        // A paper's update replies to the message that showed it (message_reference): Send Messages and Read Message
        // History are enough, where starting a thread would need Create Public Threads too. A deleted original makes
        // it a plain message rather than an error.
        ...(message.replyTo !== undefined
          ? { reply: { messageReference: message.replyTo, failIfNotExists: false } }
          : {}),
      });
      return { status: "sent", message: { ref: { channel: target, id: sent.id }, slots } };
    } catch (error) {
      return outcomeFromDiscordError(error, label);
    }
  }

  return {
    id: "discord",
    async send(target, message, handle) {
      try {
        return await pacer.run(channelKey(target), () => sendNow(target, message, handle));
      } catch (error) {
        return {
          status: "failed",
          error: `Discord post failed: ${error instanceof Error ? error.message : String(error)}`,
          retryable: true,
        };
      }
    },

    async react(message: MessageRef, emoji) {
      const client = ready();
      if (!client) return;
      for (const e of emoji) {
        try {
          // Straight through the REST queue (its per-route bucket paces a channel's reactions); PUT is idempotent.
          await client.rest.put(
            Routes.channelMessageOwnReaction(
              message.channel.channel,
              message.id,
              encodeURIComponent(emojiToDiscord(e)),
            ),
          );
        } catch (error) {
          log.warn(
            { err: error instanceof Error ? error.message : String(error), message: message.id },
            "could not seed a reaction (Add Reactions missing?)",
          );
        }
      }
    },

    async findPosted(target, delivery, since): Promise<FoundPosts> {
      const client = ready();
      if (!client) return { status: "failed", error: "Discord is not connected" };
      const found: { index: number; ref: MessageRef }[] = [];
      try {
        const channel = await client.channels.fetch(target.channel);
        if (!channel?.isTextBased()) return { status: "found", messages: [] };
        let after = SnowflakeUtil.generate({ timestamp: since.getTime() }).toString();
        for (let page = 0; page < MAX_PAGES; page++) {
          const batch = await channel.messages.fetch({ after, limit: 100, cache: false });
          if (batch.size === 0) break;
          for (const m of batch.values()) {
            if (m.author.id !== client.user?.id) continue;
            const ref = refOf(m);
            if (ref?.delivery === delivery)
              found.push({ index: ref.index, ref: { channel: target, id: m.id } });
          }
          // Messages come newest first; the next page starts after the newest seen.
          after = [...batch.keys()].reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
          if (batch.size < 100) break;
        }
      } catch (error) {
        return {
          status: "failed",
          error: `reading #${target.channel} back failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      return { status: "found", messages: found };
    },

    isHealthy() {
      const client = deps.client();
      // The manager's status stays Ready for the client's life; a dropped gateway shows on its shards
      // (Connecting, Resuming … until the session is back), so every shard must be Ready.
      if (client?.isReady() !== true || client.ws.status !== Status.Ready || client.ws.shards.size === 0)
        return false;
      return client.ws.shards.every((shard) => shard.status === Status.Ready);
    },
  };
}
