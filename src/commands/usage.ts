// Help and usage answers for `/papers`: every subcommand with one example, full subscribe options, parse errors.
import { type MessageBlock, type OutboundMessage, text, code } from "../messages/outbound-message.js";
import type { CommandName, UsageError } from "./command.js";
import { CRON_EXAMPLE } from "../subscriptions/cron-syntax.js";
import { SUBSCRIBE_EXAMPLE } from "./parse-subscribe.js";

interface CommandHelp {
  readonly name: CommandName;
  readonly example: string;
  readonly description: string;
}

/** One line per subcommand, in the order people need them. */
export const COMMAND_HELP: readonly CommandHelp[] = [
  {
    name: "today",
    example: "/papers today",
    description: "the top papers of the latest Hugging Face day (also just /papers)",
  },
  { name: "week", example: "/papers week", description: "this week's top papers" },
  { name: "month", example: "/papers month", description: "this month's top papers" },
  {
    name: "search",
    example: '/papers diffusion "world model" -survey',
    description: 'search papers: all the words first, then most of them; every "quoted phrase"; no -excluded',
  },
  {
    name: "paper",
    example: "/papers https://arxiv.org/abs/2406.12345",
    description:
      "that paper's card for the channel, with what the team already knows of it (an arXiv id works too)",
  },
  {
    name: "top",
    example: "/papers top month",
    description: "the papers this channel voted for most (week, month or all)",
  },
  {
    name: "catchup",
    example: "/papers catchup 14",
    description: "the best papers of the last N days, 1 to 90 (default 7)",
  },
  {
    name: "watch",
    example: '/papers watch "world model" above 20',
    description: "tell this channel when a matching paper passes N upvotes",
  },
  { name: "unwatch", example: '/papers unwatch "world model"', description: "stop watching a topic" },
  {
    name: "subscribe",
    example: "/papers subscribe daily at 09:30 tz Europe/Berlin",
    description: "post a digest here on a schedule (see /papers help subscribe)",
  },
  {
    name: "unsubscribe",
    example: "/papers unsubscribe daily",
    description: "stop a digest; with no source, stop them all",
  },
  {
    name: "settings",
    example: "/papers settings",
    description: "this channel's digests, watches and vote emoji",
  },
  {
    name: "help",
    example: "/papers help subscribe",
    description: "this help, or the details of one command",
  },
];

/** Each option of `/papers subscribe`, with an example. */
export const SUBSCRIBE_HELP: readonly { readonly option: string; readonly description: string }[] = [
  { option: "daily", description: "Hugging Face Daily Papers, every weekday (the default source)" },
  { option: "weekly", description: "the week's top papers, once a week" },
  { option: "monthly", description: "the month's top papers, once a month" },
  { option: "recap", description: "the papers this channel voted for, weekly" },
  { option: "arxiv:cs.CL", description: "new papers in an arXiv category" },
  { option: "at 09:30", description: "time of day, HH:MM on the 24-hour clock" },
  { option: "tz Europe/Berlin", description: "time zone, an IANA name" },
  { option: 'topic "world model"', description: "only papers on a topic: one word or a quoted phrase" },
  { option: "top 5", description: "papers per digest, 1 to 10" },
  { option: "min 10", description: "only papers with at least this many upvotes" },
  {
    option: "layout cards",
    description: "compact: one numbered message, vote with 1️⃣…🔟; cards: one message per paper, vote with 👍",
  },
  {
    option: "updates off",
    description:
      "no replies in a posted paper's thread when it releases code, passes 100 upvotes (updates 50: 50) or gets a new arXiv version",
  },
  {
    option: `cron "${CRON_EXAMPLE}"`,
    description: "a full schedule instead of at: minute hour day month weekday",
  },
];

const ALIASES: ReadonlyMap<string, CommandName> = new Map<string, CommandName>([
  ["find", "search"],
  ["query", "search"],
  ["leaderboard", "top"],
  ["alerts", "watch"],
]);

const line = (example: string, description: string): MessageBlock => ({
  type: "text",
  content: [code(example), text(` — ${description}`)],
});

function message(title: string, body: readonly MessageBlock[], plain: readonly string[]): OutboundMessage {
  return { fallbackText: [title, ...plain].join("\n"), blocks: [{ type: "header", text: title }, ...body] };
}

function subscribeHelp(): OutboundMessage {
  return message(
    "/papers subscribe",
    [
      {
        type: "text",
        content: [text("Posts a digest in this channel on a schedule. Options, in any order:")],
      },
      ...SUBSCRIBE_HELP.map((o) => line(o.option, o.description)),
      { type: "context", content: [text("Example: "), code(SUBSCRIBE_EXAMPLE)] },
    ],
    [...SUBSCRIBE_HELP.map((o) => `${o.option} — ${o.description}`), `Example: ${SUBSCRIBE_EXAMPLE}`],
  );
}

/**
 * `/papers help [topic]`: every subcommand with one example, or one command's details (`subscribe` lists
 * all its options). An unknown topic gets the full list with a note.
 */
export function helpMessage(topic?: string): OutboundMessage {
  const wanted = topic
    ?.trim()
    .toLowerCase()
    .replace(/^\/?papers\s+/, "");
  const name = wanted === undefined || wanted === "" ? undefined : (ALIASES.get(wanted) ?? wanted);
  if (name === "subscribe") return subscribeHelp();
  const one = COMMAND_HELP.find((c) => c.name === name);
  if (one) {
    return message(
      `/papers ${one.name}`,
      [line(one.example, one.description)],
      [`${one.example} — ${one.description}`],
    );
  }
  const note: MessageBlock[] =
    name !== undefined
      ? [{ type: "context", content: [text(`No help for “${topic ?? ""}”; here is every command.`)] }]
      : [];
  return message(
    "paperboy — /papers",
    [...note, ...COMMAND_HELP.map((c) => line(c.example, c.description))],
    COMMAND_HELP.map((c) => `${c.example} — ${c.description}`),
  );
}

/** The answer to a command that did not parse: what was wrong, a correct example, where the help is. */
export function usageMessage(error?: UsageError): OutboundMessage {
  if (error === undefined) return helpMessage();
  return {
    fallbackText: `${error.problem}\nTry: ${error.example}`,
    blocks: [
      { type: "text", content: [{ type: "bold", text: error.problem }] },
      { type: "text", content: [text("Try: "), code(error.example)] },
      { type: "context", content: [text("Every command: "), code("/papers help")] },
    ],
  };
}
