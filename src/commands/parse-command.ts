// `/papers …` text → Command: the whole grammar; a bad input is a UsageError value, never a throw.
import { isEmptyTopic, parseTopic } from "../digest/topic-filter.js";
import { err, ok, type Result } from "../shared/result.js";
import type { Command, LeaderboardPeriod, UsageError } from "./command.js";
import {
  forbiddenCharacter,
  integerIn,
  MAX_COMMAND_CHARS,
  normalizeWhitespace,
  straightenQuotes,
  usage,
} from "./command-text.js";
import { tokenize, type Token } from "../shared/tokenize.js";
import { parseSource, parseSubscribeOptions } from "./parse-subscribe.js";
import { findPaperLinks, paperReference } from "../papers/paper-link.js";

const SEARCH_EXAMPLE = '/papers diffusion "world model" -survey';
const NO_ARGUMENT = new Set(["today", "week", "month", "settings"]);
// Maps, not object literals: "constructor" or "__proto__" typed by a user must not find a prototype member.
const PERIODS: ReadonlyMap<string, LeaderboardPeriod> = new Map([
  ["week", "week"],
  ["weekly", "week"],
  ["month", "month"],
  ["monthly", "month"],
  ["all", "all"],
  ["all-time", "all"],
  ["alltime", "all"],
  ["ever", "all"],
]);
const HELP_FLAGS = new Set(["--help", "-h", "-?", "?"]);

/** The raw text after the first `count` tokens, quotes as typed (smart quotes straightened). */
function textAfter(text: string, tokens: readonly Token[], count: number): string {
  const next = tokens[count];
  return next === undefined ? "" : straightenQuotes(text.slice(next.start)).trim();
}

/** Search words, or (an arXiv id or paper link as the whole query) that paper's card. */
export function parseSearch(query: string): Result<Command, UsageError> {
  const id = paperReference(query);
  if (id !== undefined) return ok({ name: "paper", id });
  const filter = parseTopic(query);
  if (filter.words.length === 0 && filter.phrases.length === 0) {
    const problem =
      filter.excluded.length > 0
        ? `"${query}" only excludes; add at least one word to look for.`
        : `There is nothing to search for in "${query}".`;
    return err(usage(problem, SEARCH_EXAMPLE));
  }
  return ok({ name: "search", query });
}

/**
 * The paper a chat message links to, as a card lookup (Discord's "Paper card" on a message): its first paper link, or
 * the whole message when it is an arXiv id. The rest of the message is never read or repeated.
 */
export function parsePaperMessage(content: string): Result<Command, UsageError> {
  const id = findPaperLinks(content)[0]?.id ?? paperReference(content);
  if (id !== undefined) return ok({ name: "paper", id });
  return err(
    usage(
      "That message has no paper link paperboy reads (arxiv.org, huggingface.co/papers, alphaxiv.org, ar5iv, semanticscholar.org/arxiv) and is not an arXiv id.",
      "/papers https://arxiv.org/abs/2406.12345",
    ),
  );
}

function parseWatch(name: "watch" | "unwatch", rest: string): Result<Command, UsageError> {
  const above = name === "watch" ? /(?:^|\s)above(?:\s+(\S+))?$/i.exec(rest) : null;
  return above
    ? watchCommand(name, rest.slice(0, above.index).trim(), above[1] ?? "")
    : watchCommand(name, rest);
}

/** `watch <topic> [above <threshold>]` / `unwatch <topic>` from their parts (Discord's typed options give them apart). */
export function watchCommand(
  name: "watch" | "unwatch",
  topic: string,
  above?: string,
): Result<Command, UsageError> {
  const example = name === "watch" ? '/papers watch "world model" above 20' : '/papers unwatch "world model"';
  let threshold: number | undefined;
  if (above !== undefined) {
    threshold = integerIn(above, 0, 100_000);
    if (threshold === undefined) {
      return err(usage(`"above ${above}" needs a whole number of upvotes from 0 to 100000.`, example));
    }
  }
  if (topic === "" || isEmptyTopic(parseTopic(topic))) {
    return err(usage(`"${name}" needs a topic: a word or a "quoted phrase".`, example));
  }
  return ok(threshold === undefined ? { name, topic } : { name, topic, threshold });
}

export function parseTop(args: readonly Token[]): Result<Command, UsageError> {
  const [first, extra] = args;
  if (first === undefined) return ok({ name: "top", period: "week" });
  const period = PERIODS.get(first.text.toLowerCase());
  if (period === undefined || extra !== undefined) {
    const got = args.map((t) => t.text).join(" ");
    return err(usage(`"top ${got}" is not a period; use week, month or all.`, "/papers top month"));
  }
  return ok({ name: "top", period });
}

