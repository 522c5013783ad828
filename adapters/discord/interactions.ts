// INTERACTION_CREATE → the core: /papers (defer first, then edit), autocomplete, "Paper card" on a message, Share.
// @see https://discord.com/developers/docs/interactions/receiving-and-responding
import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type InteractionEditReplyOptions,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import {
  channelRef,
  MANAGING_COMMANDS,
  parsePaperMessage,
  truncate,
  type CommandReply,
  type Logger,
  type Paperboy,
} from "../../src/index.js";
import { COMMAND_NAME, PAPER_CARD_COMMAND } from "./commands/definition.js";
import { commandFromOptions } from "./commands/to-command.js";
import { EPHEMERAL_SUBCOMMANDS, commandToText, type OptionValue } from "./commands/to-text.js";
import { DISCORD_LIMITS } from "./limits.js";
import { SHARE_PREFIX, renderDiscordMessage } from "./render/embeds.js";

export const MANAGERS_HINT = "members with Manage Channels";

export function createInteractionHandler(deps: {
  core: Paperboy;
  log: Logger;
}): (interaction: Interaction) => Promise<void> {
  const { core, log } = deps;

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const subcommand = interaction.options.getSubcommand(false) ?? "help";
    const canManage = interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false;
    // Decided before the core runs: a deferred reply's visibility cannot change later. A refused
    // subscription change stays between paperboy and the member who tried it.
    const ephemeral =
      EPHEMERAL_SUBCOMMANDS.has(subcommand) || (MANAGING_COMMANDS.has(subcommand as never) && !canManage);
    // Discord allows 3 s for the first response; defer before anything slow (10062 Unknown interaction).
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const options: Record<string, OptionValue> = {};
    for (const option of subcommandOptions(interaction.options.data))
      if (option.value !== undefined) options[option.name] = option.value;
    const channel = interaction.channel;
    const channelName =
      channel && "name" in channel && typeof channel.name === "string" ? channel.name : undefined;
    const typed = { subcommand, options };
    const reply = await core.handleCommand({
      channel: channelRef("discord", interaction.guildId ?? "@me", interaction.channelId),
      userId: interaction.user.id,
      // The core runs `parsed`; the text is how the command reads, for its logs.
      text: commandToText(typed),
      parsed: commandFromOptions(typed),
      canManage,
      managersHint: MANAGERS_HINT,
      ...(channelName !== undefined ? { channelName } : {}),
    });
    await answer(interaction, reply, ephemeral);
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused();
    const found = await core.suggest(focused, DISCORD_LIMITS.autocompleteChoices);
    await interaction.respond(
      found.slice(0, DISCORD_LIMITS.autocompleteChoices).map((p) => ({
        // Choice names are plain text (no markdown, no mentions), so only the length matters.
        name: truncate(p.title.replace(/\s+/g, " ").trim() || p.id, DISCORD_LIMITS.choiceName),
        value:
          p.id.length <= DISCORD_LIMITS.choiceValue ? p.id : truncate(p.title, DISCORD_LIMITS.choiceValue),
      })),
    );
  }

  /**
   * "Paper card" on a message: the target message's content is in the interaction (resolved.messages), even without
   * the Message Content intent. Its first paper link is looked up like `/papers <link>`; nothing else of it is read.
   */
  async function onPaperCard(interaction: MessageContextMenuCommandInteraction): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply = await core.handleCommand({
      channel: channelRef("discord", interaction.guildId ?? "@me", interaction.channelId),
      userId: interaction.user.id,
      text: PAPER_CARD_COMMAND,
      parsed: parsePaperMessage(interaction.targetMessage.content),
      canManage: false,
      managersHint: MANAGERS_HINT,
    });
    await answer(interaction, reply, true);
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const paperId = interaction.customId.slice(SHARE_PREFIX.length);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply = await core.handleAction({
      channel: channelRef("discord", interaction.guildId ?? "@me", interaction.channelId),
      userId: interaction.user.id,
      actionId: "share",
      value: paperId,
    });
    await answer(interaction, reply, true);
  }

  return async (interaction) => {
    try {
      if (interaction.isChatInputCommand() && interaction.commandName === COMMAND_NAME)
        await onCommand(interaction);
      else if (interaction.isAutocomplete() && interaction.commandName === COMMAND_NAME)
        await onAutocomplete(interaction);
      else if (interaction.isMessageContextMenuCommand() && interaction.commandName === PAPER_CARD_COMMAND)
        await onPaperCard(interaction);
      else if (interaction.isButton() && interaction.customId.startsWith(SHARE_PREFIX))
        await onButton(interaction);
    } catch (error) {
      log.error({ err: error, interaction: interaction.id }, "discord interaction failed");
      await tellUserItFailed(interaction, log);
    }
  };
}

/** The subcommand's own options (discord.js nests them under the subcommand option). */
function subcommandOptions(data: readonly CommandInteractionOption[]): readonly CommandInteractionOption[] {
  const first = data[0];
  return first?.options ?? data;
}

/**
 * Edits the deferred reply, or, when the core's answer needs the other visibility (a deferral's cannot change),
 * sends it as a follow-up with the right one and deletes the placeholder: "Posted 5 papers" stays with the
 * asker, and a digest paperboy could not post itself still reaches the channel.
 */
async function answer(
  interaction: ChatInputCommandInteraction | ButtonInteraction | MessageContextMenuCommandInteraction,
  reply: CommandReply,
  deferredEphemeral: boolean,
): Promise<void> {
  const wantEphemeral = reply.visibility === "ephemeral";
  if (wantEphemeral === deferredEphemeral) {
    await interaction.editReply(toEditReply(reply));
    return;
  }
  const body = toEditReply(reply);
  await interaction.followUp({
    content: body.content ?? "",
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    allowedMentions: { parse: [] },
    ...(wantEphemeral ? { flags: MessageFlags.Ephemeral } : {}),
  });
  await interaction.deleteReply();
}

function toEditReply(reply: CommandReply): InteractionEditReplyOptions {
  const body = renderDiscordMessage(reply.message);
  return {
    content: body.content ?? "",
    embeds: body.embeds,
    components: body.components,
    allowedMentions: { parse: [] },
  };
}

async function tellUserItFailed(interaction: Interaction, log: Logger): Promise<void> {
  if (!interaction.isRepliable()) return;
  const content = "Sorry, paperboy hit an error answering that. Try again in a minute.";
  try {
    if (interaction.deferred || interaction.replied)
      await interaction.editReply({ content, embeds: [], components: [] });
    else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  } catch (error) {
    log.warn({ err: error }, "could not tell the user about a failed interaction");
  }
}
