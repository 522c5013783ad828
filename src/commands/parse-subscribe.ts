// `/papers subscribe …` and `/papers unsubscribe …` options: sources, at, tz, topic, top, min, layout, cron.
import type { TopicFilter } from "../digest/digest-types.js";
import { formatTopic, isEmptyTopic, parseTopic } from "../digest/topic-filter.js";
import type { Layout } from "../platform/chat-platform.js";
import { err, ok, type Result } from "../shared/result.js";
import type { SubscribeOptions, SubscriptionSource, UsageError } from "./command.js";
import type { UpdatesSetting } from "../subscriptions/subscription.js";
import { arxivCategory, integerIn, twelveHourToClock, usage } from "./command-text.js";
import type { Token } from "../shared/tokenize.js";
import { CRON_EXAMPLE, cronProblem } from "../subscriptions/cron-syntax.js";
import { canonicalTimeZone } from "../shared/time-zone.js";
import { parseTimeOfDay, sourceKey } from "../subscriptions/subscription.js";

export const SUBSCRIBE_EXAMPLE =
  '/papers subscribe daily at 09:30 tz Europe/Berlin topic "world model" top 5';
const OPTION_NAMES = ["at", "tz", "topic", "top", "min", "layout", "cron", "updates"] as const;
type OptionName = (typeof OPTION_NAMES)[number];
const isOptionName = (word: string): word is OptionName => (OPTION_NAMES as readonly string[]).includes(word);
const OPTIONS_LIST =
  "daily|weekly|monthly|recap|arxiv:<category>, at, tz, topic, top, min, layout, cron, updates";

const SOURCE_WORDS: ReadonlyMap<string, SubscriptionSource> = new Map<string, SubscriptionSource>([
  ["daily", { kind: "daily" }],
  ["weekly", { kind: "weekly" }],
  ["monthly", { kind: "monthly" }],
  ["recap", { kind: "recap" }],
]);

/** A source word: daily, weekly, monthly, recap or arxiv:<category>; undefined when the word is not one. */
export function parseSource(word: string): Result<SubscriptionSource, UsageError> | undefined {
  const lower = word.toLowerCase();
  const known = SOURCE_WORDS.get(lower);
  if (known) return ok(known);
  if (lower === "arxiv") {
    return err(usage('"arxiv" needs a category after a colon.', "/papers subscribe arxiv:cs.CL at 08:00"));
  }
  if (!lower.startsWith("arxiv:")) return undefined;
  const category = arxivCategory(word.slice("arxiv:".length));
  return category !== undefined
    ? ok({ kind: "arxiv", category })
    : err(
        usage(
          `"${word}" is not an arXiv category; categories look like cs.CL, math.AG or hep-th.`,
          "/papers subscribe arxiv:cs.CL",
        ),
      );
}

/**
 * A subscription's topic. `topic "world model"` means the phrase (as people read it), not "world" or
 * "model"; quoted text with topic syntax (`topic "agents -survey"`) is read as a topic expression.
 */
function subscriptionTopic(raw: string, quoted: boolean): TopicFilter {
  const filter = parseTopic(raw);
  const plainWords = filter.phrases.length === 0 && filter.excluded.length === 0 && filter.words.length > 1;
  return quoted && plainWords
    ? { words: [], phrases: [raw.replace(/\s+/g, " ").trim()], excluded: [] }
    : filter;
}

interface Draft {
  source?: SubscriptionSource;
  at?: string;
  cron?: string;
  timezone?: string;
  topic?: { readonly text: string; readonly filter: TopicFilter };
  top?: number;
  minUpvotes?: number;
  layout?: Layout;
  updates?: UpdatesSetting;
}

function optionValue(name: OptionName, token: Token): Result<Partial<Draft>, UsageError> {
  const raw = token.text;
  switch (name) {
    case "at": {
      const time = parseTimeOfDay(raw);
      if (time !== undefined)
        return ok({ at: `${String(time.hour).padStart(2, "0")}:${String(time.minute).padStart(2, "0")}` });
      const suggestion = twelveHourToClock(raw);
      return err(
        usage(
          `"at ${raw}" is not a time: use HH:MM on the 24-hour clock${suggestion ? `, e.g. at ${suggestion}` : ", e.g. at 09:30"}.`,
          `/papers subscribe daily at ${suggestion ?? "09:30"}`,
        ),
      );
    }
    case "tz": {
      const zone = canonicalTimeZone(raw);
      return zone !== undefined
        ? ok({ timezone: zone })
        : err(
            usage(
              `Unknown time zone "${raw}"; use an IANA name, e.g. tz Europe/Berlin.`,
              "/papers subscribe daily at 09:30 tz Europe/Berlin",
            ),
          );
    }
    case "topic": {
      if (token.unclosed)
        return err(
          usage(`The topic's quote is never closed: "${raw}`, '/papers subscribe topic "world model"'),
        );
      const filter = subscriptionTopic(raw, token.quoted);
      return isEmptyTopic(filter)
        ? err(usage(`"topic" needs words to follow, got "${raw}".`, '/papers subscribe topic "world model"'))
        : ok({ topic: { text: formatTopic(filter), filter } });
    }
    case "top": {
      const top = integerIn(raw, 1, 10);
      return top !== undefined
        ? ok({ top })
        : err(usage(`"top ${raw}" must be a whole number from 1 to 10.`, "/papers subscribe daily top 5"));
    }
    case "min": {
      const minUpvotes = integerIn(raw, 0, 100_000);
      return minUpvotes !== undefined
        ? ok({ minUpvotes })
        : err(
            usage(
              `"min ${raw}" must be a whole number of upvotes from 0 to 100000.`,
              "/papers subscribe daily min 10",
            ),
          );
    }
    case "layout": {
      const layout = raw.toLowerCase();
      return layout === "compact" || layout === "cards"
        ? ok({ layout })
        : err(
            usage(
              `"layout ${raw}" is not a layout; use compact or cards.`,
              "/papers subscribe daily layout cards",
            ),
          );
    }
    case "updates": {
      const word = raw.toLowerCase();
      if (word === "on" || word === "off") return ok({ updates: { on: word === "on" } });
      const milestone = integerIn(raw, 1, 1_000_000);
      return milestone !== undefined
        ? ok({ updates: { on: true, milestone } })
        : err(
            usage(
              `"updates ${raw}" must be on, off, or the upvote milestone to report (e.g. updates 100).`,
              "/papers subscribe daily updates off",
            ),
          );
    }
    case "cron": {
      if (!token.quoted || token.unclosed) {
        return err(
          usage(
            `Put the cron expression in quotes, e.g. cron "${CRON_EXAMPLE}".`,
            `/papers subscribe daily cron "${CRON_EXAMPLE}" tz Europe/Berlin`,
          ),
        );
      }
      const problem = cronProblem(raw);
      return problem === undefined
        ? ok({ cron: raw.trim().split(/\s+/).join(" ") })
        : err(usage(problem, `/papers subscribe daily cron "${CRON_EXAMPLE}"`));
    }
  }
}

