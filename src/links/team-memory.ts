// "The team's memory" of one paper in one channel: how often it was shared here, its team votes, the digests it was in.
import type { PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { PostKind, PostStore } from "../votes/post-store.js";

/** What a channel already knows about a paper, before the message being answered. */
export interface TeamMemory {
  /** Shares, unfurled links and alerts of the paper in this channel. */
  readonly shares: number;
  readonly firstShared?: Date;
  readonly votes: number;
  /** How many digests of this channel showed it, and the dates of the newest few (newest first). */
  readonly digests: number;
  readonly digestDates: readonly Date[];
}

/** Kinds of post that put the paper in front of the channel on its own (a digest lists it among others). */
const SHARE_KINDS: ReadonlySet<PostKind> = new Set(["share", "link", "alert", "search"]);
const DIGEST_DATES_SHOWN = 3;

export function createTeamMemory(deps: {
  readonly posts: Pick<PostStore, "paperHistory">;
  readonly tally: (channel: ChannelRef, ids: readonly PaperId[]) => Promise<ReadonlyMap<PaperId, number>>;
}): (channel: ChannelRef, id: PaperId) => Promise<TeamMemory> {
  return async (channel, id) => {
    const [history, tallies] = await Promise.all([
      deps.posts.paperHistory(channel, id, DIGEST_DATES_SHOWN),
      deps.tally(channel, [id]),
    ]);
    const shared = history.filter((h) => SHARE_KINDS.has(h.kind));
    const digest = history.find((h) => h.kind === "digest");
    const firstShared = shared.reduce<Date | undefined>(
      (first, h) => (first === undefined || h.first < first ? h.first : first),
      undefined,
    );
    return {
      shares: shared.reduce((n, h) => n + h.count, 0),
      ...(firstShared !== undefined ? { firstShared } : {}),
      votes: tallies.get(id) ?? 0,
      digests: digest?.count ?? 0,
      digestDates: digest?.recent ?? [],
    };
  };
}

/** "12 Jun" in the team's time zone; "12 Jun 2025" when not this year. */
function day(date: Date, timeZone: string, now: Date): string {
  const year = (d: Date) => new Intl.DateTimeFormat("en-GB", { year: "numeric", timeZone }).format(d);
  const sameYear = year(date) === year(now);
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    ...(sameYear ? {} : { year: "numeric" }),
    timeZone,
  }).format(date);
}

const times = (n: number, one: string, many: string): string => `${String(n)} ${n === 1 ? one : many}`;

/** "a, b and c" */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

/**
 * One line for the card: "This channel: shared 3 times before, first on 12 Jun · 4 team votes · in the digest of
 * 12 Jun" — or "New to this channel." when it knows nothing of the paper.
 */
export function describeMemory(memory: TeamMemory, timeZone: string, now: Date): string {
  const parts: string[] = [];
  if (memory.shares > 0) {
    const first = memory.firstShared ? `, first on ${day(memory.firstShared, timeZone, now)}` : "";
    parts.push(
      `shared ${memory.shares === 1 ? "once" : times(memory.shares, "time", "times")} before${first}`,
    );
  }
  if (memory.votes > 0) parts.push(times(memory.votes, "team vote", "team votes"));
  if (memory.digests > 0) {
    const dates = [...memory.digestDates].reverse().map((d) => day(d, timeZone, now));
    parts.push(
      memory.digests <= dates.length
        ? `in the ${memory.digests === 1 ? "digest" : "digests"} of ${listOf(dates)}`
        : `in ${String(memory.digests)} digests, the latest on ${dates.at(-1) ?? ""}`,
    );
  }
  return parts.length === 0 ? "New to this channel." : `This channel: ${parts.join(" · ")}.`;
}
