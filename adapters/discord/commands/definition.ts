// The /papers slash command tree: subcommands and typed options that mirror the core's text grammar.
// @see https://discord.com/developers/docs/interactions/application-commands
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord.js";

export const COMMAND_NAME = "papers";
/** The message command (right-click a message → Apps → Paper card). */
export const PAPER_CARD_COMMAND = "Paper card";

/**
 * A message context-menu command (type 3): without the privileged Message Content intent paperboy cannot read the
 * channel, but Discord hands over the message a member points this command at, so a pasted link still gets its card.
 * @see https://discord.com/developers/docs/interactions/application-commands#message-commands
 */
export function paperCardCommand(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return new ContextMenuCommandBuilder()
    .setName(PAPER_CARD_COMMAND)
    .setType(ApplicationCommandType.Message)
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .toJSON();
}

const SOURCES = [
  { name: "Hugging Face daily", value: "daily" },
  { name: "Hugging Face weekly", value: "weekly" },
  { name: "Hugging Face monthly", value: "monthly" },
  { name: "arXiv category", value: "arxiv" },
  { name: "Weekly team recap", value: "recap" },
] as const;

/**
 * `default_member_permissions` applies to the whole /papers command, not to one subcommand, so setting
 * Manage Channels there would hide search from every member. Subscription changes are instead checked
 * at run time (`memberPermissions.has(ManageChannels)` → the core's `canManage`); server admins can still
 * restrict /papers under Server Settings → Integrations.
 */
export function papersCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription("Trending Hugging Face papers: search, digests, votes")
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((s) =>
      s
        .setName("search")
        .setDescription("Search papers (only you see the answer)")
        .addStringOption((o) =>
          o
            .setName("query")
            .setDescription("Words, a title, or an arXiv id or paper link (posts its card)")
            .setRequired(true)
            .setMaxLength(200)
            .setAutocomplete(true),
        ),
    )
    .addSubcommand((s) => s.setName("today").setDescription("Today's trending papers"))
    .addSubcommand((s) => s.setName("week").setDescription("This week's top papers"))
    .addSubcommand((s) => s.setName("month").setDescription("This month's top papers"))
    .addSubcommand((s) =>
      s
        .setName("subscribe")
        .setDescription("Post a digest in this channel on a schedule (Manage Channels)")
        .addStringOption((o) =>
          o
            .setName("source")
            .setDescription("What to follow (default: daily)")
            .addChoices(...SOURCES),
        )
        .addStringOption((o) =>
          o
            .setName("category")
            .setDescription("arXiv category for source arXiv, e.g. cs.LG")
            .setMaxLength(32),
        )
        .addStringOption((o) =>
          o.setName("at").setDescription("Time of day, HH:MM (24 h)").setMinLength(4).setMaxLength(5),
        )
        .addStringOption((o) =>
          o.setName("tz").setDescription("IANA time zone, e.g. Europe/Berlin").setMaxLength(64),
        )
        .addStringOption((o) =>
          o.setName("topic").setDescription('Topic filter, e.g. rlhf OR "reward model"').setMaxLength(200),
        )
        .addIntegerOption((o) =>
          o.setName("top").setDescription("Papers per digest (1–10)").setMinValue(1).setMaxValue(10),
        )
        .addIntegerOption((o) =>
          o.setName("min").setDescription("Minimum Hugging Face upvotes").setMinValue(0).setMaxValue(10_000),
        )
        .addStringOption((o) =>
          o
            .setName("layout")
            .setDescription("compact: one message, vote with 1️⃣…🔟; cards: one message per paper")
            .addChoices({ name: "compact", value: "compact" }, { name: "cards", value: "cards" }),
        )
        .addStringOption((o) =>
          o
            .setName("cron")
            .setDescription('Cron expression instead of "at", e.g. 0 9 * * 1-5')
            .setMaxLength(64),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("unsubscribe")
        .setDescription("Stop this channel's digests (Manage Channels)")
        .addStringOption((o) =>
          o
            .setName("source")
            .setDescription("Only this source (default: all)")
            .addChoices(...SOURCES),
        )
        .addStringOption((o) =>
          o.setName("category").setDescription("arXiv category, with source arXiv").setMaxLength(32),
        ),
    )
    .addSubcommand((s) => s.setName("settings").setDescription("This channel's subscriptions and watches"))
    .addSubcommand((s) =>
      s
        .setName("top")
        .setDescription("The team's most voted papers")
        .addStringOption((o) =>
          o
            .setName("period")
            .setDescription("Period (default: week)")
            .addChoices(
              { name: "week", value: "week" },
              { name: "month", value: "month" },
              { name: "all time", value: "all" },
            ),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("catchup")
        .setDescription("What you missed (only you see it)")
        .addIntegerOption((o) =>
          o.setName("days").setDescription("How many days back (default: 7)").setMinValue(1).setMaxValue(30),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("watch")
        .setDescription("Alert this channel when a topic trends (Manage Channels)")
        .addStringOption((o) =>
          o.setName("topic").setDescription("Topic, e.g. diffusion").setRequired(true).setMaxLength(200),
        )
        .addIntegerOption((o) =>
          o.setName("threshold").setDescription("Upvotes before alerting").setMinValue(1).setMaxValue(10_000),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("unwatch")
        .setDescription("Stop a topic alert (Manage Channels)")
        .addStringOption((o) =>
          o.setName("topic").setDescription("Topic to stop watching").setRequired(true).setMaxLength(200),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("help")
        .setDescription("How to use paperboy")
        .addStringOption((o) =>
          o.setName("topic").setDescription("A subcommand, e.g. subscribe").setMaxLength(32),
        ),
    )
    .toJSON();
}
