// `/papers top` and `/papers catchup`: what the channel voted for, what trended, minus the asker's own votes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVoteCommands, type VoteCommands } from "../../src/votes/vote-commands.js";
import type { MessageBlock, OutboundMessage, PaperCard } from "../../src/messages/outbound-message.js";
import { createPaperArchive } from "../../src/archive/paper-archive.js";
import { toPaperId, type Paper } from "../../src/papers/paper.js";
import { channelRef, type MessageRef } from "../../src/platform/channel-ref.js";
import type { CommandInvocation } from "../../src/platform/events.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { createVoteService, type VoteService } from "../../src/votes/vote-service.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";

const DAY = 24 * 60 * 60 * 1000;
const channel = channelRef("slack", "T1", "C1");
const fixture = hfFixturePapers();
const digestPapers = fixture.slice(0, 5);
const trendingPapers = fixture.slice(3, 12); // overlaps the digest's papers 4 and 5
const digest: MessageRef = { channel, id: "1718.0001" };

const ask = (userId: string): CommandInvocation => ({ channel, userId, text: "", canManage: false });
const cards = (m: OutboundMessage): PaperCard[] =>
  m.blocks.flatMap((b: MessageBlock) => (b.type === "paper" ? [b.paper] : []));
const texts = (m: OutboundMessage): string =>
  m.blocks
    .flatMap((b) =>
      b.type === "header"
        ? [b.text]
        : b.type === "text" || b.type === "context"
          ? b.content.map((i) => i.text)
          : [],
    )
    .join("\n");

let clock: number;
let store: Store;
let votes: VoteService;
let commands: VoteCommands;
let trendingCalls: Date[];
let trending: { papers: readonly Paper[]; stale: boolean } | Error;

async function vote(userId: string, slot: number, daysAgo: number): Promise<void> {
  await votes.handleReaction({
    message: digest,
    userId,
    emoji: { kind: "keycap", number: slot },
    change: "added",
    at: new Date(clock - daysAgo * DAY),
  });
}

const openStores: Store[] = [];
async function openStore(): Promise<Store> {
  const opened = await createStore("memory://");
  openStores.push(opened);
  return opened;
}
afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

beforeEach(async () => {
  clock = Date.parse("2026-06-20T12:00:00Z");
  store = await openStore();
  votes = createVoteService({
    votes: store.votes,
    posts: store.posts,
    now: () => new Date(clock),
    log: silentLogger,
  });
  const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
  await archive.upsert(fixture);
  trendingCalls = [];
  trending = { papers: trendingPapers, stale: false };
  commands = createVoteCommands({
    votes,
    papers: archive,
    trending: (since) => {
      trendingCalls.push(since);
      return trending instanceof Error ? Promise.reject(trending) : Promise.resolve(trending);
    },
    now: () => new Date(clock),
  });
  await store.posts.record({
    ref: digest,
    slots: new Map(digestPapers.map((p, i) => [i + 1, p.id])),
    layout: "compact",
    kind: "digest",
    postedAt: new Date(clock - 30 * DAY),
  });
});

describe("/papers top", () => {
  it("posts the week's favourites publicly with vote counts, titles and links", async () => {
    await vote("U1", 2, 1);
    await vote("U2", 2, 2);
    await vote("U1", 1, 3);
    await vote("U3", 3, 10); // outside the week
    const reply = await commands.top(ask("U9"), "week");
    expect(reply.visibility).toBe("public");
    expect(reply.message.blocks[0]).toEqual({ type: "header", text: "Team favourites this week" });
    const shown = cards(reply.message);
    expect(shown.map((c) => [c.id, c.teamVotes])).toEqual([
      [digestPapers[1]!.id, 2],
      [digestPapers[0]!.id, 1],
    ]);
    expect(shown[0]!.title).toBe(digestPapers[1]!.title.replace(/\s+/g, " ").trim());
    expect(shown[0]!.links.map((l) => l.kind)).toEqual(
      expect.arrayContaining(["huggingFace", "arxiv", "pdf"]),
    );
    expect(reply.message.fallbackText).toContain("(2 votes)");
    const month = cards((await commands.top(ask("U9"), "month")).message).map((c) => c.id);
    expect(month).toEqual([digestPapers[1]!.id, digestPapers[0]!.id, digestPapers[2]!.id]);
  });

  it("says how to vote when the channel has no votes in the period", async () => {
    await vote("U1", 1, 40);
    const reply = await commands.top(ask("U1"), "week");
    expect(cards(reply.message)).toEqual([]);
    expect(texts(reply.message)).toContain(
      "No votes yet this week — react to a digest with 1️⃣…🔟 or 👍 to vote.",
    );
    expect(cards((await commands.top(ask("U1"), "all")).message)).toHaveLength(1);
  });

  it("still lists a voted paper the archive does not know, by its arXiv id", async () => {
    const own = await openStore();
    const lonely = toPaperId("2312.99999")!;
    const ref = { channel, id: "x" };
    await own.posts.record({
      ref,
      slots: new Map([[1, lonely]]),
      layout: "cards",
      kind: "share",
      postedAt: new Date(clock),
    });
    const v = createVoteService({
      votes: own.votes,
      posts: own.posts,
      now: () => new Date(clock),
      log: silentLogger,
    });
    await v.handleReaction({
      message: ref,
      userId: "U1",
      emoji: { kind: "unicode", value: "👍" },
      change: "added",
    });
    const c = createVoteCommands({
      votes: v,
      papers: { getMany: () => [] },
      trending: () => Promise.reject(new Error("down")),
      now: () => new Date(clock),
    });
    const shown = cards((await c.top(ask("U1"), "week")).message);
    expect(shown.map((p) => [p.title, p.url, p.teamVotes])).toEqual([
      ["arXiv:2312.99999", "https://huggingface.co/papers/2312.99999", 1],
    ]);
  });
});

