// Reaction votes: which reactions count, for which paper, and how duplicates and races settle.
import { beforeEach, describe, expect, it } from "vitest";
import { toPaperId, type PaperId } from "../../src/papers/paper.js";
import { channelRef, type MessageRef } from "../../src/platform/channel-ref.js";
import type { Emoji } from "../../src/platform/emoji.js";
import type { ReactionChanged } from "../../src/platform/events.js";
import { noopMetrics, type Metrics } from "../../src/shared/metrics.js";
import { createPostStore, type PostStore } from "../../src/votes/post-store.js";
import { createVoteService, type VoteService } from "../../src/votes/vote-service.js";
import { createMemoryNamespace } from "../fakes/memory-namespace.js";

const channel = channelRef("slack", "T1", "C1");
const other = channelRef("slack", "T1", "C2");
const ids = ["2401.00001", "2401.00002", "2401.00003", "2401.00004"].map((s) => toPaperId(s)!);
const [A, B, C, D] = ids as [PaperId, PaperId, PaperId, PaperId];

const compactMsg: MessageRef = { channel, id: "100.1" };
const cardA: MessageRef = { channel, id: "200.1" };
const cardA2: MessageRef = { channel, id: "200.2" };
const cardB: MessageRef = { channel, id: "200.3" };

const keycap = (number: number): Emoji => ({ kind: "keycap", number });
const uni = (value: string): Emoji => ({ kind: "unicode", value });

let posts: PostStore;
let service: VoteService;
let clock: number;
let counted: string[];

function reaction(message: MessageRef, userId: string, emoji: Emoji, change: "added" | "removed", extra: Partial<ReactionChanged> = {}): ReactionChanged {
  return { message, userId, emoji, change, ...extra };
}

beforeEach(async () => {
  clock = Date.parse("2026-06-12T09:00:00Z");
  counted = [];
  const metrics: Metrics = { ...noopMetrics, vote: (change, platform) => counted.push(`${change}:${platform}`) };
  posts = createPostStore(createMemoryNamespace());
  service = createVoteService({
    votes: createMemoryNamespace(),
    events: createMemoryNamespace(() => clock),
    posts,
    now: () => new Date(clock++),
    metrics,
  });
  const postedAt = new Date(clock);
  await posts.record({ ref: compactMsg, slots: new Map([[1, A], [2, B], [3, C]]) }, { layout: "compact", kind: "digest", postedAt });
  await posts.record({ ref: cardA, slots: new Map([[1, A]]) }, { layout: "cards", kind: "digest", postedAt });
  await posts.record({ ref: cardA2, slots: new Map([[1, A]]) }, { layout: "cards", kind: "share", postedAt });
  await posts.record({ ref: cardB, slots: new Map([[2, B]]) }, { layout: "cards", kind: "digest", postedAt });
});

describe("which reactions count", () => {
  it("ignores a reaction on a message paperboy did not post", async () => {
    const result = await service.handleReaction(reaction({ channel, id: "999.9" }, "U1", keycap(1), "added"));
    expect(result).toEqual({ status: "ignored", reason: "not a paperboy post" });
    expect(await service.tally(channel)).toEqual(new Map());
  });

  it("never counts a bot's reaction, such as the seeded keycaps", async () => {
    const result = await service.handleReaction(reaction(compactMsg, "B0T", keycap(1), "added", { byBot: true }));
    expect(result.status).toBe("ignored");
    expect(await service.tally(channel, [A])).toEqual(new Map([[A, 0]]));
  });

  it("counts keycap 3 on a compact digest as a vote for slot 3's paper", async () => {
    const result = await service.handleReaction(reaction(compactMsg, "U1", keycap(3), "added"));
    expect(result).toEqual({ status: "counted", paperId: C, votes: 1 });
    expect(await service.tally(channel)).toEqual(new Map([[C, 1]]));
    expect(counted).toEqual(["added:slack"]);
  });

  it("ignores a keycap beyond the compact digest's slots and a thumbs-up on it", async () => {
    expect((await service.handleReaction(reaction(compactMsg, "U1", keycap(7), "added"))).status).toBe("ignored");
    expect((await service.handleReaction(reaction(compactMsg, "U1", uni("👍"), "added"))).status).toBe("ignored");
    expect(await service.tally(channel)).toEqual(new Map());
  });

  it("ignores keycaps on a cards message and emoji outside the channel's vote list", async () => {
    expect((await service.handleReaction(reaction(cardA, "U1", keycap(1), "added"))).status).toBe("ignored");
    expect((await service.handleReaction(reaction(cardA, "U1", uni("😂"), "added"))).status).toBe("ignored");
    expect(await service.tally(channel)).toEqual(new Map());
  });

  it("counts a card's vote emoji for the card's one paper, whatever its slot number", async () => {
    expect(await service.handleReaction(reaction(cardB, "U1", uni("⬆️"), "added"))).toEqual({ status: "counted", paperId: B, votes: 1 });
  });

  it("uses the channel's own vote emoji list when one is configured", async () => {
    const custom = createVoteService({
      votes: createMemoryNamespace(),
      events: createMemoryNamespace(),
      posts,
      now: () => new Date(clock++),
      voteEmojiFor: (ch) => Promise.resolve(ch.channel === "C1" ? ["🚀"] : ["👍"]),
    });
    expect((await custom.handleReaction(reaction(cardA, "U1", uni("👍"), "added"))).status).toBe("ignored");
    expect(await custom.handleReaction(reaction(cardA, "U1", uni("🚀"), "added"))).toEqual({ status: "counted", paperId: A, votes: 1 });
  });
});

