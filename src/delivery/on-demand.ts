// Posts asked for in a channel — `/papers today|week|month` and "Share to channel" — through the one delivery
// pipeline, so they are votable, recorded once and never doubled; and what the asker is told about each outcome.
import { composeDigest } from "../digest/compose-digest.js";
import type { ComposeOptions, RankedPaper } from "../digest/digest-types.js";
import {
  fetchPeriod,
  latestBatchDate,
  periodEmptyText,
  periodMoreLinks,
  periodTitle,
  type Period,
  type PeriodPapers,
} from "../digest/period.js";
import { rankPapers } from "../digest/rank-papers.js";
import { plainMessage, text, type OutboundMessage } from "../messages/outbound-message.js";
import { toPaperId, type Paper, type PaperId } from "../papers/paper.js";
import { channelKey, type ChannelRef, type PlatformId } from "../platform/channel-ref.js";
import type { ChatPlatform } from "../platform/chat-platform.js";
import { DEFAULT_VOTE_EMOJI } from "../platform/emoji.js";
import { wordsOf, type PlatformWords } from "../platform/platform-words.js";
import type { ActionInvocation, CommandInvocation } from "../platform/events.js";
import { ephemeral, type CommandReply } from "../platform/command-reply.js";
import { isoWeek, monthOf, nyDate } from "../sources/ny-date.js";
import { SourceUnavailableError, type HuggingFaceSource } from "../sources/paper-source.js";
import { planOf, type Deliverer, type DeliveryResult } from "./delivery.js";

export type PeriodName = "today" | "week" | "month";

export interface OnDemandDeps {
  readonly hf: Pick<HuggingFaceSource, "daily" | "week" | "month" | "paper">;
  readonly archive: {
    get(id: PaperId): Promise<Paper | undefined>;
    /** The newest batch's papers, most upvoted first (stand-ins when Hugging Face is down). */
    newest(limit: number): Promise<readonly Paper[]>;
    upsert(papers: readonly Paper[]): Promise<void>;
  };
  readonly tally: (channel: ChannelRef, ids: readonly PaperId[]) => Promise<ReadonlyMap<PaperId, number>>;
  readonly deliverer: Pick<Deliverer, "deliver">;
  readonly platform: (id: PlatformId) => ChatPlatform | undefined;
  readonly now: () => Date;
}

export interface OnDemand {
  /** `/papers today|week|month`: posted so the team can vote; where the bot cannot post, the digest is the reply. */
  periodDigest(inv: CommandInvocation, name: PeriodName): Promise<CommandReply>;
  /** "Share to channel" on a search hit: the paper as a votable card. */
  share(action: ActionInvocation): Promise<CommandReply>;
  /** Posts one paper as a votable card (a share) with `notice` under it; what the sharer is told. */
  sharePaper(channel: ChannelRef, paper: Paper, notice?: string): Promise<CommandReply>;
}

/** How many archived papers stand in for a period when Hugging Face is down. */
const ARCHIVE_FALLBACK_PAPERS = 30;
const DIGEST_TOP = 5;

const say = (message: string): CommandReply => ephemeral(plainMessage(text(message)));

/** Why a delivery did not post, for "Could not …: <why>. Try again in a minute." */
function whyNot(result: Extract<DeliveryResult, { status: "retry" | "failed" | "empty" }>): string {
  switch (result.status) {
    case "retry":
      return result.reason;
    case "failed":
      return result.error;
    case "empty":
      return "nothing to post";
  }
}

