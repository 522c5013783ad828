// The leaderboard's periods: a rolling week, a rolling month, or all time, by the injected clock.
import { afterEach, describe, expect, it } from "vitest";
import { toPaperId, type PaperId } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { leaderboard, periodStart } from "../../src/votes/leaderboard.js";
import { createVoteService } from "../../src/votes/vote-service.js";

const channel = channelRef("discord", "G1", "CH1");
const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-06-30T12:00:00Z");
const [recent, lastMonth, ancient] = ["2406.00001", "2406.00002", "2406.00003"].map((s) => toPaperId(s)!) as [
  PaperId,
  PaperId,
  PaperId,
];

const openStores: Store[] = [];
afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
});

async function seeded() {
  const store = await createStore("memory://");
  openStores.push(store);
  const votes = createVoteService({
    votes: store.votes,
    posts: store.posts,
    now: () => now,
    log: silentLogger,
  });
  const ref = { channel, id: "m1" };
  await store.posts.record({
    ref,
    slots: new Map([
      [1, recent],
      [2, lastMonth],
      [3, ancient],
    ]),
    layout: "compact",
    kind: "digest",
    postedAt: new Date(0),
  });
  const vote = (user: string, slot: number, daysAgo: number) =>
    votes.handleReaction({
      message: ref,
      userId: user,
      emoji: { kind: "keycap", number: slot },
      change: "added",
      at: new Date(now.getTime() - daysAgo * DAY),
    });
  await vote("U1", 1, 2);
  await vote("U1", 2, 20);
  await vote("U2", 2, 25);
  await vote("U1", 3, 90);
  await vote("U2", 3, 95);
  await vote("U3", 3, 100);
  return votes;
}

describe("leaderboard", () => {
  it("starts a week 7 days and a month 30 days before now; all time has no start", () => {
    expect(periodStart("week", now)).toEqual(new Date(now.getTime() - 7 * DAY));
    expect(periodStart("month", now)).toEqual(new Date(now.getTime() - 30 * DAY));
    expect(periodStart("all", now)).toBeUndefined();
  });

  it("keeps papers whose last vote falls in the period, most votes first", async () => {
    const votes = await seeded();
    const ids = async (period: "week" | "month" | "all") =>
      (await leaderboard(votes, channel, period, now)).map((e) => [e.paperId, e.votes]);
    expect(await ids("week")).toEqual([[recent, 1]]);
    expect(await ids("month")).toEqual([
      [lastMonth, 2],
      [recent, 1],
    ]);
    expect(await ids("all")).toEqual([
      [ancient, 3],
      [lastMonth, 2],
      [recent, 1],
    ]);
  });
});
