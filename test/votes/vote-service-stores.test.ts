// Votes on real stores: exact tallies under 2,000 concurrent duplicated deliveries, votes surviving a restart, a closed store refusing.
import { randomUUID } from "node:crypto";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toPaperId, type PaperId } from "../../src/papers/paper.js";
import { channelRef, type MessageRef } from "../../src/platform/channel-ref.js";
import type { Emoji } from "../../src/platform/emoji.js";
import type { ReactionChanged } from "../../src/platform/events.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { createVoteService } from "../../src/votes/vote-service.js";
import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";

// SQLite syncs every write to disk (~20 ms each on a plain disk); a RAM-backed /dev/shm, where there is
// one, keeps the 2,000-delivery test in seconds without changing what it checks.
function scratchRoot(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}
const dir = mkdtempSync(join(scratchRoot(), "paperboy-votes-"));
// Redis runs only when a redis-server answers (REDIS_URL, else 127.0.0.1:6379); otherwise those cases are skipped.
const redisReachable = await probeRedis("Redis vote tests");
const runPrefix = `paperboy-test-votes-${randomUUID()}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (redisReachable) {
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(runPrefix);
    admin.close();
  }
});

const channel = channelRef("discord", "G1", "CH1");
const papers = Array.from({ length: 10 }, (_, i) => toPaperId(`2406.${String(10_000 + i)}`)!);
const digest: MessageRef = { channel, id: "digest-1" };
const cards: MessageRef[] = papers.map((_, i) => ({ channel, id: `card-${String(i)}` }));

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

interface Logical {
  readonly event: ReactionChanged;
  readonly paper: PaperId;
  /** The reaction's identity for the model: the same emoji (after normalisation) on the same message. */
  readonly mark: string;
}

/**
 * 1,000 logical events: 100 users × 10 each, every user working on 3 of the 10 papers through three
 * ways to vote (keycap on the digest, 👍/👍🏽 or 🔥 on the paper's card), adds and removes mixed.
 */
function scenario(seed: number, withEventIds: boolean): Logical[] {
  const random = rng(seed);
  const events: Logical[] = [];
  let at = Date.parse("2026-06-12T10:00:00Z");
  for (let u = 0; u < 100; u++) {
    const mine = shuffle([...papers.keys()], random).slice(0, 3);
    for (let k = 0; k < 10; k++) {
      const slot = mine[Math.floor(random() * 3)]!;
      const via = Math.floor(random() * 4);
      const emoji: Emoji =
        via === 0
          ? { kind: "keycap", number: slot + 1 }
          : { kind: "unicode", value: ["👍", "👍🏽", "🔥"][via - 1]! };
      const message = via === 0 ? digest : cards[slot]!;
      const mark = `${via === 0 ? "k" : via === 3 ? "fire" : "thumb"}@${message.id}`;
      const change = random() < 0.6 ? "added" : "removed";
      const i = events.length;
      at += 1 + Math.floor(random() * 5);
      const event: ReactionChanged = {
        message,
        userId: `U${String(u).padStart(3, "0")}`,
        emoji,
        change,
        at: new Date(at),
        ...(withEventIds ? { eventId: `Ev${String(seed)}-${String(i)}` } : {}),
      };
      events.push({ event, paper: papers[slot]!, mark });
    }
  }
  return events;
}

/** The expected outcome, computed one event at a time in timestamp order. */
function model(events: readonly Logical[]): {
  tallies: Map<PaperId, number>;
  byUser: Map<string, Set<PaperId>>;
} {
  const marks = new Map<string, Map<string, boolean>>(); // user|paper → mark → on
  for (const { event, paper, mark } of [...events].sort(
    (a, b) => a.event.at!.getTime() - b.event.at!.getTime(),
  )) {
    const key = `${event.userId}|${paper}`;
    const m = marks.get(key) ?? new Map<string, boolean>();
    m.set(mark, event.change === "added");
    marks.set(key, m);
  }
  const tallies = new Map<PaperId, number>();
  const byUser = new Map<string, Set<PaperId>>();
  for (const [key, m] of marks) {
    if (![...m.values()].some(Boolean)) continue;
    const [user, paper] = key.split("|") as [string, PaperId];
    tallies.set(paper, (tallies.get(paper) ?? 0) + 1);
    byUser.set(user, (byUser.get(user) ?? new Set()).add(paper));
  }
  return { tallies, byUser };
}

async function recordPosts(store: Store): Promise<void> {
  const postedAt = new Date("2026-06-12T09:00:00Z");
  await store.posts.record({
    ref: digest,
    slots: new Map(papers.map((p, i) => [i + 1, p])),
    layout: "compact",
    kind: "digest",
    postedAt,
  });
  for (const [i, ref] of cards.entries()) {
    await store.posts.record({
      ref,
      slots: new Map([[i + 1, papers[i]!]]),
      layout: "cards",
      kind: "digest",
      postedAt,
    });
  }
}

function serviceOn(store: Store) {
  let clock = Date.parse("2026-06-12T12:00:00Z");
  return createVoteService({
    votes: store.votes,
    posts: store.posts,
    now: () => new Date(clock++),
    log: silentLogger,
  });
}

/** Every paper's tally, 0 included, as `expected` (which lists only papers with votes) says it should be. */
const allTallies = (expected: ReadonlyMap<PaperId, number>): Map<PaperId, number> =>
  new Map(papers.map((p) => [p, expected.get(p) ?? 0]));

const backends: { name: string; open: () => Promise<Store>; skip: boolean }[] = [
  { name: "memory", open: () => createStore("memory://"), skip: false },
  {
    name: "SQLite",
    open: () => createStore(`sqlite://${join(dir, `concurrency-${randomUUID()}.sqlite`)}`),
    skip: false,
  },
  {
    name: "Redis",
    open: () => createStore(redisUrl, { keyPrefix: `${runPrefix}-${randomUUID()}` }),
    skip: !redisReachable,
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`1,000 reaction events from 100 users on ${backend.name}`, () => {
    for (const withEventIds of [true, false]) {
      it(`GIVEN every event delivered twice, concurrently and shuffled (${withEventIds ? "with" : "without"} event ids) THEN the tallies equal the sequential model`, async () => {
        const store = await backend.open();
        try {
          await recordPosts(store);
          const service = serviceOn(store);
          const logical = scenario(withEventIds ? 7 : 11, withEventIds);
          const expected = model(logical);
          expect(expected.tallies.size).toBeGreaterThan(5); // the scenario really votes

          const deliveries = shuffle(
            logical.flatMap(({ event }) => [event, { ...event }]),
            rng(99),
          );
          const results = await Promise.all(deliveries.map((event) => service.handleReaction(event)));
          if (withEventIds)
            expect(
              results.filter((r) => r.status === "ignored" && r.reason === "duplicate event"),
            ).toHaveLength(1_000);

          expect(await service.tally(channel, papers)).toEqual(allTallies(expected.tallies));
          expect(new Map((await service.channelVotes(channel)).map((v) => [v.paperId, v.votes]))).toEqual(
            expected.tallies,
          );
          for (let u = 0; u < 100; u++) {
            const user = `U${String(u).padStart(3, "0")}`;
            expect(await service.userVotes(channel, user), user).toEqual(
              expected.byUser.get(user) ?? new Set(),
            );
          }
        } finally {
          await store.close();
        }
      });
    }

    it("GIVEN the store closed under the service THEN a reaction is refused (rejects), never reported as counted", async () => {
      const store = await backend.open();
      await recordPosts(store);
      const service = serviceOn(store);
      const event: ReactionChanged = {
        message: digest,
        userId: "U1",
        emoji: { kind: "keycap", number: 1 },
        change: "added",
      };
      expect((await service.handleReaction(event)).status).toBe("counted");
      await store.close();
      await expect(service.handleReaction({ ...event, userId: "U2" })).rejects.toThrow();
      expect(service.held()).toBe(0);
    });
  });
}

