// Typed /papers options → how the command reads as `/papers` text, for the core's logs (the core runs to-command.ts's Command).
// subscribe{source:"daily", at:"09:30", tz:"Europe/Berlin", topic:"rlhf", top:5, min:10, layout:"cards"}
//   → `subscribe daily at 09:30 tz Europe/Berlin topic "rlhf" top 5 min 10 layout cards`

export type OptionValue = string | number | boolean;

/** A chat-input invocation as plain data: the subcommand and its options by name. */
export interface TypedCommand {
  readonly subcommand: string;
  readonly options: Readonly<Record<string, OptionValue | undefined>>;
}

/**
 * Which subcommands defer privately (the asker alone sees the answer); the rest defer publicly. today/week/month
 * post the digest themselves and answer the asker "Posted N papers"; a reply of the other visibility becomes a follow-up.
 */
export const EPHEMERAL_SUBCOMMANDS: ReadonlySet<string> = new Set([
  "search",
  "help",
  "settings",
  "catchup",
  "today",
  "week",
  "month",
]);

/** Free text as one token: quotes inside become single quotes, and line breaks become spaces. */
function quoted(text: string): string {
  return `"${text.replace(/\s+/g, " ").trim().replaceAll('"', "'")}"`;
}

/** A single word (time zone, HH:MM, category): whitespace removed so it cannot smuggle a keyword. */
function word(value: OptionValue): string {
  return String(value).replace(/[\s"]+/g, "");
}

function source(options: TypedCommand["options"]): string[] {
  const s = options.source;
  if (s === undefined) return [];
  return s === "arxiv" && options.category !== undefined ? [`arxiv:${word(options.category)}`] : [word(s)];
}

export function commandToText(command: TypedCommand): string {
  const o = command.options;
  const parts: string[] = [command.subcommand];
  const add = (
    keyword: string,
    value: OptionValue | undefined,
    format: (v: OptionValue) => string = word,
  ) => {
    if (value !== undefined && String(value).trim() !== "") parts.push(keyword, format(value));
  };
  switch (command.subcommand) {
    case "search":
      parts.push(
        String(o.query ?? "")
          .replace(/\s+/g, " ")
          .trim(),
      );
      break;
    case "subscribe":
      parts.push(...(source(o).length > 0 ? source(o) : ["daily"]));
      add("at", o.at);
      add("cron", o.cron, (v) => quoted(String(v)));
      add("tz", o.tz);
      add("topic", o.topic, (v) => quoted(String(v)));
      add("top", o.top);
      add("min", o.min);
      add("layout", o.layout);
      add("updates", o.updates);
      break;
    case "unsubscribe":
      parts.push(...source(o));
      break;
    case "top":
      if (o.period !== undefined) parts.push(word(o.period));
      break;
    case "catchup":
      if (o.days !== undefined) parts.push(word(o.days));
      break;
    case "watch":
      parts.push(quoted(String(o.topic ?? "")));
      add("above", o.threshold);
      break;
    case "unwatch":
      parts.push(quoted(String(o.topic ?? "")));
      break;
    case "help":
      if (o.topic !== undefined) parts.push(word(o.topic));
      break;
    default:
      // today, week, month, settings and anything new: no options.
      break;
  }
  return parts.filter((p) => p !== "").join(" ");
}
