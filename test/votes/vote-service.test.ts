// Reaction votes: which reactions count, for which paper, how duplicates and races settle, and reactions held for a post.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toPaperId, type PaperId } from "../../src/papers/paper.js";
import { channelRef, type ChannelRef, type MessageRef } from "../../src/platform/channel-ref.js";
import type { Emoji } from "../../src/platform/emoji.js";
import type { ReactionChanged } from "../../src/platform/events.js";
import { silentLogger } from "../../src/ops/logger.js";
import { noopMetrics, type Metrics } from "../../src/ops/metrics.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import type { PostRecord } from "../../src/votes/post-store.js";
import { createVoteService, HOLD_MS, MAX_HELD, type VoteService } from "../../src/votes/vote-service.js";

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

let store: Store;
let service: VoteService;
let clock: number;
let counted: string[];
const services: VoteService[] = [];

function reaction(
  message: MessageRef,
  userId: string,
  emoji: Emoji,
  change: "added" | "removed",
  extra: Partial<ReactionChanged> = {},
): ReactionChanged {
  return { message, userId, emoji, change, ...extra };
}

function post(
  ref: MessageRef,
  slots: [number, PaperId][],
  layout: PostRecord["layout"],
  kind: PostRecord["kind"],
): PostRecord {
  return { ref, slots: new Map(slots), layout, kind, postedAt: new Date(clock) };
}

/** paper → votes for every paper with a vote in the channel (an empty map: nothing counted). */
async function votesIn(ch: ChannelRef): Promise<Map<PaperId, number>> {
  return new Map((await service.channelVotes(ch)).map((v) => [v.paperId, v.votes]));
}

function serviceWith(over: Partial<Parameters<typeof createVoteService>[0]> = {}): VoteService {
  const metrics: Metrics = {
    ...noopMetrics,
    vote: (change, platform) => counted.push(`${change}:${platform}`),
  };
  const created = createVoteService({
    votes: store.votes,
    posts: store.posts,
    now: () => new Date(clock++),
    log: silentLogger,
    metrics,
    ...over,
  });
  services.push(created);
  return created;
}

beforeEach(async () => {
  clock = Date.parse("2026-06-12T09:00:00Z");
  counted = [];
  store = await createStore("memory://");
  service = serviceWith();
  await store.posts.record(
    post(
      compactMsg,
      [
        [1, A],
        [2, B],
        [3, C],
      ],
      "compact",
      "digest",
    ),
  );
  await store.posts.record(post(cardA, [[1, A]], "cards", "digest"));
  await store.posts.record(post(cardA2, [[1, A]], "cards", "share"));
  await store.posts.record(post(cardB, [[2, B]], "cards", "digest"));
});

afterEach(async () => {
  for (const s of services.splice(0)) s.close();
  await store.close();
});

describe("which reactions count", () => {
  it("never counts a bot's reaction, such as the seeded keycaps", async () => {
    const result = await service.handleReaction(
      reaction(compactMsg, "B0T", keycap(1), "added", { byBot: true }),
    );
    expect(result.status).toBe("ignored");
    expect(await service.tally(channel, [A])).toEqual(new Map([[A, 0]]));
  });

  it("counts keycap 3 on a compact digest as a vote for slot 3's paper", async () => {
    const result = await service.handleReaction(reaction(compactMsg, "U1", keycap(3), "added"));
    expect(result).toEqual({ status: "counted", paperId: C, votes: 1, changed: true, voted: true });
    expect(await votesIn(channel)).toEqual(new Map([[C, 1]]));
    expect(counted).toEqual(["added:slack"]);
  });

  it("ignores a keycap beyond the compact digest's slots and a thumbs-up on it", async () => {
    expect((await service.handleReaction(reaction(compactMsg, "U1", keycap(7), "added"))).status).toBe(
      "ignored",
    );
    expect((await service.handleReaction(reaction(compactMsg, "U1", uni("👍"), "added"))).status).toBe(
      "ignored",
    );
    expect(await votesIn(channel)).toEqual(new Map());
  });

  it("ignores keycaps on a cards message and emoji outside the channel's vote list", async () => {
    expect((await service.handleReaction(reaction(cardA, "U1", keycap(1), "added"))).status).toBe("ignored");
    expect((await service.handleReaction(reaction(cardA, "U1", uni("😂"), "added"))).status).toBe("ignored");
    expect(await votesIn(channel)).toEqual(new Map());
  });

  it("counts a card's vote emoji for the card's one paper, whatever its slot number", async () => {
    expect(await service.handleReaction(reaction(cardB, "U1", uni("⬆️"), "added"))).toEqual({
      status: "counted",
      paperId: B,
      votes: 1,
      changed: true,
      voted: true,
    });
  });

  it("uses the channel's own vote emoji list when one is configured", async () => {
    const custom = serviceWith({
      voteEmojiFor: (ch) => Promise.resolve(ch.channel === "C1" ? ["🚀"] : ["👍"]),
    });
    expect((await custom.handleReaction(reaction(cardA, "U1", uni("👍"), "added"))).status).toBe("ignored");
    expect(await custom.handleReaction(reaction(cardA, "U1", uni("🚀"), "added"))).toEqual({
      status: "counted",
      paperId: A,
      votes: 1,
      changed: true,
      voted: true,
    });
  });
});

