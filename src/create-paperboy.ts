// The core's facade: parses commands, routes them to the use cases, and answers every path with a message.
import type {
  Command,
  LeaderboardPeriod,
  SubscribeOptions,
  SubscriptionSource,
  UsageError,
} from "./commands/command.js";
import { MANAGING_COMMANDS } from "./commands/command.js";
import { composeDigest, composePaperList } from "./digest/compose-digest.js";
import { rankPapers } from "./digest/rank-papers.js";
import type { Inline, OutboundMessage } from "./messages/outbound-message.js";
import type { Paper, PaperId } from "./papers/paper.js";
import { toPaperId } from "./papers/paper.js";
import { addDays, isoWeek, lastCompletedBatchDate, monthOf, nyDate } from "./sources/ny-date.js";
import type { HuggingFaceSource, SourceResult } from "./sources/paper-source.js";
import { SourceUnavailableError } from "./sources/paper-source.js";
import { channelKey, type ChannelRef, type PlatformId } from "./platform/channel-ref.js";
import type { ChatPlatform } from "./platform/chat-platform.js";
import { DEFAULT_VOTE_EMOJI, KEYCAPS } from "./platform/emoji.js";
import type { Deliverer, DeliveryResult } from "./delivery/deliver.js";
import { planOf } from "./delivery/deliver.js";
import type { ActionInvocation, CommandInvocation, ReactionChanged } from "./platform/events.js";
import type { Logger } from "./ops/logger.js";
import type { Metrics } from "./ops/metrics.js";
import type { Result } from "./shared/result.js";
import type { VoteResult } from "./votes/vote-service.js";
import type { CommandReply, Paperboy } from "./platform/paperboy.js";

type Reply = Promise<CommandReply>;

/** The narrow slices of each use case the facade calls; the composition root passes the real ones. */
export interface PaperboyDeps {
  readonly parse: (text: string) => Result<Command, UsageError>;
  readonly usage: (error?: UsageError) => OutboundMessage;
  readonly help: (topic?: string) => OutboundMessage;
  readonly hf: Pick<HuggingFaceSource, "daily" | "week" | "month" | "paper" | "baseUrl">;
  readonly archive: {
    get(id: PaperId | string): Promise<Paper | undefined>;
    /** The newest batch's papers, most upvoted first (the archive keeps full papers in the store only). */
    newest(limit: number): Promise<readonly Paper[]>;
    upsert(papers: readonly Paper[]): Promise<void>;
    suggest(prefix: string, limit: number): readonly { id: PaperId; title: string }[];
  };
  readonly search: {
    search(
      query: string,
      options: { limit: number },
    ): Promise<{ results: readonly { paper: Paper; score: number }[]; notice?: string }>;
  };
  readonly subscriptions: {
    subscribe(inv: CommandInvocation, options: SubscribeOptions): Reply;
    unsubscribe(inv: CommandInvocation, source?: SubscriptionSource): Reply;
    settings(inv: CommandInvocation): Reply;
    watch(inv: CommandInvocation, topic: string, threshold?: number): Reply;
    unwatch(inv: CommandInvocation, topic: string): Reply;
  };
  readonly voteCommands: {
    top(inv: CommandInvocation, period: LeaderboardPeriod): Reply;
    catchup(inv: CommandInvocation, days: number): Reply;
  };
  readonly votes: {
    handleReaction(event: ReactionChanged): Promise<VoteResult>;
    tally(channel: ChannelRef, ids?: readonly PaperId[]): Promise<ReadonlyMap<PaperId, number>>;
  };
  readonly deliverer: Pick<Deliverer, "deliver">;
  readonly platforms: {
    register(platform: ChatPlatform): void;
    get(id: PlatformId): ChatPlatform | undefined;
  };
  readonly home: (platform: PlatformId, workspace: string, userId: string) => Promise<OutboundMessage>;
  readonly forgetWorkspace: (platform: PlatformId, workspace: string) => Promise<void>;
  readonly now: () => Date;
  readonly log: Logger;
  readonly metrics: Metrics;
}

const text = (value: string): Inline => ({ type: "text", text: value });
const code = (value: string): Inline => ({ type: "code", text: value });

