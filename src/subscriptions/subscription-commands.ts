// `/papers subscribe | unsubscribe | settings | watch | unwatch`: change and show a channel's schedules.
import type { SubscribeOptions, SubscriptionSource } from "./subscription.js";
import { describeTopic, parseTopic } from "../digest/topic-filter.js";
import {
  type Inline,
  type MessageBlock,
  type OutboundMessage,
  text as t,
  bold as b,
  code as c,
} from "../messages/outbound-message.js";
import type { CommandInvocation } from "../platform/events.js";
import { DEFAULT_VOTE_EMOJI } from "../platform/emoji.js";
import { cronProblem } from "./cron-syntax.js";
import { isTimeZone } from "../shared/time-zone.js";
import { DEFAULT_WATCH_THRESHOLD, describeWatch, watchLabel } from "../watches/watch-poller.js";
import type { WatchStore } from "../watches/watch.js";
import { cronFallback, describeSchedule, formatRunTime } from "./describe-schedule.js";
import type { SubscriptionStore } from "./subscription-store.js";
import {
  cronForTime,
  DEFAULT_TOP,
  defaultCron,
  describeSource,
  MAX_TOP,
  parseTimeOfDay,
  sourceKey,
  subscriptionId,
  type Subscription,
} from "./subscription.js";
import type { CommandReply } from "../platform/command-reply.js";

export interface SubscriptionCommandsDeps {
  readonly subscriptions: SubscriptionStore;
  readonly watches: WatchStore;
  /** Next-run arithmetic and cron validation. */
  /** The schedules' arithmetic: when a cron next fires in a zone (the Scheduler port provides it). */
  readonly scheduler: { nextRun(cron: string, timezone: string, after: Date): Date | undefined };
  /** Told after a subscription was stored or deleted: the live schedules follow. */
  readonly changed: () => void;
  readonly now: () => Date;
  /** DEFAULT_TIMEZONE from the config; UTC when absent. */
  readonly defaultTimezone?: string;
  readonly defaultVoteEmoji?: readonly string[];
}

export interface SubscriptionCommands {
  subscribe(inv: CommandInvocation, options: SubscribeOptions): Promise<CommandReply>;
  unsubscribe(inv: CommandInvocation, source?: SubscriptionSource): Promise<CommandReply>;
  settings(inv: CommandInvocation): Promise<CommandReply>;
  watch(inv: CommandInvocation, topic: string, threshold?: number): Promise<CommandReply>;
  unwatch(inv: CommandInvocation, topic: string): Promise<CommandReply>;
}

const plain = (runs: readonly Inline[]): string => runs.map((r) => r.text).join("");

function reply(
  visibility: CommandReply["visibility"],
  title: string | undefined,
  lines: readonly (readonly Inline[])[],
): CommandReply {
  const blocks: MessageBlock[] = [
    ...(title ? [{ type: "header", text: title } as const] : []),
    ...lines.map((content): MessageBlock => ({ type: "text", content })),
  ];
  const message: OutboundMessage = {
    fallbackText: [title, ...lines.map(plain)].filter(Boolean).join("\n"),
    blocks,
  };
  return { visibility, message };
}

/**
 * "Schedule: weekdays at 09:00 (Europe/Berlin) · cron `0 9 * * 1-5`"; a schedule with no words for it shows its cron
 * once: "Schedule: cron `0 9 1-7 * 1` (Europe/Berlin)".
 */
function scheduleLine(sub: Subscription): Inline[] {
  const words = describeSchedule(sub.cron);
  return words === cronFallback(sub.cron)
    ? [t("Schedule: cron "), c(sub.cron), t(` (${sub.timezone})`)]
    : [t(`Schedule: ${words} (${sub.timezone}) · cron `), c(sub.cron)];
}

const problem = (text: string, example: string): CommandReply =>
  reply("ephemeral", undefined, [[t(text)], [t("Example: "), c(example)]]);

/** Would storing `next` change what `current` does? (What the user can set with `/papers subscribe`.) */
function sameSettings(current: Subscription, next: Subscription): boolean {
  return (
    current.cron === next.cron &&
    current.timezone === next.timezone &&
    current.top === next.top &&
    current.minUpvotes === next.minUpvotes &&
    current.layout === next.layout &&
    current.topic?.text === next.topic?.text
  );
}

