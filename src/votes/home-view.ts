// The App Home view: the workspace's subscribed channels, the team's top papers this week, the viewer's own votes.
import { type Inline, type MessageBlock, type OutboundMessage, text } from "../messages/outbound-message.js";
import { plural } from "../messages/plural.js";
import type { Paper, PaperId } from "../papers/paper.js";
import { paperLinks } from "../papers/paper.js";
import type { PlatformId } from "../platform/channel-ref.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { Subscription } from "../subscriptions/subscription.js";
import { describeSource } from "../subscriptions/subscription.js";
import type { ChannelVote, UserVote } from "./vote-store.js";

export interface HomeViewDeps {
  readonly subscriptions: { all(): Promise<Subscription[]> };
  readonly votes: {
    channelVotes(channel: ChannelRef, since?: Date): Promise<ChannelVote[]>;
    userVotesInWorkspace(platform: PlatformId, workspace: string, userId: string): Promise<UserVote[]>;
  };
  readonly papers: { getMany(ids: readonly (PaperId | string)[]): Promise<readonly Paper[]> };
  readonly now: () => Date;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const channelMention = (channel: ChannelRef): Inline => ({ type: "code", text: `#${channel.channel}` });

function paperLine(paper: Paper | undefined, id: PaperId, suffix: string): MessageBlock {
  const title = paper?.title ?? id;
  return {
    type: "text",
    content: [{ type: "link", text: title, url: paperLinks({ id }).huggingFace }, text(suffix)],
  };
}

export function createHomeView(deps: HomeViewDeps) {
  return async function home(
    platform: PlatformId,
    workspace: string,
    userId: string,
  ): Promise<OutboundMessage> {
    const inWorkspace = (await deps.subscriptions.all()).filter(
      (s) => s.channel.platform === platform && s.channel.workspace === workspace,
    );
    const channels = new Map<string, ChannelRef>();
    for (const s of inWorkspace) channels.set(s.channel.channel, s.channel);

    const blocks: MessageBlock[] = [{ type: "header", text: "paperboy" }];
    blocks.push({ type: "text", content: [{ type: "bold", text: "Subscribed channels" }] });
    if (inWorkspace.length === 0) {
      blocks.push({
        type: "context",
        content: [
          text("No channel is subscribed yet: run "),
          { type: "code", text: "/papers subscribe" },
          text(" in one."),
        ],
      });
    }
    for (const s of inWorkspace) {
      const paused = s.paused !== undefined ? ` — paused: ${s.paused.reason}` : "";
      blocks.push({
        type: "text",
        content: [
          channelMention(s.channel),
          text(` ${describeSource(s.source)}, ${s.cron} ${s.timezone}${paused}`),
        ],
      });
    }

    const since = new Date(deps.now().getTime() - WEEK_MS);
    const totals = new Map<PaperId, number>();
    for (const channel of channels.values())
      for (const v of await deps.votes.channelVotes(channel, since))
        totals.set(v.paperId, (totals.get(v.paperId) ?? 0) + v.votes);
    const top = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    blocks.push(
      { type: "divider" },
      { type: "text", content: [{ type: "bold", text: "Team favourites this week" }] },
    );
    if (top.length === 0) blocks.push({ type: "context", content: [text("No votes yet this week.")] });
    const topPapers = new Map((await deps.papers.getMany(top.map(([id]) => id))).map((p) => [p.id, p]));
    for (const [id, votes] of top)
      blocks.push(paperLine(topPapers.get(id), id, ` — ${plural(votes, "vote")}`));

    const mine = (await deps.votes.userVotesInWorkspace(platform, workspace, userId)).slice(0, 15);
    blocks.push({ type: "divider" }, { type: "text", content: [{ type: "bold", text: "Your votes" }] });
    if (mine.length === 0)
      blocks.push({ type: "context", content: [text("You have not voted yet: react to a digest to vote.")] });
    const minePapers = new Map((await deps.papers.getMany(mine.map((v) => v.paperId))).map((p) => [p.id, p]));
    for (const v of mine)
      blocks.push(paperLine(minePapers.get(v.paperId), v.paperId, ` — in #${v.channel.channel}`));

    return { fallbackText: "paperboy: subscriptions, team favourites and your votes", blocks };
  };
}