export function parseCatchup(args: readonly Token[]): Result<Command, UsageError> {
  if (args.length === 0) return ok({ name: "catchup", days: 7 });
  const words = args.map((t) => t.text.toLowerCase());
  const joined = words.join(" ");
  const m = /^(\S+?)\s*(?:d|days?)?$/.exec(joined);
  const days = integerIn(m?.[1], 1, 90);
  if (days === undefined) {
    return err(
      usage(
        `"catchup ${args.map((t) => t.text).join(" ")}" needs a number of days from 1 to 90.`,
        "/papers catchup 14",
      ),
    );
  }
  return ok({ name: "catchup", days });
}

export function parseUnsubscribe(args: readonly Token[]): Result<Command, UsageError> {
  const [first, extra] = args;
  if (first === undefined) return ok({ name: "unsubscribe" });
  const source = first.quoted ? undefined : parseSource(first.text);
  if (source === undefined || extra !== undefined) {
    const got = args.map((t) => t.text).join(" ");
    return err(
      usage(
        `"unsubscribe ${got}": name one source (daily, weekly, monthly, recap or arxiv:<category>), or none for all.`,
        "/papers unsubscribe daily",
      ),
    );
  }
  if (!source.ok) return source;
  return ok({ name: "unsubscribe", source: source.value });
}

/** `--foo` or `-x` in front of everything: an option paperboy does not have. `-survey` is a search exclusion. */
function unknownFlag(word: string): string | undefined {
  if (/^--./.test(word) || /^-[A-Za-z0-9]$/.test(word) || /^-[A-Za-z0-9]=/.test(word))
    return word.split("=")[0];
  return undefined;
}

/** What is wrong with a piece of command text before it is read: a forbidden character, or too long. */
export function textProblem(input: string): UsageError | undefined {
  const bad = forbiddenCharacter(input);
  if (bad !== undefined) return usage(`The text contains ${bad}; retype it without it.`, SEARCH_EXAMPLE);
  const length = Array.from(normalizeWhitespace(input)).length;
  if (length > MAX_COMMAND_CHARS) {
    return usage(
      `That query is ${String(length)} characters; the limit is ${String(MAX_COMMAND_CHARS)}.`,
      SEARCH_EXAMPLE,
    );
  }
  return undefined;
}

/**
 * Reads `/papers` text. Keywords are case-insensitive, whitespace is normalised and smart quotes count
 * as quotes. Anything that is not a subcommand is a search. Every problem comes back as a UsageError
 * naming the wrong part and showing a correct example.
 */
export function parseCommand(input: string): Result<Command, UsageError> {
  const problem = textProblem(input);
  if (problem !== undefined) return err(problem);
  const text = normalizeWhitespace(input);
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first === undefined) return ok({ name: "today" });
  const keyword = first.quoted ? "" : first.text.toLowerCase();
  const args = tokens.slice(1);
  const rest = textAfter(text, tokens, 1);
  if (HELP_FLAGS.has(keyword)) return ok({ name: "help" });
  const flag = unknownFlag(first.quoted ? "" : first.text);
  if (flag !== undefined) {
    return err(usage(`Unknown option ${flag}; /papers takes words, not options.`, "/papers help"));
  }
  if (NO_ARGUMENT.has(keyword)) {
    if (rest !== "") {
      return err(
        usage(
          `"${keyword}" takes nothing after it (got "${rest}"). To search for those words: /papers search ${keyword} ${rest}`,
          `/papers ${keyword}`,
        ),
      );
    }
    return ok({ name: keyword as "today" | "week" | "month" | "settings" });
  }
  switch (keyword) {
    case "help": {
      const topic = args[0]?.text.toLowerCase();
      return ok(topic !== undefined && topic !== "" ? { name: "help", topic } : { name: "help" });
    }
    case "top":
      return parseTop(args);
    case "catchup":
      return parseCatchup(args);
    case "watch":
    case "unwatch":
      return parseWatch(keyword, rest);
    case "subscribe": {
      const options = parseSubscribeOptions(args);
      return options.ok ? ok({ name: "subscribe", options: options.value }) : options;
    }
    case "unsubscribe":
      return parseUnsubscribe(args);
    case "search":
      if (rest === "") return err(usage('"search" needs words to look for.', SEARCH_EXAMPLE));
      return parseSearch(rest);
    default:
      return parseSearch(straightenQuotes(text));
  }
}