describe("one vote per person per paper per channel", () => {
  it("counts 👍 and 👍🏽, ❤ and ❤️ from one user once", async () => {
    for (const e of ["👍", "👍🏽", "❤", "❤️"])
      await service.handleReaction(reaction(cardA, "U1", uni(e), "added"));
    expect(await votesIn(channel)).toEqual(new Map([[A, 1]]));
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
    expect(await votesIn(channel)).toEqual(new Map([[A, 2]]));
  });

  it("counts votes per channel", async () => {
    const otherMsg: MessageRef = { channel: other, id: "1.1" };
    await store.posts.record(post(otherMsg, [[1, A]], "cards", "alert"));
    await service.handleReaction(reaction(otherMsg, "U1", uni("👍"), "added"));
    await service.handleReaction(reaction(cardA, "U1", uni("👍"), "added"));
    expect(await votesIn(other)).toEqual(new Map([[A, 1]]));
    expect(await votesIn(channel)).toEqual(new Map([[A, 1]]));
  });
});

describe("duplicates and races", () => {
  it("counts a redelivered event id once", async () => {
    const ev = reaction(compactMsg, "U1", keycap(2), "added", { eventId: "Ev1" });
    await service.handleReaction(ev);
    expect(await service.handleReaction(ev)).toEqual({ status: "ignored", reason: "duplicate event" });
    await service.handleReaction(reaction(compactMsg, "U2", keycap(2), "added", { eventId: "Ev2" }));
    expect(await votesIn(channel)).toEqual(new Map([[B, 2]]));
  });

  it("ends removed when a remove at t=2 is processed before the add at t=1", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", { at: new Date(2_000) }));
    const late = await service.handleReaction(
      reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(1_000) }),
    );
    expect(late.status).toBe("ignored");
    expect(await votesIn(channel)).toEqual(new Map());
    expect(await service.userVotes(channel, "U1")).toEqual(new Set());
  });

  it("ends added when an add at t=2 is processed before a remove at t=1", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(2_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", { at: new Date(1_000) }));
    expect(await votesIn(channel)).toEqual(new Map([[A, 1]]));
  });

  it("settles an add and a remove with the same timestamp as removed, in either order", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(5_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", { at: new Date(5_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "removed", { at: new Date(5_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added", { at: new Date(5_000) }));
    expect(await votesIn(channel)).toEqual(new Map());
  });

  it("does not count a removal of a vote that was never added", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed"));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added"));
    expect(await votesIn(channel)).toEqual(new Map([[A, 1]]));
  });

  it("says whether the user's vote flipped and whether it stands: repeated, never cast, or kept by another post", async () => {
    const at = (ms: number) => ({ at: new Date(ms) });
    const first = await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", at(1)));
    expect(first).toMatchObject({ paperId: A, changed: true, voted: true });
    const again = await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", at(2)));
    expect(again).toMatchObject({ paperId: A, changed: false, voted: true, votes: 1 });
    // Nothing to take back: U1 never voted for slot 2.
    const never = await service.handleReaction(reaction(compactMsg, "U1", keycap(2), "removed", at(3)));
    expect(never).toMatchObject({ paperId: B, changed: false, voted: false, votes: 0 });
    // Paper A also voted on its card: taking back the digest's keycap leaves the vote standing.
    await service.handleReaction(reaction(cardA, "U1", uni("👍"), "added", at(4)));
    const kept = await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "removed", at(5)));
    expect(kept).toMatchObject({ paperId: A, changed: false, voted: true, votes: 1 });
    const gone = await service.handleReaction(reaction(cardA, "U1", uni("👍"), "removed", at(6)));
    expect(gone).toMatchObject({ paperId: A, changed: true, voted: false, votes: 0 });
  });
});