describe("one vote per person per paper per channel", () => {
  it("counts 👍 and 👍🏽, ❤ and ❤️ from one user once", async () => {
    for (const e of ["👍", "👍🏽", "❤", "❤️"]) await service.handleReaction(reaction(cardA, "U1", uni(e), "added"));
    expect(await service.tally(channel)).toEqual(new Map([[A, 1]]));
  });

  it("keeps the vote while one of two emoji stays, and drops it when both are removed", async () => {
    await service.handleReaction(reaction(cardA, "U1", uni("👍"), "added"));
    await service.handleReaction(reaction(cardA, "U1", uni("🔥"), "added"));
    expect((await service.tally(channel, [A])).get(A)).toBe(1);
    await service.handleReaction(reaction(cardA, "U1", uni("👍"), "removed"));
    expect((await service.tally(channel, [A])).get(A)).toBe(1);
    expect(await service.userVotes(channel, "U1")).toEqual(new Set([A]));
    await service.handleReaction(reaction(cardA, "U1", uni("🔥"), "removed"));
    expect((await service.tally(channel, [A])).get(A)).toBe(0);
    expect(await service.userVotes(channel, "U1")).toEqual(new Set());
    expect(counted).toEqual(["added:slack", "removed:slack"]);
  });

  it("counts one vote when the same paper is voted in a digest and in a shared card", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added"));
    await service.handleReaction(reaction(cardA, "U1", uni("👍"), "added"));
    await service.handleReaction(reaction(cardA2, "U1", uni("👍"), "added"));
    await service.handleReaction(reaction(cardA, "U2", uni("👍"), "added"));
    expect(await service.tally(channel)).toEqual(new Map([[A, 2]]));
  });

  it("counts votes per channel", async () => {
    const otherMsg: MessageRef = { channel: other, id: "1.1" };
    await posts.record({ ref: otherMsg, slots: new Map([[1, A]]) }, { layout: "cards", kind: "alert", postedAt: new Date(clock) });
    await service.handleReaction(reaction(otherMsg, "U1", uni("👍"), "added"));
    await service.handleReaction(reaction(cardA, "U1", uni("👍"), "added"));
    expect(await service.tally(other)).toEqual(new Map([[A, 1]]));
    expect(await service.tally(channel)).toEqual(new Map([[A, 1]]));
  });
});

describe("duplicates and races", () => {
  it("counts a redelivered event id once", async () => {
    const ev = reaction(compactMsg, "U1", keycap(2), "added", { eventId: "Ev1" });
    await service.handleReaction(ev);
    expect(await service.handleReaction(ev)).toEqual({ status: "ignored", reason: "duplicate event" });
    await service.handleReaction(reaction(compactMsg, "U2", keycap(2), "added", { eventId: "Ev2" }));
    expect(await service.tally(channel)).toEqual(new Map([[B, 2]]));
  });

  it("ends removed when a remove at t=2 is processed before the add at t=1", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", { at: new Date(2_000) }));
    const late = await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(1_000) }));
    expect(late.status).toBe("ignored");
    expect(await service.tally(channel)).toEqual(new Map());
    expect(await service.userVotes(channel, "U1")).toEqual(new Set());
  });

  it("ends added when an add at t=2 is processed before a remove at t=1", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(2_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", { at: new Date(1_000) }));
    expect(await service.tally(channel)).toEqual(new Map([[A, 1]]));
  });

  it("settles an add and a remove with the same timestamp as removed, in either order", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(5_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", { at: new Date(5_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "removed", { at: new Date(5_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added", { at: new Date(5_000) }));
    expect(await service.tally(channel)).toEqual(new Map());
  });

  it("does not count a removal of a vote that was never added", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed"));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added"));
    expect(await service.tally(channel)).toEqual(new Map([[A, 1]]));
  });
});

describe("reading votes", () => {
  it("lists the channel's votes by count, then by most recent vote, with an optional since", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(1_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added", { at: new Date(2_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(2), "added", { at: new Date(3_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(3), "added", { at: new Date(4_000) }));
    const all = await service.channelVotes(channel);
    expect(all.map((v) => [v.paperId, v.votes])).toEqual([[A, 2], [C, 1], [B, 1]]);
    expect(all[0]!.firstVotedAt).toEqual(new Date(1_000));
    expect(all[0]!.lastVotedAt).toEqual(new Date(2_000));
    expect((await service.channelVotes(channel, new Date(2_500))).map((v) => v.paperId)).toEqual([C, B]);
  });

  it("lists a user's votes across the workspace's channels, not other users' or workspaces'", async () => {
    const otherMsg: MessageRef = { channel: other, id: "1.1" };
    const elsewhere: MessageRef = { channel: channelRef("slack", "T2", "C1"), id: "1.1" };
    await posts.record({ ref: otherMsg, slots: new Map([[1, D]]) }, { layout: "cards", kind: "share", postedAt: new Date(clock) });
    await posts.record({ ref: elsewhere, slots: new Map([[1, B]]) }, { layout: "cards", kind: "share", postedAt: new Date(clock) });
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(1_000) }));
    await service.handleReaction(reaction(otherMsg, "U1", uni("👍"), "added", { at: new Date(2_000) }));
    await service.handleReaction(reaction(elsewhere, "U1", uni("👍"), "added", { at: new Date(3_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(3), "added", { at: new Date(4_000) }));
    const mine = await service.userVotesInWorkspace("slack", "T1", "U1");
    expect(mine.map((v) => [v.channel.channel, v.paperId])).toEqual([["C2", D], ["C1", A]]);
    expect(mine[0]!.votedAt).toEqual(new Date(2_000));
  });
});