export function createOnDemand(deps: OnDemandDeps): OnDemand {
  async function sharePaper(channel: ChannelRef, paper: Paper, notice?: string): Promise<CommandReply> {
    const teamVotes = await deps.tally(channel, [paper.id]);
    const ranked: RankedPaper[] = [{ paper, score: 0 }];
    const options: ComposeOptions = {
      title: "Shared paper",
      top: 1,
      layout: "cards",
      voteEmoji: DEFAULT_VOTE_EMOJI,
      header: false,
      ...(notice !== undefined ? { notice } : {}),
    };
    const result = await deps.deliverer.deliver(
      { key: `share|${channelKey(channel)}|${paper.id}`, channel, again: true },
      () => Promise.resolve({ plan: planOf("share", options, ranked, 0), ranked, teamVotes }),
    );
    return shareReply(result, paper, wordsOf(deps.platform(channel.platform)));
  }

  async function periodOf(name: PeriodName): Promise<Period> {
    const today = nyDate(deps.now());
    if (name === "week") return { kind: "weekly", week: isoWeek(today) };
    if (name === "month") return { kind: "monthly", month: monthOf(today) };
    return { kind: "daily", dates: [await latestBatchDate(deps.hf, deps.now())] };
  }

  /**
   * The period's papers; when Hugging Face is down and nothing is cached, the newest papers paperboy has archived
   * stand in, with a title naming the URL it could not reach (an empty archive leaves the error to the caller).
   */
  async function papersFor(
    name: PeriodName,
  ): Promise<{ fetched: PeriodPapers; title: string; period?: Period; fromArchive: boolean }> {
    try {
      const period = await periodOf(name);
      return {
        fetched: await fetchPeriod(deps.hf, period),
        title: periodTitle(period),
        period,
        fromArchive: false,
      };
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      const newest = await deps.archive.newest(ARCHIVE_FALLBACK_PAPERS);
      if (newest.length === 0) throw error;
      const fetched = { papers: newest, stale: true, fetchedAt: deps.now() };
      return {
        fetched,
        title: `${error.message} — the newest papers in paperboy's archive`,
        fromArchive: true,
      };
    }
  }

  return {
    async periodDigest(inv, name) {
      const words = wordsOf(deps.platform(inv.channel.platform));
      const { fetched, title, period, fromArchive } = await papersFor(name);
      await deps.archive.upsert(fetched.papers);
      const ranked = rankPapers(fetched.papers, { now: deps.now() });
      const teamVotes = await deps.tally(
        inv.channel,
        ranked.map((r) => r.paper.id),
      );
      const notice = fromArchive
        ? "Hugging Face cannot be reached, so these come from paperboy's archive and may be out of date."
        : fetched.stale
          ? `Hugging Face cannot be reached right now; these are from ${fetched.fetchedAt.toISOString().slice(0, 16).replace("T", " ")} UTC and may be stale.`
          : undefined;
      const options: ComposeOptions = {
        title,
        top: DIGEST_TOP,
        layout: "compact",
        ...(period ? { moreLinks: periodMoreLinks(period), empty: periodEmptyText(period, true) } : {}),
        ...(notice !== undefined ? { notice } : {}),
      };
      const digest = composeDigest(ranked, { ...options, teamVotes }, words);
      const [message] = digest.messages;
      if (
        message === undefined ||
        digest.shown.length === 0 ||
        deps.platform(inv.channel.platform) === undefined
      ) {
        return { visibility: "public", message: message ?? plainMessage(text("No papers yet.")) };
      }
      const shown = ranked.slice(0, digest.shown.length);
      const result = await deps.deliverer.deliver(
        // One key per channel and period: asked again after it was posted, it posts a new copy; asked again after a
        // failure, it finishes the first one (reading the channel back) instead of posting twice.
        { key: `ondemand|${channelKey(inv.channel)}|${title}`, channel: inv.channel, again: true },
        () =>
          Promise.resolve({
            plan: planOf("digest", options, shown, digest.overflow),
            ranked: shown,
            teamVotes,
          }),
      );
      return digestReply(result, message, digest.shown.length, words);
    },

    sharePaper,

    async share(action) {
      const id = toPaperId(action.value);
      const paper =
        id === undefined ? undefined : ((await deps.archive.get(id)) ?? (await deps.hf.paper(id)));
      if (paper === undefined) return say("That paper is no longer in paperboy's archive.");
      return sharePaper(action.channel, paper);
    },
  };
}

/** What the sharer is told about a shared card's delivery. */
function shareReply(result: DeliveryResult, paper: Paper, words: PlatformWords): CommandReply {
  switch (result.status) {
    case "posted":
      return say(words.shared(paper.title.replace(/\s+/g, " ").trim(), DEFAULT_VOTE_EMOJI));
    case "rejected":
      return say(`Could not share it: ${result.hint}`);
    case "skipped":
      return say("It is being shared right now.");
    case "unrecorded":
      return say(
        `Shared, but paperboy's store failed while recording it (${result.error}); votes on it count once it is back and you share it again.`,
      );
    case "retry":
    case "failed":
    case "empty":
      return say(`Could not share it: ${whyNot(result)}. Try again in a minute.`);
  }
}

/** What the asker is told about an on-demand digest's delivery. */
function digestReply(
  result: DeliveryResult,
  message: OutboundMessage,
  papers: number,
  words: PlatformWords,
): CommandReply {
  switch (result.status) {
    case "posted":
      return say(
        result.resumed
          ? `That digest was already posted but not recorded (paperboy's store failed then); it is recorded now, so votes on it count. ${words.slotsHint(papers)}`
          : words.posted(papers),
      );
    case "unrecorded":
      return say(
        `The digest is in the channel, but paperboy's store failed while recording it (${result.error}), so votes on it do not count yet. Ask again once the store is back: paperboy will record that post rather than post a second one.`,
      );
    case "skipped":
      return say(`Not posted again: ${result.reason}.`);
    case "rejected":
      return {
        visibility: "public",
        message: {
          fallbackText: message.fallbackText,
          blocks: [
            ...message.blocks,
            { type: "context", content: [text(`Votes are off for this copy: ${result.hint}`)] },
          ],
        },
      };
    case "empty":
      return say("No papers to post.");
    case "retry":
    case "failed":
      return say(`Could not post it: ${whyNot(result)}. Try again in a minute.`);
  }
}