describe("/papers catchup", () => {
  it("lists the team's recent votes and what trended, minus the asker's own votes, each once", async () => {
    await vote("U1", 1, 1);
    await vote("U2", 1, 1);
    await vote("U2", 2, 2);
    await vote("U1", 4, 3); // paper 4 also trends
    await vote("U2", 3, 9); // outside 7 days
    await vote("U3", 5, 1); // paper 5 also trends: listed once, with the team's votes
    const reply = await commands.catchup(ask("U1"), 7);
    expect(reply.visibility).toBe("ephemeral");
    expect(trendingCalls).toEqual([new Date(clock - 7 * DAY)]);
    const ids = cards(reply.message).map((c) => c.id);
    expect(ids.slice(0, 2)).toEqual([digestPapers[4]!.id, digestPapers[1]!.id]); // U1 already voted for 1 and 4
    expect(ids).not.toContain(digestPapers[0]!.id);
    expect(ids).not.toContain(digestPapers[3]!.id);
    expect(ids).not.toContain(digestPapers[2]!.id);
    const voted = new Set([digestPapers[3]!.id, digestPapers[4]!.id]);
    expect(ids.slice(2)).toEqual(
      trendingPapers
        .filter((p) => !voted.has(p.id))
        .slice(0, 5)
        .map((p) => p.id),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(texts(reply.message)).toContain("Your team voted for");
    expect(texts(reply.message)).toContain("Trending on Hugging Face");
    const slots = reply.message.blocks.flatMap((b) => (b.type === "paper" ? [b.slot] : []));
    expect(slots).toEqual(ids.map((_, i) => i + 1));
  });

  it("looks back the number of days asked", async () => {
    await vote("U2", 3, 9);
    const ids = cards((await commands.catchup(ask("U1"), 10)).message).map((c) => c.id);
    expect(ids[0]).toBe(digestPapers[2]!.id);
    expect(trendingCalls).toEqual([new Date(clock - 10 * DAY)]);
  });

  it("says the trending list is stale, or unavailable, instead of failing", async () => {
    await vote("U2", 1, 1);
    trending = { papers: trendingPapers, stale: true };
    expect(texts((await commands.catchup(ask("U1"), 7)).message)).toContain("Hugging Face is unreachable");
    trending = new Error("ECONNREFUSED");
    const reply = await commands.catchup(ask("U1"), 7);
    expect(cards(reply.message).map((c) => c.id)).toEqual([digestPapers[0]!.id]);
    expect(texts(reply.message)).toContain("could not be reached");
  });

  it("says the user is caught up when everything is already voted for", async () => {
    trending = { papers: [digestPapers[0]!], stale: false };
    await vote("U1", 1, 1);
    const reply = await commands.catchup(ask("U1"), 7);
    expect(cards(reply.message)).toEqual([]);
    expect(texts(reply.message)).toContain("You're all caught up");
  });
});

describe("liked papers", () => {
  it("returns the papers the channel voted for in the period, most votes first", async () => {
    await vote("U1", 2, 1);
    await vote("U1", 5, 2);
    await vote("U2", 5, 2);
    await vote("U3", 3, 20);
    expect((await commands.likedPapers(channel, 7)).map((p) => p.id)).toEqual([
      digestPapers[4]!.id,
      digestPapers[1]!.id,
    ]);
  });
});
