// `/papers top` and `/papers catchup`, and the channel's liked papers that boost its next digests.
import type { LeaderboardPeriod } from "./leaderboard.js";
import { toPaperCard } from "../digest/paper-card.js";
import { type MessageBlock, type OutboundMessage, text, bold } from "../messages/outbound-message.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { CommandInvocation } from "../platform/events.js";
import { CHAT_WORDS, type PlatformWords } from "../platform/platform-words.js";
import { plural } from "../messages/plural.js";
import { leaderboard, periodLabel } from "./leaderboard.js";
import type { ChannelVote } from "./vote-store.js";
import type { VoteService } from "./vote-service.js";
import type { CommandReply } from "../platform/command-reply.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Papers listed by `/papers top` and in catchup's "team voted" section. */
export const TOP_LIMIT = 10;
/** Trending papers listed by `/papers catchup`. */
export const CATCHUP_TRENDING_LIMIT = 5;
/** `/papers catchup` looks back at most this far. */
export const CATCHUP_MAX_DAYS = 90;

export interface VoteCommandsDeps {
  readonly votes: Pick<VoteService, "channelVotes" | "userVotes">;
  /** The paper archive: the papers among `ids` it knows, in the order asked. */
  readonly papers: { getMany(ids: readonly PaperId[]): readonly Paper[] | Promise<readonly Paper[]> };
  /** What trended on Hugging Face since `since` (stale: served from cache while the source is down). */
  readonly trending: (since: Date) => Promise<{ readonly papers: readonly Paper[]; readonly stale: boolean }>;
  readonly now: () => Date;
  /** The words of the channel's platform, for "No votes yet — <how to vote>" (default: a chat's). */
  readonly wordsFor?: (channel: ChannelRef) => PlatformWords;
}

export interface VoteCommands {
  /** The channel's leaderboard, posted publicly. */
  top(invocation: CommandInvocation, period: LeaderboardPeriod): Promise<CommandReply>;
  /** What the channel voted for and what trended in the last `days`, minus the asker's own votes; ephemeral. */
  catchup(invocation: CommandInvocation, days: number): Promise<CommandReply>;
  /** Papers the channel voted for in the last `days`, most votes first: the seeds of similarity boosts. */
  likedPapers(channel: ChannelRef, days: number): Promise<Paper[]>;
}

/** A paper the archive lost (or never had): still listed, by id, with its links. */
function stubPaper(id: PaperId): Paper {
  return { id, title: `arXiv:${id}`, abstract: "", aiKeywords: [], authors: [], upvotes: 0, comments: 0 };
}

function cleanTitle(paper: Paper): string {
  return paper.title.replace(/\s+/g, " ").trim();
}

