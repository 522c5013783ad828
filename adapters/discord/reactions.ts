// messageReactionAdd/Remove → ReactionChanged for the core; partials fetched, the bot's own reactions ignored.
// @see https://discord.com/developers/docs/events/gateway-events#message-reaction-add
import type { Client, MessageReaction, PartialMessageReaction, PartialUser, User } from "discord.js";
import { channelRef, type Logger, type Paperboy } from "../../src/index.js";
import { emojiFromDiscord } from "./emoji.js";

export function createReactionHandler(deps: {
  core: Paperboy;
  log: Logger;
  client: Client;
  now: () => Date;
}): (
  change: "added" | "removed",
  reaction: MessageReaction | PartialMessageReaction,
  user: User | PartialUser,
) => Promise<void> {
  const { core, log, client, now } = deps;
  return async (change, reaction, user) => {
    try {
      // The bot's own seed reactions fire these events too; they never count (and need no fetch).
      if (user.id === client.user?.id || user.bot) return;
      // A digest posted before a restart is not cached, so its reactions arrive partial (only thanks to
      // Partials.Message + Partials.Reaction). Fetch first; a deleted message is an ignored vote, not an error.
      const full = reaction.partial ? await reaction.fetch().catch(() => undefined) : reaction;
      if (!full) return;
      const emoji = emojiFromDiscord(full.emoji);
      if (!emoji) return;
      const message = full.message;
      const result = await core.handleReaction({
        message: {
          channel: channelRef("discord", message.guildId ?? "@me", message.channelId),
          id: message.id,
        },
        userId: user.id,
        emoji,
        change,
        at: now(),
        byBot: false,
      });
      log.debug({ result, message: message.id }, "discord reaction handled");
    } catch (error) {
      log.error({ err: error }, "discord reaction failed");
    }
  };
}