export function createSubscriptionCommands(deps: SubscriptionCommandsDeps): SubscriptionCommands {
  const { subscriptions, watches, scheduler, now } = deps;
  const fallbackZone =
    deps.defaultTimezone !== undefined && isTimeZone(deps.defaultTimezone) ? deps.defaultTimezone : "UTC";

  const nextRunText = (sub: Subscription): string => {
    const next = scheduler.nextRun(sub.cron, sub.timezone, now());
    return next ? formatRunTime(next, sub.timezone) : "never (the schedule matches no date)";
  };

  const describe = (sub: Subscription): Inline[][] => {
    const lines: Inline[][] = [
      [b(describeSource(sub.source))],
      scheduleLine(sub),
      [
        t(
          `Topic: ${sub.topic ? describeTopic(sub.topic.filter) : "all papers"} · top ${String(sub.top)} · min ${String(sub.minUpvotes)} upvotes · ${sub.layout} layout`,
        ),
      ],
    ];
    if (sub.paused) {
      lines.push([
        b("Paused"),
        t(`: ${sub.paused.reason}. ${sub.paused.hint} Then run `),
        c(`/papers subscribe ${sourceKey(sub.source)}`),
        t(" to resume."),
      ]);
    } else {
      if (sub.retry)
        lines.push([
          b("Retrying"),
          t(
            `: ${sub.retry.reason} since ${formatRunTime(new Date(sub.retry.since), sub.timezone)}; attempt ${String(sub.retry.attempts + 1)} at ${formatRunTime(new Date(sub.retry.nextAt), sub.timezone)}.`,
          ),
        ]);
      lines.push([t(`Next ${sub.source.kind === "recap" ? "recap" : "digest"}: ${nextRunText(sub)}`)]);
    }
    return lines;
  };

  /** The merged subscription, or a reply naming what is wrong (the stored one stays unchanged). */
  function merge(
    inv: CommandInvocation,
    existing: Subscription | undefined,
    options: SubscribeOptions,
  ): Subscription | CommandReply {
    const source = options.source;
    const kind = sourceKey(source);
    let cron = existing?.cron ?? defaultCron(source);
    if (options.cron !== undefined) {
      const why = cronProblem(options.cron);
      if (why)
        return problem(`The schedule is not valid. ${why}`, `/papers subscribe ${kind} cron "0 9 * * 1-5"`);
      cron = options.cron.trim();
    } else if (options.at !== undefined) {
      const time = parseTimeOfDay(options.at);
      if (!time)
        return problem(
          `"${options.at}" is not a time of day (24-hour HH:MM).`,
          `/papers subscribe ${kind} at 09:30`,
        );
      cron = cronForTime(source, time.hour, time.minute);
    }
    const timezone = options.timezone ?? existing?.timezone ?? fallbackZone;
    if (!isTimeZone(timezone))
      return problem(`"${timezone}" is not a time zone.`, `/papers subscribe ${kind} tz Europe/Berlin`);
    const top = options.top ?? existing?.top ?? DEFAULT_TOP;
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
      return problem(
        `"top ${String(top)}" must be a whole number from 1 to ${String(MAX_TOP)}.`,
        `/papers subscribe ${kind} top 5`,
      );
    const minUpvotes = options.minUpvotes ?? existing?.minUpvotes ?? 0;
    if (!Number.isInteger(minUpvotes) || minUpvotes < 0)
      return problem(
        `"min ${String(minUpvotes)}" must be a whole number of upvotes, 0 or more.`,
        `/papers subscribe ${kind} min 10`,
      );
    const layout = options.layout ?? existing?.layout ?? "compact";
    if (layout !== "compact" && layout !== "cards")
      return problem(
        `"layout ${String(layout)}" must be compact or cards.`,
        `/papers subscribe ${kind} layout cards`,
      );
    // A stored schedule can be bad too (written by an older version, or by hand): say so, keep it unchanged.
    const why = cronProblem(cron);
    if (why)
      return problem(
        `The stored schedule is not valid; give a new one. ${why}`,
        `/papers subscribe ${kind} cron "0 9 * * 1-5"`,
      );
    if (!scheduler.nextRun(cron, timezone, now()))
      return problem(
        `The schedule "${cron}" never fires (no such date).`,
        `/papers subscribe ${kind} cron "0 9 * * 1-5"`,
      );
    const topic = options.topic ?? existing?.topic;
    const base: Subscription = {
      id: subscriptionId(inv.channel, source),
      channel: inv.channel,
      source,
      cron,
      timezone,
      minUpvotes,
      top,
      layout,
      voteEmoji: existing?.voteEmoji ?? deps.defaultVoteEmoji ?? [...DEFAULT_VOTE_EMOJI],
      createdAt: existing?.createdAt ?? now().toISOString(),
      emptyNotice: existing?.emptyNotice ?? false,
      ...(topic ? { topic } : {}),
      ...(existing?.lastDelivered ? { lastDelivered: existing.lastDelivered } : {}),
    };
    return base; // re-subscribing drops `paused`: the user says the channel is fixed
  }

  return {
    async subscribe(inv, options) {
      const existing = await subscriptions.get(subscriptionId(inv.channel, options.source));
      const merged = merge(inv, existing, options);
      if ("visibility" in merged) return merged;
      const what = describeSource(merged.source);
      if (existing && !existing.paused && sameSettings(existing, merged))
        return reply("ephemeral", `Nothing changed: ${what}`, describe(existing).slice(1));
      await subscriptions.put(merged);
      deps.changed();
      const verb = existing ? (existing.paused ? "Resumed and updated" : "Updated") : "Subscribed";
      return reply("public", `${verb}: ${what}`, describe(merged).slice(1));
    },

    async unsubscribe(inv, source) {
      const current = await subscriptions.forChannel(inv.channel);
      const gone = source ? current.filter((s) => s.id === subscriptionId(inv.channel, source)) : current;
      if (gone.length === 0) {
        return reply("ephemeral", undefined, [
          [
            t(
              source
                ? `This channel is not subscribed to ${describeSource(source)}. `
                : "This channel has no subscriptions. ",
            ),
            t("See "),
            c("/papers settings"),
            t("."),
          ],
        ]);
      }
      for (const s of gone) await subscriptions.delete(s.id);
      deps.changed();
      return reply(
        "public",
        "Unsubscribed",
        gone.map((s) => [t(`No more ${describeSource(s.source)} in this channel.`)]),
      );
    },

    async settings(inv) {
      const subs = await subscriptions.forChannel(inv.channel);
      const ws = await watches.forChannel(inv.channel);
      if (subs.length === 0 && ws.length === 0) {
        return reply("ephemeral", "Settings", [
          [
            t("This channel has no subscriptions. Start one with "),
            c("/papers subscribe daily at 09:00"),
            t("."),
          ],
        ]);
      }
      const lines: Inline[][] = subs.flatMap((s) => describe(s));
      if (ws.length > 0) lines.push([b("Watches")], ...ws.map((w) => [t(describeWatch(w))]));
      return reply("ephemeral", "Settings", lines);
    },

    async watch(inv, topic, threshold) {
      const text = topic.trim();
      if (text === "") return problem("A watch needs a topic.", '/papers watch "world model" above 20');
      const n = threshold ?? DEFAULT_WATCH_THRESHOLD;
      if (!Number.isInteger(n) || n < 1)
        return problem(
          `"above ${String(n)}" must be a whole number of upvotes, 1 or more.`,
          `/papers watch ${text} above 20`,
        );
      await watches.put({
        channel: inv.channel,
        topic: { text, filter: parseTopic(text) },
        threshold: n,
        createdAt: now().toISOString(),
      });
      return reply("public", "Watching", [
        [
          t(
            `This channel gets one alert per paper on ${watchLabel(text)} that passes ${String(n)} upvotes on Hugging Face (checked hourly).`,
          ),
        ],
      ]);
    },

    async unwatch(inv, topic) {
      const removed = await watches.remove(inv.channel, topic);
      if (!removed) {
        return reply("ephemeral", undefined, [
          [t(`This channel has no watch on ${watchLabel(topic)}. See `), c("/papers settings"), t(".")],
        ]);
      }
      return reply("public", "Watch removed", [[t(`No more alerts on ${watchLabel(topic)}.`)]]);
    },
  };
}
