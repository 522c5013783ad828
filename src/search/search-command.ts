// `/papers <words>`: the best matches as a private list, each with the team's votes and a "Share to channel" button.
import { composePaperList } from "../digest/compose-digest.js";
import type { PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { CommandInvocation } from "../platform/events.js";
import { ephemeral, type CommandReply } from "../platform/command-reply.js";
import { coverageNote } from "./archive-coverage.js";
import type { PaperSearch } from "./search-papers.js";

/** How many hits a search shows. */
const SEARCH_LIMIT = 5;

export function createSearchCommand(deps: {
  readonly search: PaperSearch;
  readonly tally: (channel: ChannelRef, ids: readonly PaperId[]) => Promise<ReadonlyMap<PaperId, number>>;
  readonly now?: () => Date;
}): (inv: CommandInvocation, query: string) => Promise<CommandReply> {
  return async (inv, query) => {
    const { results, notice, coverage } = await deps.search.search(query, { limit: SEARCH_LIMIT });
    const teamVotes = await deps.tally(
      inv.channel,
      results.map((r) => r.paper.id),
    );
    return ephemeral(
      composePaperList(
        results.map((r) => ({
          paper: r.paper,
          score: r.score,
          ...(r.matched ? { matched: r.matched } : {}),
        })),
        {
          title: `Papers matching “${query}”`,
          query,
          shareButtons: true,
          teamVotes,
          ...(notice !== undefined ? { notice } : {}),
          ...(coverage !== undefined
            ? { emptyNote: coverageNote(coverage, (deps.now ?? (() => new Date()))()) }
            : {}),
        },
      ),
    );
  };
}
