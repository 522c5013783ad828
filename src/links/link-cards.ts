// Paper cards for pasted links: `/papers <link or id>` posts the paper as a votable card with what this channel already
// knows of it; links someone posted (Slack unfurls) get the same card and are remembered as shared here.
import { toPaperCard } from "../digest/paper-card.js";
import { plainMessage, text, type OutboundMessage } from "../messages/outbound-message.js";
import type { Paper, PaperId } from "../papers/paper.js";
import { MAX_LINKS_PER_MESSAGE, paperIdOfUrl } from "../papers/paper-link.js";
import { ephemeral, type CommandReply } from "../platform/command-reply.js";
import type { CommandInvocation, LinksShared } from "../platform/events.js";
import type { PostStore } from "../votes/post-store.js";
import { createPaperLookup, type PaperLookupDeps } from "./paper-lookup.js";
import { createTeamMemory, describeMemory } from "./team-memory.js";
import type { ChannelRef } from "../platform/channel-ref.js";

export interface LinkCardsDeps extends PaperLookupDeps {
  readonly posts: Pick<PostStore, "record" | "paperHistory">;
  readonly tally: (channel: ChannelRef, ids: readonly PaperId[]) => Promise<ReadonlyMap<PaperId, number>>;
  /** Posts the paper as a votable card (the Share button's pipeline) with a line under it. */
  readonly sharePaper: (channel: ChannelRef, paper: Paper, notice: string) => Promise<CommandReply>;
  readonly timeZone: string;
  readonly now: () => Date;
}

export interface LinkCards {
  /** `/papers <arXiv id or paper link>`: the paper as a votable card in the channel, or why not. */
  command(inv: CommandInvocation, id: PaperId): Promise<CommandReply>;
  /**
   * Cards for links someone posted, keyed by the URL exactly as given (links to no paper are left out). The message is
   * remembered as a share of each paper found (kind "link", not votable: its reactions belong to its author's words).
   */
  unfurl(links: LinksShared): Promise<ReadonlyMap<string, OutboundMessage>>;
}

const missing = (id: PaperId): string =>
  `arXiv has no paper ${id}. Check the link or the id (e.g. 2406.12345 or hep-th/9901001).`;

export function createLinkCards(deps: LinkCardsDeps): LinkCards {
  const lookup = createPaperLookup(deps);
  const memory = createTeamMemory(deps);
  const line = async (channel: ChannelRef, id: PaperId): Promise<string> =>
    describeMemory(await memory(channel, id), deps.timeZone, deps.now());

  /** The unfurl: the paper's card, the channel's memory of it, and the button that posts it as a votable card. */
  function unfurlCard(paper: Paper, memory: string): OutboundMessage {
    return {
      fallbackText: `${paper.title.replace(/\s+/g, " ").trim()}\n${memory}`,
      blocks: [
        { type: "paper", slot: 1, paper: toPaperCard(paper) },
        { type: "context", content: [text(memory)] },
        {
          type: "actions",
          buttons: [{ kind: "action", actionId: "share", value: paper.id, text: "Share to channel" }],
        },
      ],
    };
  }

  return {
    async command(inv, id) {
      const found = await lookup(id);
      if (found.status === "missing") return ephemeral(plainMessage(text(missing(id))));
      return deps.sharePaper(inv.channel, found.paper, await line(inv.channel, found.paper.id));
    },

    async unfurl(links) {
      const cards = new Map<string, OutboundMessage>();
      const byPaper = new Map<PaperId, string[]>();
      for (const url of links.urls) {
        const id = paperIdOfUrl(url);
        if (id === undefined || (!byPaper.has(id) && byPaper.size >= MAX_LINKS_PER_MESSAGE)) continue;
        byPaper.set(id, [...(byPaper.get(id) ?? []), url]);
      }
      const found: PaperId[] = [];
      for (const [id, urls] of byPaper) {
        const result = await lookup(id);
        const message =
          result.status === "missing"
            ? plainMessage(text(missing(id)))
            : unfurlCard(result.paper, await line(links.channel, id));
        if (result.status === "found") found.push(id);
        for (const url of urls) cards.set(url, message);
      }
      // Remembered after the memory was read, so the card counts the shares before this one.
      if (links.message !== undefined && found.length > 0)
        await deps.posts.record({
          ref: links.message,
          slots: new Map(found.map((id, i) => [i + 1, id] as const)),
          layout: "cards",
          kind: "link",
          postedAt: deps.now(),
        });
      return cards;
    },
  };
}
