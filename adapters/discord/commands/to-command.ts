// Typed /papers options → the core's Command, through the parser's own readers: each option value is one token,
// so no value is quoted, escaped or re-split on the way, and every rule (times, zones, ranges, topics) is the parser's.
import {
  normalizeWhitespace,
  parseCatchup,
  parseSearch,
  parseSubscribeOptions,
  parseTop,
  parseUnsubscribe,
  straightenQuotes,
  textProblem,
  watchCommand,
  type Command,
  type Result,
  type Token,
  type UsageError,
} from "../../../src/index.js";
import type { OptionValue, TypedCommand } from "./to-text.js";

/** The subscribe options Discord gives by name, in the order `/papers help subscribe` lists them. */
const SUBSCRIBE_OPTIONS = ["at", "cron", "tz", "topic", "top", "min", "layout", "updates"] as const;
/** Options whose value is free text in the topic grammar, or a cron expression: read as quoted text is. */
const QUOTED = new Set<string>(["topic", "cron"]);

/** One typed value as one token. Offsets are unused by the readers that take tokens. */
function token(value: OptionValue, quoted = false): Token {
  return { text: normalizeWhitespace(String(value)), quoted, unclosed: false, start: 0, end: 0 };
}

/** `source` (+ `category` for arXiv) as the one source token the grammar knows: daily, …, arxiv:<category>. */
function sourceTokens(options: TypedCommand["options"]): Token[] {
  const source = options.source;
  if (source === undefined) return [];
  return [
    token(
      source === "arxiv" && options.category !== undefined ? `arxiv:${String(options.category)}` : source,
    ),
  ];
}

/** Free text (a search, a watch topic) as the parser reads it after the keyword: whitespace normalised, quotes straight. */
function freeText(value: OptionValue | undefined): string {
  return straightenQuotes(normalizeWhitespace(String(value ?? "")));
}

/**
 * A watch's topic field is one phrase ("diffusion models" is that phrase, not two words), and is stored as the
 * text grammar's quoted phrase, as Discord watches always were, so `unwatch` finds the ones made before.
 */
function phrase(text: string): string {
  return text === "" ? "" : `"${text.replaceAll('"', "'")}"`;
}

/**
 * The Command a chat-input interaction asks for, or the usage error the parser's readers found in its values.
 * Discord has already checked types, choices and ranges; the core's own rules still decide.
 */
export function commandFromOptions(command: TypedCommand): Result<Command, UsageError> {
  const o = command.options;
  for (const value of Object.values(o)) {
    const problem = typeof value === "string" ? textProblem(value) : undefined;
    if (problem !== undefined) return { ok: false, error: problem };
  }
  switch (command.subcommand) {
    case "search":
      return parseSearch(freeText(o.query));
    case "today":
    case "week":
    case "month":
    case "settings":
      return { ok: true, value: { name: command.subcommand } };
    case "subscribe": {
      const given = SUBSCRIBE_OPTIONS.filter(
        (name) => o[name] !== undefined && String(o[name]).trim() !== "",
      );
      const tokens = [
        ...sourceTokens(o),
        ...given.flatMap((name) => [token(name), token(o[name] ?? "", QUOTED.has(name))]),
      ];
      const options = parseSubscribeOptions(tokens);
      return options.ok ? { ok: true, value: { name: "subscribe", options: options.value } } : options;
    }
    case "unsubscribe":
      return parseUnsubscribe(sourceTokens(o));
    case "top":
      return parseTop(o.period === undefined ? [] : [token(o.period)]);
    case "catchup":
      return parseCatchup(o.days === undefined ? [] : [token(o.days)]);
    case "watch":
      return watchCommand(
        "watch",
        phrase(freeText(o.topic)),
        o.threshold === undefined ? undefined : String(o.threshold),
      );
    case "unwatch":
      return watchCommand("unwatch", phrase(freeText(o.topic)));
    case "help": {
      const topic = freeText(o.topic);
      return { ok: true, value: topic === "" ? { name: "help" } : { name: "help", topic } };
    }
    default:
      // A subcommand this version does not define (a command tree registered by another version): the help.
      return { ok: true, value: { name: "help" } };
  }
}
