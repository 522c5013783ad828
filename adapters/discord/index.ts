// The Discord adapter's wiring: one Client, its event handlers, and the ChatPlatform the core posts through.
import { once } from "node:events";
import { Events, type Client } from "discord.js";
import {
  AppError,
  type Config,
  type PlatformAdapter,
  type PlatformAdapterDeps,
  type PlatformAdapterFactory,
} from "../../src/index.js";
import { createDiscordClient, DEFAULT_DISCORD_API_URL } from "./client.js";
import { createDiscordChatPlatform } from "./discord-platform.js";
import { discordStartFailure } from "./errors.js";
import { createInteractionHandler } from "./interactions.js";
import { createReactionHandler } from "./reactions.js";

export { renderDiscordMessage, type DiscordMessagePayload } from "./render/embeds.js";

/**
 * The Discord adapter: one discord.js Client per start (logs in and resolves once the gateway is READY). Of the
 * common deps it needs the core, the log and the clock; it keeps nothing of its own in the store.
 */
export function createDiscordPlatform(
  config: Config,
  deps: Pick<PlatformAdapterDeps, "core" | "log" | "now">,
): PlatformAdapter {
  const log = deps.log.child({ platform: "discord" });
  const now = deps.now ?? (() => new Date());
  let client: Client | undefined;
  const platform = createDiscordChatPlatform({ client: () => client, log });

  async function start(): Promise<void> {
    const token = config.DISCORD_TOKEN;
    if (token === undefined)
      throw new AppError("discord-config", "DISCORD_TOKEN is not set (Developer Portal → Bot → Reset Token)");
    if (client) return;
    const next = createDiscordClient(config.DISCORD_API_URL);
    const onInteraction = createInteractionHandler({ core: deps.core, log });
    const onReaction = createReactionHandler({ core: deps.core, log, client: next, now });
    next.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction));
    next.on(Events.MessageReactionAdd, (reaction, user) => void onReaction("added", reaction, user));
    next.on(Events.MessageReactionRemove, (reaction, user) => void onReaction("removed", reaction, user));
    next.on(Events.Error, (error) => {
      log.error({ err: error }, "discord client error");
    });
    next.on(Events.Warn, (message) => {
      log.warn(message);
    });
    const ready = once(next, Events.ClientReady);
    client = next;
    try {
      await next.login(token);
      await ready;
    } catch (error) {
      client = undefined;
      await next.destroy();
      throw discordStartFailure(error, config.DISCORD_API_URL ?? DEFAULT_DISCORD_API_URL, "logging in");
    }
    log.info({ user: next.user?.tag }, "discord gateway ready");
  }

  async function stop(): Promise<void> {
    const current = client;
    client = undefined;
    if (current) await current.destroy();
  }

  return { platform, start, stop };
}

createDiscordPlatform satisfies PlatformAdapterFactory;