const VALUE_HINT: Readonly<Record<OptionName, string>> = {
  at: "a time, e.g. at 09:30",
  tz: "a time zone, e.g. tz Europe/Berlin",
  topic: 'a word or a "quoted phrase", e.g. topic "world model"',
  top: "a number from 1 to 10, e.g. top 5",
  min: "a number of upvotes, e.g. min 10",
  layout: "compact or cards, e.g. layout cards",
  cron: `a quoted cron expression, e.g. cron "${CRON_EXAMPLE}"`,
  updates: "on, off or an upvote milestone, e.g. updates off",
};

/** Reads the tokens after `subscribe`. Every problem names the part that is wrong and shows a correct example. */
export function parseSubscribeOptions(tokens: readonly Token[]): Result<SubscribeOptions, UsageError> {
  const draft: Draft = {};
  const given = new Set<string>();
  let previous: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) break;
    if (token.quoted) {
      const hint = previous === "topic" ? " A topic takes one word or one quoted phrase." : "";
      return err(usage(`Unexpected "${token.text}" in subscribe options.${hint}`, SUBSCRIBE_EXAMPLE));
    }
    const word = token.text.toLowerCase();
    const source = parseSource(token.text);
    if (source !== undefined) {
      if (!source.ok) return source;
      if (draft.source) {
        return err(
          usage(
            `Two sources given (${sourceKey(draft.source)} and ${sourceKey(source.value)}); a subscription follows one. Subscribe twice for both.`,
            "/papers subscribe weekly",
          ),
        );
      }
      draft.source = source.value;
      previous = "source";
      continue;
    }
    if (!isOptionName(word)) {
      const hint =
        previous === "topic"
          ? ` To follow a topic of several words, quote it: topic "${[tokens[i - 1]?.text, token.text].join(" ")}".`
          : ` Options: ${OPTIONS_LIST}.`;
      return err(usage(`Unknown subscribe option "${token.text}".${hint}`, SUBSCRIBE_EXAMPLE));
    }
    if (given.has(word))
      return err(usage(`"${word}" is given twice; give each option once.`, SUBSCRIBE_EXAMPLE));
    given.add(word);
    const value = tokens[i + 1];
    if (value === undefined || (!value.quoted && isOptionName(value.text.toLowerCase()))) {
      return err(usage(`"${word}" needs ${VALUE_HINT[word]}.`, SUBSCRIBE_EXAMPLE));
    }
    if (value.quoted && word !== "topic" && word !== "cron") {
      return err(usage(`"${word}" takes ${VALUE_HINT[word]}, not a quoted text.`, SUBSCRIBE_EXAMPLE));
    }
    const parsed = optionValue(word, value);
    if (!parsed.ok) return parsed;
    Object.assign(draft, parsed.value);
    previous = word;
    i++;
  }
  if (draft.at !== undefined && draft.cron !== undefined) {
    return err(
      usage(
        "Give either at or cron, not both: cron already says the time.",
        `/papers subscribe daily cron "${CRON_EXAMPLE}"`,
      ),
    );
  }
  return ok({
    source: draft.source ?? { kind: "daily" },
    ...(draft.at !== undefined ? { at: draft.at } : {}),
    ...(draft.cron !== undefined ? { cron: draft.cron } : {}),
    ...(draft.timezone !== undefined ? { timezone: draft.timezone } : {}),
    ...(draft.topic !== undefined ? { topic: draft.topic } : {}),
    ...(draft.top !== undefined ? { top: draft.top } : {}),
    ...(draft.minUpvotes !== undefined ? { minUpvotes: draft.minUpvotes } : {}),
    ...(draft.layout !== undefined ? { layout: draft.layout } : {}),
    ...(draft.updates !== undefined ? { updates: draft.updates } : {}),
  });
}