describe("reading votes", () => {
  it("lists the channel's votes by count, then by most recent vote, with an optional since", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(1_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added", { at: new Date(2_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(2), "added", { at: new Date(3_000) }));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(3), "added", { at: new Date(4_000) }));
    const all = await service.channelVotes(channel);
    expect(all.map((v) => [v.paperId, v.votes])).toEqual([
      [A, 2],
      [C, 1],
      [B, 1],
    ]);
    expect(all[0]!.firstVotedAt).toEqual(new Date(1_000));
    expect(all[0]!.lastVotedAt).toEqual(new Date(2_000));
    expect((await service.channelVotes(channel, new Date(2_500))).map((v) => v.paperId)).toEqual([C, B]);
  });

  it("lists a user's votes across the workspace's channels, not other users' or workspaces'", async () => {
    const otherMsg: MessageRef = { channel: other, id: "1.1" };
    const elsewhere: MessageRef = { channel: channelRef("slack", "T2", "C1"), id: "1.1" };
    await store.posts.record(post(otherMsg, [[1, D]], "cards", "share"));
    await store.posts.record(post(elsewhere, [[1, B]], "cards", "share"));
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added", { at: new Date(1_000) }));
    await service.handleReaction(reaction(otherMsg, "U1", uni("👍"), "added", { at: new Date(2_000) }));
    await service.handleReaction(reaction(elsewhere, "U1", uni("👍"), "added", { at: new Date(3_000) }));
    await service.handleReaction(reaction(compactMsg, "U2", keycap(3), "added", { at: new Date(4_000) }));
    const mine = await service.userVotesInWorkspace("slack", "T1", "U1");
    expect(mine.map((v) => [v.channel.channel, v.paperId])).toEqual([
      ["C2", D],
      ["C1", A],
    ]);
    expect(mine[0]!.votedAt).toEqual(new Date(2_000));
  });
});

describe("a reaction on a message not (yet) recorded", () => {
  const early: MessageRef = { channel, id: "300.1" };
  const recheck = { timeout: 3_000, interval: 50 };

  it("GIVEN a keycap on a digest whose post is not recorded yet THEN it is held, and counts once the post is recorded", async () => {
    const result = await service.handleReaction(reaction(early, "U1", keycap(2), "added"));
    expect(result.status).toBe("held");
    expect(service.held()).toBe(1);
    expect(await votesIn(channel)).toEqual(new Map());

    await store.posts.record(
      post(
        early,
        [
          [1, A],
          [2, D],
        ],
        "compact",
        "digest",
      ),
    );
    service.recorded(early);
    // Well before the 1 s recheck: recorded() applies it at once.
    await vi.waitFor(
      async () => {
        expect(await votesIn(channel)).toEqual(new Map([[D, 1]]));
      },
      { timeout: 500, interval: 10 },
    );
    expect(service.held()).toBe(0);
    expect(counted).toEqual(["added:slack"]);
  });

  it("GIVEN a held reaction and its post recorded by another replica (no recorded() here) THEN the 1 s recheck counts it", async () => {
    expect((await service.handleReaction(reaction(early, "U1", uni("👍"), "added"))).status).toBe("held");
    expect((await service.handleReaction(reaction(early, "U2", uni("🔥"), "added"))).status).toBe("held");
    // The other replica posted the message: it records the post and tells its own vote service, not this one.
    const replica = serviceWith();
    await store.posts.record(post(early, [[1, B]], "cards", "share"));
    replica.recorded(early);
    expect(service.held()).toBe(2);
    await vi.waitFor(() => {
      expect(service.held()).toBe(0);
    }, recheck);
    expect(await votesIn(channel)).toEqual(new Map([[B, 2]]));
  });

  it("GIVEN a held reaction whose post never comes THEN it is dropped after 60 s and a later record does not count it", async () => {
    expect((await service.handleReaction(reaction(early, "U1", keycap(1), "added"))).status).toBe("held");
    clock += HOLD_MS - 5_000;
    await new Promise((done) => setTimeout(done, 1_200)); // one recheck: not yet expired
    expect(service.held()).toBe(1);
    clock += 10_000;
    await vi.waitFor(() => {
      expect(service.held()).toBe(0);
    }, recheck);
    await store.posts.record(post(early, [[1, A]], "compact", "digest"));
    service.recorded(early);
    await new Promise((done) => setTimeout(done, 50));
    expect(await votesIn(channel)).toEqual(new Map());
    expect(counted).toEqual([]);
  });

  it("GIVEN 10,000 reactions already held THEN the next one is ignored instead of held", async () => {
    const many = Array.from({ length: MAX_HELD }, (_, i) =>
      reaction({ channel, id: `held-${String(i)}` }, "U1", keycap(1), "added"),
    );
    for (const event of many) await service.handleReaction(event);
    expect(service.held()).toBe(MAX_HELD);
    const next = await service.handleReaction(reaction(early, "U1", keycap(1), "added"));
    expect(next.status).toBe("ignored");
    expect(service.held()).toBe(MAX_HELD);
  });
});

describe("a store that fails", () => {
  it("GIVEN the store is closed THEN handleReaction rejects instead of reporting the vote as counted", async () => {
    await service.handleReaction(reaction(compactMsg, "U1", keycap(1), "added"));
    await store.close();
    await expect(service.handleReaction(reaction(compactMsg, "U2", keycap(1), "added"))).rejects.toThrow();
    await expect(
      service.handleReaction(reaction({ channel, id: "999.9" }, "U2", keycap(1), "added")),
    ).rejects.toThrow();
    expect(service.held()).toBe(0);
    expect(counted).toEqual(["added:slack"]);
  });
});