export function createVoteCommands(deps: VoteCommandsDeps): VoteCommands {
  /** The papers for `ids`, in that order, with stubs for ids the archive does not know. */
  async function papersFor(ids: readonly PaperId[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const known = new Map((await deps.papers.getMany(ids)).map((p) => [p.id, p] as const));
    return ids.map((id) => known.get(id) ?? stubPaper(id));
  }

  function votedBlocks(
    entries: readonly ChannelVote[],
    papers: readonly Paper[],
    firstSlot: number,
  ): MessageBlock[] {
    return papers.map((paper, i) => ({
      type: "paper",
      slot: firstSlot + i,
      paper: toPaperCard(paper, { teamVotes: entries[i]?.votes ?? 0 }),
    }));
  }

  return {
    async top(invocation, period) {
      const entries = await leaderboard(deps.votes, invocation.channel, period, deps.now());
      const title = `Team favourites ${periodLabel(period)}`;
      if (entries.length === 0) {
        const when = period === "all" ? "" : ` ${periodLabel(period)}`;
        const words = deps.wordsFor?.(invocation.channel) ?? CHAT_WORDS;
        const line = `No votes yet${when} — ${words.howToVote}.`;
        return {
          visibility: "public",
          message: {
            fallbackText: `${title}\n${line}`,
            blocks: [
              { type: "header", text: title },
              { type: "text", content: [text(line)] },
            ],
          },
        };
      }
      const shown = entries.slice(0, TOP_LIMIT);
      const papers = await papersFor(shown.map((e) => e.paperId));
      const blocks: MessageBlock[] = [{ type: "header", text: title }, ...votedBlocks(shown, papers, 1)];
      const overflow = entries.length - shown.length;
      if (overflow > 0)
        blocks.push({ type: "context", content: [text(`+${String(overflow)} more voted papers`)] });
      const lines = papers.map(
        (p, i) => `${String(i + 1)}. ${cleanTitle(p)} (${plural(shown[i]?.votes ?? 0, "vote")})`,
      );
      const message: OutboundMessage = { fallbackText: [title, ...lines].join("\n"), blocks };
      return { visibility: "public", message };
    },

    async catchup(invocation, days) {
      const span = Math.min(CATCHUP_MAX_DAYS, Math.max(1, Math.floor(Number.isFinite(days) ? days : 7)));
      const since = new Date(deps.now().getTime() - span * DAY_MS);
      const [voted, mine] = await Promise.all([
        deps.votes.channelVotes(invocation.channel, since),
        deps.votes.userVotes(invocation.channel, invocation.userId),
      ]);
      const trending = await deps.trending(since).catch(() => undefined);

      const teamNew = voted.filter((e) => !mine.has(e.paperId)).slice(0, TOP_LIMIT);
      const skip = new Set<PaperId>([...mine, ...voted.map((e) => e.paperId)]);
      const trendingNew: Paper[] = [];
      for (const paper of trending?.papers ?? []) {
        if (trendingNew.length >= CATCHUP_TRENDING_LIMIT) break;
        if (skip.has(paper.id)) continue;
        skip.add(paper.id);
        trendingNew.push(paper);
      }

      const title = span === 1 ? "Catch up: the last day" : `Catch up: the last ${String(span)} days`;
      const blocks: MessageBlock[] = [{ type: "header", text: title }];
      const lines: string[] = [title];
      if (teamNew.length === 0 && trendingNew.length === 0) {
        const line = trending
          ? `You're all caught up: nothing new for you in the last ${plural(span, "day")}.`
          : `No new team votes in the last ${plural(span, "day")}, and Hugging Face could not be reached for trending papers.`;
        blocks.push({ type: "text", content: [text(line)] });
        return { visibility: "ephemeral", message: { fallbackText: `${title}\n${line}`, blocks } };
      }

      let slot = 1;
      if (teamNew.length > 0) {
        const papers = await papersFor(teamNew.map((e) => e.paperId));
        blocks.push(
          { type: "text", content: [bold("Your team voted for")] },
          ...votedBlocks(teamNew, papers, slot),
        );
        lines.push(
          "Your team voted for:",
          ...papers.map(
            (p, i) => `${String(slot + i)}. ${cleanTitle(p)} (${plural(teamNew[i]?.votes ?? 0, "vote")})`,
          ),
        );
        slot += papers.length;
      } else {
        blocks.push({ type: "context", content: [text("No new team votes for you to see.")] });
      }
      if (trendingNew.length > 0) {
        if (teamNew.length > 0) blocks.push({ type: "divider" });
        blocks.push({ type: "text", content: [bold("Trending on Hugging Face")] });
        if (trending?.stale) {
          blocks.push({
            type: "context",
            content: [text("Hugging Face is unreachable; these are the last trending papers fetched.")],
          });
        }
        trendingNew.forEach((paper, i) =>
          blocks.push({ type: "paper", slot: slot + i, paper: toPaperCard(paper) }),
        );
        lines.push(
          "Trending on Hugging Face:",
          ...trendingNew.map((p, i) => `${String(slot + i)}. ${cleanTitle(p)}`),
        );
      } else if (!trending) {
        blocks.push({
          type: "context",
          content: [text("Hugging Face could not be reached for trending papers.")],
        });
      }
      return { visibility: "ephemeral", message: { fallbackText: lines.join("\n"), blocks } };
    },

    async likedPapers(channel, days) {
      const since = new Date(deps.now().getTime() - Math.max(0, days) * DAY_MS);
      const voted = await deps.votes.channelVotes(channel, since);
      const known = await deps.papers.getMany(voted.map((e) => e.paperId));
      return [...known];
    },
  };
}