export function plainMessage(...content: Inline[]): OutboundMessage {
  return { fallbackText: content.map((run) => run.text).join(""), blocks: [{ type: "text", content }] };
}

/** A vote the store cannot take is tried this many times in process, 0.5 s, 1 s, 2 s … apart (about 30 s in all). */
const VOTE_ATTEMPTS = 7;
const VOTE_RETRY_BASE_MS = 500;

/** How many archived papers stand in for a period when Hugging Face is down. */
const ARCHIVE_FALLBACK_PAPERS = 30;

const ephemeral = (message: OutboundMessage): CommandReply => ({ visibility: "ephemeral", message });

const WEEKDAY = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "long",
  timeZone: "UTC",
});

function dayLabel(date: string): string {
  return WEEKDAY.format(new Date(`${date}T12:00:00Z`));
}

export function createPaperboy(deps: PaperboyDeps): Paperboy {
  const { log } = deps;

  /** Today's batch, else the latest non-empty one of the last few days (weekends are empty). */
  async function latestBatch(): Promise<{ result: SourceResult; date: string }> {
    let date = nyDate(deps.now());
    let last: { result: SourceResult; date: string } | undefined;
    for (let back = 0; back < 5; back++) {
      const result = await deps.hf.daily(date);
      last = { result, date };
      if (result.papers.length > 0) return last;
      date = addDays(date, -1);
    }
    return last ?? { result: await deps.hf.daily(lastCompletedBatchDate(deps.now())), date };
  }

  /**
   * When Hugging Face is down and nothing is cached, the newest papers paperboy has archived stand in,
   * with a notice naming the URL it could not reach; an empty archive leaves the error to the caller.
   */
  async function periodPapers(
    name: "today" | "week" | "month",
  ): Promise<{ result: SourceResult; title: string }> {
    try {
      return await fetchPeriod(name);
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      const newest = await deps.archive.newest(ARCHIVE_FALLBACK_PAPERS);
      if (newest.length === 0) throw error;
      const result: SourceResult = { papers: newest, stale: true, dropped: 0, fetchedAt: deps.now() };
      return { result, title: `${error.message} — the newest papers in paperboy's archive` };
    }
  }

  async function fetchPeriod(
    name: "today" | "week" | "month",
  ): Promise<{ result: SourceResult; title: string }> {
    const now = deps.now();
    if (name === "week") {
      const week = isoWeek(nyDate(now));
      return { result: await deps.hf.week(week), title: `Trending this week on Hugging Face (${week})` };
    }
    if (name === "month") {
      const month = monthOf(nyDate(now));
      return { result: await deps.hf.month(month), title: `Trending this month on Hugging Face (${month})` };
    }
    const { result, date } = await latestBatch();
    return { result, title: `Trending on Hugging Face — ${dayLabel(date)}` };
  }

  /**
   * /papers today|week|month: posted through the delivery pipeline so the team can vote on it (keycaps seeded);
   * when the bot cannot post there, the digest comes back as the reply instead, with the reason.
   */
  async function periodDigest(inv: CommandInvocation, name: "today" | "week" | "month"): Reply {
    const { result, title } = await periodPapers(name);
    await deps.archive.upsert(result.papers);
    const ranked = rankPapers(result.papers, { now: deps.now() });
    const teamVotes = await deps.votes.tally(
      inv.channel,
      ranked.map((r) => r.paper.id),
    );
    const fromArchive = result.stale && result.fetchedAt.getTime() === deps.now().getTime();
    const notice = fromArchive
      ? "Hugging Face cannot be reached, so these come from paperboy's archive and may be out of date."
      : result.stale
        ? `Hugging Face cannot be reached right now; these are from ${result.fetchedAt.toISOString().slice(0, 16).replace("T", " ")} UTC and may be stale.`
        : undefined;
    const options = {
      title,
      top: 5,
      layout: "compact" as const,
      moreCommand: `/papers ${name === "today" ? "week" : name}`,
      ...(notice !== undefined ? { notice } : {}),
    };
    const digest = composeDigest(ranked, { ...options, teamVotes });
    const [message] = digest.messages;
    if (message === undefined || digest.shown.length === 0 || deps.platforms.get(inv.channel.platform) === undefined) {
      return { visibility: "public", message: message ?? plainMessage(text("No papers yet.")) };
    }
    const shown = ranked.slice(0, digest.shown.length);
    const posted = await deps.deliverer.deliver(
      // One key per channel and period: asked again after it was posted, it posts a new copy; asked again after a
      // failure, it finishes the first one (reading the channel back) instead of posting twice.
      { key: `ondemand|${channelKey(inv.channel)}|${title}`, channel: inv.channel, again: true },
      () => Promise.resolve({ plan: planOf("digest", options, shown, digest.overflow), ranked: shown, teamVotes }),
    );
    return deliveryReply(posted, message, digest.shown.length);
  }

  /** What the asker is told about an on-demand digest's delivery. */
  function deliveryReply(result: DeliveryResult, message: OutboundMessage, papers: number): CommandReply {
    const range = `1️⃣–${KEYCAPS[papers - 1] ?? "🔟"}`;
    switch (result.status) {
      case "posted":
        return ephemeral(
          plainMessage(
            text(
              result.resumed
                ? `That digest was already posted but not recorded (paperboy's store failed then); it is recorded now, so votes on it count. React ${range} to vote.`
                : `Posted ${String(papers)} papers to the channel; react ${range} to vote.`,
            ),
          ),
        );
      case "unrecorded":
        return ephemeral(
          plainMessage(
            text(
              `The digest is in the channel, but paperboy's store failed while recording it (${result.error}), so votes on it do not count yet. Ask again once the store is back: paperboy will record that post rather than post a second one.`,
            ),
          ),
        );
      case "skipped":
        return ephemeral(plainMessage(text(`Not posted again: ${result.reason}.`)));
      case "rejected":
        return {
          visibility: "public",
          message: {
            fallbackText: message.fallbackText,
            blocks: [...message.blocks, { type: "context", content: [text(`Votes are off for this copy: ${result.hint}`)] }],
          },
        };
      case "retry":
      case "failed":
        return ephemeral(
          plainMessage(text(`Could not post it: ${result.status === "retry" ? result.reason : result.error}. Try again in a minute.`)),
        );
      case "empty":
        return ephemeral(plainMessage(text("No papers to post.")));
    }
  }

  async function search(inv: CommandInvocation, query: string): Reply {
    const { results, notice } = await deps.search.search(query, { limit: 5 });
    const teamVotes = await deps.votes.tally(
      inv.channel,
      results.map((r) => r.paper.id),
    );
    return ephemeral(
      composePaperList(
        results.map((r) => r.paper),
        {
          title: `Papers matching “${query}”`,
          query,
          shareButtons: true,
          teamVotes,
          ...(notice !== undefined ? { notice } : {}),
        },
      ),
    );
  }

  async function run(inv: CommandInvocation, command: Command): Reply {
    if (MANAGING_COMMANDS.has(command.name) && !inv.canManage) {
      const who = inv.managersHint ?? "channel managers";
      return ephemeral(
        plainMessage(
          text(`Sorry, only ${who} can change this channel's papers. Ask one of them, or try `),
          code("/papers settings"),
          text(" to see what is set up."),
        ),
      );
    }
    switch (command.name) {
      case "help":
        return ephemeral(deps.help(command.topic));
      case "today":
      case "week":
      case "month":
        return periodDigest(inv, command.name);
      case "search":
        return search(inv, command.query);
      case "subscribe":
        return deps.subscriptions.subscribe(inv, command.options);
      case "unsubscribe":
        return deps.subscriptions.unsubscribe(inv, command.source);
      case "settings":
        return deps.subscriptions.settings(inv);
      case "watch":
        return deps.subscriptions.watch(inv, command.topic, command.threshold);
      case "unwatch":
        return deps.subscriptions.unwatch(inv, command.topic);
      case "top":
        return deps.voteCommands.top(inv, command.period);
      case "catchup":
        return deps.voteCommands.catchup(inv, command.days);
    }
  }

  function failureReply(error: unknown, commandName: string): CommandReply {
    if (error instanceof SourceUnavailableError) {
      return ephemeral(
        plainMessage(
          text(`${error.message}. paperboy keeps working from its archive: try `),
          code("/papers <words>"),
          text(" to search what it has seen."),
        ),
      );
    }
    log.error({ err: error, command: commandName }, "command failed");
    return ephemeral(
      plainMessage(
        text("Sorry, something went wrong answering that. It has been logged; please try again in a minute."),
      ),
    );
  }

  async function share(action: ActionInvocation): Reply {
    const id = toPaperId(action.value);
    const paper = id === undefined ? undefined : ((await deps.archive.get(id)) ?? (await deps.hf.paper(id)));
    if (paper === undefined)
      return ephemeral(plainMessage(text("That paper is no longer in paperboy's archive.")));
    const teamVotes = await deps.votes.tally(action.channel, [paper.id]);
    const ranked = [{ paper, score: 0 }];
    const options = { title: "Shared paper", top: 1, layout: "cards" as const, voteEmoji: DEFAULT_VOTE_EMOJI, header: false };
    const result = await deps.deliverer.deliver(
      { key: `share|${channelKey(action.channel)}|${paper.id}`, channel: action.channel, again: true },
      () => Promise.resolve({ plan: planOf("share", options, ranked, 0), ranked, teamVotes }),
    );
    switch (result.status) {
      case "posted":
        return ephemeral(plainMessage(text(`Shared “${paper.title}” with the channel; react ${DEFAULT_VOTE_EMOJI.join(" ")} on it to vote.`)));
      case "rejected":
        return ephemeral(plainMessage(text(`Could not share it: ${result.hint}`)));
      case "skipped":
        return ephemeral(plainMessage(text("It is being shared right now.")));
      case "unrecorded":
        return ephemeral(plainMessage(text(`Shared, but paperboy's store failed while recording it (${result.error}); votes on it count once it is back and you share it again.`)));
      case "retry":
      case "failed":
      case "empty":
        return ephemeral(plainMessage(text(`Could not share it: ${"reason" in result ? result.reason : "error" in result ? result.error : "nothing to post"}. Try again in a minute.`)));
    }
  }

  return {
    async handleCommand(inv) {
      const parsed = inv.parsed ?? deps.parse(inv.text);
      const name = parsed.ok ? parsed.value.name : "usage";
      deps.metrics.command(name, inv.channel.platform);
      if (!parsed.ok) return ephemeral(deps.usage(parsed.error));
      try {
        return await run(inv, parsed.value);
      } catch (error) {
        return failureReply(error, name);
      }
    },
    async handleReaction(event, options) {
      const platform = event.message.channel.platform;
      for (let attempt = 1; ; attempt++) {
        try {
          return await deps.votes.handleReaction(event);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          if (options?.redelivery === "platform") {
            deps.metrics.voteStoreFailure(platform, "refused");
            log.error({ err: why, message: event.message.id }, "a vote could not be stored; the platform will deliver it again");
            throw error;
          }
          if (attempt >= VOTE_ATTEMPTS) {
            deps.metrics.voteStoreFailure(platform, "lost");
            log.error({ err: why, message: event.message.id, attempts: attempt }, "a vote could not be stored; giving up on it");
            throw error;
          }
          deps.metrics.voteStoreFailure(platform, "retried");
          log.error({ err: why, message: event.message.id, attempt }, "a vote could not be stored; retrying");
          await new Promise((resolve) => setTimeout(resolve, VOTE_RETRY_BASE_MS * 2 ** (attempt - 1)));
        }
      }
    },
    async handleAction(action) {
      try {
        return await share(action);
      } catch (error) {
        return failureReply(error, `action:${action.actionId}`);
      }
    },
    suggest(query, limit) {
      return Promise.resolve(deps.archive.suggest(query, limit));
    },
    home: (platform, workspace, userId) => deps.home(platform, workspace, userId),
    forgetWorkspace: (platform, workspace) => deps.forgetWorkspace(platform, workspace),
    registerPlatform(platform) {
      deps.platforms.register(platform);
    },
  };
}