describe("votes across a restart on SQLite", () => {
  it("keeps the message → paper map, the tallies and the seen event ids, and counts a new reaction on an old message", async () => {
    const url = `sqlite://${join(dir, "restart.sqlite")}`;
    const first = await createStore(url);
    await recordPosts(first);
    const before = serviceOn(first);
    await before.handleReaction({
      message: digest,
      userId: "U1",
      emoji: { kind: "keycap", number: 2 },
      change: "added",
      eventId: "E1",
    });
    await before.handleReaction({
      message: cards[1]!,
      userId: "U2",
      emoji: { kind: "unicode", value: "❤️" },
      change: "added",
      eventId: "E2",
    });
    await before.handleReaction({
      message: cards[4]!,
      userId: "U2",
      emoji: { kind: "unicode", value: "🔥" },
      change: "added",
      eventId: "E3",
    });
    await first.close();

    const second = await createStore(url);
    try {
      const post = await second.posts.lookup(digest);
      expect(post?.layout).toBe("compact");
      expect(post?.slots).toEqual(new Map(papers.map((p, i) => [i + 1, p])));
      expect((await second.posts.lookup(cards[4]!))?.slots).toEqual(new Map([[5, papers[4]!]]));

      const after = serviceOn(second);
      expect(await after.tally(channel, papers)).toEqual(
        allTallies(
          new Map([
            [papers[1]!, 2],
            [papers[4]!, 1],
          ]),
        ),
      );
      expect(await after.userVotes(channel, "U2")).toEqual(new Set([papers[1]!, papers[4]!]));
      // A Slack retry of a delivery handled before the restart is still a duplicate.
      expect(
        await after.handleReaction({
          message: digest,
          userId: "U1",
          emoji: { kind: "keycap", number: 2 },
          change: "added",
          eventId: "E1",
        }),
      ).toEqual({ status: "ignored", reason: "duplicate event" });
      expect(
        await after.handleReaction({
          message: digest,
          userId: "U3",
          emoji: { kind: "keycap", number: 2 },
          change: "added",
          eventId: "E4",
        }),
      ).toEqual({ status: "counted", paperId: papers[1], votes: 3, changed: true, voted: true });
      // U2's ❤️ was already a vote for paper 2: the keycap on the digest adds nothing.
      await after.handleReaction({
        message: digest,
        userId: "U2",
        emoji: { kind: "keycap", number: 2 },
        change: "added",
        eventId: "E5",
      });
      expect((await after.tally(channel, [papers[1]!])).get(papers[1]!)).toBe(3);
    } finally {
      await second.close();
    }
  });
});
