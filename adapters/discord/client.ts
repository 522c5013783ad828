// The discord.js Client paperboy runs: two non-privileged intents, the partials votes need, no mentions.
// @see https://discord.com/developers/docs/topics/gateway#gateway-intents
import { Client, GatewayIntentBits, Partials, type ClientOptions } from "discord.js";

export const DEFAULT_DISCORD_API_URL = "https://discord.com/api";

export function discordClientOptions(apiUrl: string | undefined): ClientOptions {
  return {
    // Guilds: channel cache from GUILD_CREATE; GuildMessageReactions: votes. No MessageContent (privileged):
    // slash commands arrive as interactions and reaction events carry no message text.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    // Message + Reaction: reactions on digests posted before a restart (uncached) still fire.
    // User: MESSAGE_REACTION_REMOVE has no member, so its user is built from cache or left partial.
    partials: [Partials.Message, Partials.Reaction, Partials.User],
    // Nothing a paper title says can ping anyone, whatever the text escaping misses.
    allowedMentions: { parse: [] },
    rest: { api: apiUrl ?? DEFAULT_DISCORD_API_URL },
  };
}

export function createDiscordClient(apiUrl: string | undefined): Client {
  return new Client(discordClientOptions(apiUrl));
}
