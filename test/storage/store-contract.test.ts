// One contract for every store engine (SQLite in memory, a SQLite file, a real Redis): each domain operation and its atomicity.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeEngines } from "../fakes/store-engines.js";
import type { DeliveryPlan } from "../../src/delivery/delivery-store.js";
import { toPaperId, type PaperId } from "../../src/papers/paper.js";
import { channelRef, type ChannelRef } from "../../src/platform/channel-ref.js";
import { StoreClosedError, type Store } from "../../src/storage/store.js";
import { parseTopic } from "../../src/digest/topic-filter.js";
import type { Subscription } from "../../src/subscriptions/subscription.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import type { PostRecord } from "../../src/votes/post-store.js";
import { EVENT_DEDUPE_TTL_MS, type VoteCast } from "../../src/votes/vote-store.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { dailySubscription } from "../fakes/subscriptions.js";

const { engines, fresh } = await storeEngines("store contract tests");

const slack = channelRef("slack", "T1", "C1");
const other = channelRef("slack", "T1", "C2");
const discord = channelRef("discord", "G1", "D1");
const pid = (id: string): PaperId => toPaperId(id)!;
const [p1, p2, p3] = [pid("2606.00001"), pid("2606.00002"), pid("2606.00003")];

function subscription(channel: ChannelRef, over: Partial<Subscription> = {}): Subscription {
  return dailySubscription(channel, {
    cron: "0 9 * * 1-5",
    timezone: "Europe/Berlin",
    top: 5,
    createdAt: "2026-06-01T08:00:00.000Z",
    topic: { text: "diffusion", filter: parseTopic("diffusion") },
    ...over,
  });
}

const vote = (over: Partial<VoteCast> & Pick<VoteCast, "userId" | "on" | "at">): VoteCast => ({
  channel: slack,
  paperId: p1,
  mark: "keycap:1@slack:T1:C1:100.1",
  eventTtlMs: EVENT_DEDUPE_TTL_MS,
  ...over,
});

const post = (id: string, over: Partial<PostRecord> = {}): PostRecord => ({
  ref: { channel: slack, id },
  slots: new Map([
    [1, p1],
    [2, p2],
  ]),
  layout: "compact",
  kind: "digest",
  postedAt: new Date("2026-06-12T07:00:00Z"),
  ...over,
});

describe.each(engines)("the $name store", (engine) => {
  let store: Store;
  const opened: Store[] = [];
  beforeEach(async (ctx) => {
    if (!engine.run) ctx.skip();
    fresh();
    store = await engine.open("owner-a");
    opened.push(store);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  describe("subscriptions", () => {
    it("GIVEN puts THEN get, forChannel, all, inGroup and groups see them, and the version moves", async () => {
      const v0 = await store.subscriptions.version();
      const a = subscription(slack);
      const b = subscription(other, { cron: "30 8 * * 1", timezone: "UTC" });
      const c = subscription(discord);
      for (const s of [a, b, c]) await store.subscriptions.put(s);
      expect(await store.subscriptions.get(a.id)).toEqual(a);
      expect((await store.subscriptions.forChannel(slack)).map((s) => s.id)).toEqual([a.id]);
      expect((await store.subscriptions.all()).map((s) => s.id)).toEqual([c.id, a.id, b.id].sort());
      expect(
        (await store.subscriptions.inGroup({ cron: "0 9 * * 1-5", timezone: "Europe/Berlin" }))
          .map((s) => s.id)
          .sort(),
      ).toEqual([a.id, c.id].sort());
      expect(await store.subscriptions.groups()).toEqual(
        expect.arrayContaining([
          { cron: "0 9 * * 1-5", timezone: "Europe/Berlin" },
          { cron: "30 8 * * 1", timezone: "UTC" },
        ]),
      );
      expect(await store.subscriptions.groups()).toHaveLength(2);
      expect(await store.subscriptions.version()).toBeGreaterThan(v0);
    });

    it("GIVEN a schedule change THEN the subscription moves to its new group and an emptied group disappears", async () => {
      const a = subscription(slack);
      await store.subscriptions.put(a);
      await store.subscriptions.put({ ...a, cron: "15 7 * * *" });
      expect(await store.subscriptions.inGroup({ cron: "0 9 * * 1-5", timezone: "Europe/Berlin" })).toEqual(
        [],
      );
      expect(
        (await store.subscriptions.inGroup({ cron: "15 7 * * *", timezone: "Europe/Berlin" })).map(
          (s) => s.cron,
        ),
      ).toEqual(["15 7 * * *"]);
      expect(await store.subscriptions.groups()).toEqual([{ cron: "15 7 * * *", timezone: "Europe/Berlin" }]);
    });

    it("GIVEN pause and retry marks THEN they show on the document, and a put clears them but keeps lastDelivered", async () => {
      const a = subscription(slack);
      await store.subscriptions.put(a);
      const retry = {
        periodKey: "daily:2026-06-12",
        reason: "Hugging Face unreachable",
        since: "2026-06-12T07:00:00.000Z",
        attempts: 2,
        nextAt: "2026-06-12T07:01:00.000Z",
      };
      await store.subscriptions.markRetrying(a.id, retry);
      expect((await store.subscriptions.get(a.id))?.retry).toEqual(retry);
      await store.subscriptions.markRetrying(a.id, undefined);
      expect((await store.subscriptions.get(a.id))?.retry).toBeUndefined();
      await store.subscriptions.pause(
        a.id,
        "no-access",
        "Give paperboy Send Messages.",
        new Date("2026-06-12T08:00:00Z"),
      );
      expect((await store.subscriptions.get(a.id))?.paused).toEqual({
        reason: "no-access",
        hint: "Give paperboy Send Messages.",
        at: "2026-06-12T08:00:00.000Z",
      });
      // A finished delivery writes lastDelivered; a later put (re-subscribe) keeps it and resumes.
      const token = "owner-a#1";
      await store.deliveries.claim({
        key: `${a.id}@daily:2026-06-12`,
        token,
        handle: "h1",
        channel: slack,
        at: 1,
        subscriptionId: a.id,
        periodKey: "daily:2026-06-12",
      });
      await store.deliveries.finish(
        `${a.id}@daily:2026-06-12`,
        token,
        { state: "posted", summary: "5 papers", at: Date.parse("2026-06-12T07:00:00Z") },
        {
          delivered: {
            subscriptionId: a.id,
            periodKey: "daily:2026-06-12",
            at: Date.parse("2026-06-12T07:00:00Z"),
            dates: ["2026-06-12"],
          },
        },
      );
      await store.subscriptions.put({ ...a, top: 3 });
      const after = await store.subscriptions.get(a.id);
      expect(after?.paused).toBeUndefined();
      expect(after?.top).toBe(3);
      expect(after?.lastDelivered).toEqual({
        periodKey: "daily:2026-06-12",
        at: "2026-06-12T07:00:00.000Z",
        dates: ["2026-06-12"],
      });
    });

    it("GIVEN a workspace is forgotten THEN its subscriptions go and others stay", async () => {
      await store.subscriptions.put(subscription(slack));
      await store.subscriptions.put(subscription(other));
      await store.subscriptions.put(subscription(discord));
      expect(await store.subscriptions.forgetWorkspace("slack", "T1")).toEqual(
        [subscription(slack).id, subscription(other).id].sort(),
      );
      expect((await store.subscriptions.all()).map((s) => s.id)).toEqual([subscription(discord).id]);
      expect(await store.subscriptions.delete(subscription(discord).id)).toBe(true);
      expect(await store.subscriptions.delete(subscription(discord).id)).toBe(false);
      expect(await store.subscriptions.groups()).toEqual([]);
    });

    it("GIVEN two subscriptions in one channel and a workspace whose id extends another's (T1, T10) THEN forChannel lists both and forgetting T1 leaves T10", async () => {
      const weekly = subscription(slack, {
        id: subscriptionId(slack, { kind: "weekly" }),
        source: { kind: "weekly" },
      });
      const t10 = channelRef("slack", "T10", "C1");
      const c12 = channelRef("slack", "T1", "C12");
      for (const s of [subscription(slack), weekly, subscription(t10), subscription(c12)])
        await store.subscriptions.put(s);
      expect((await store.subscriptions.forChannel(slack)).map((s) => s.source.kind).sort()).toEqual([
        "daily",
        "weekly",
      ]);
      expect((await store.subscriptions.forChannel(c12)).map((s) => s.id)).toEqual([subscription(c12).id]);
      expect(await store.subscriptions.all()).toHaveLength(4);
      expect(await store.subscriptions.forgetWorkspace("slack", "T1")).toHaveLength(3);
      expect((await store.subscriptions.all()).map((s) => s.channel)).toEqual([t10]);
    });

    it("GIVEN pause or markRetrying of an unknown id THEN nothing is created; a pause keeps every other field and lastDelivered", async () => {
      const retry = {
        periodKey: "daily:2026-06-12",
        reason: "x",
        since: "2026-06-12T07:00:00.000Z",
        attempts: 1,
        nextAt: "2026-06-12T07:01:00.000Z",
      };
      await store.subscriptions.pause("missing", "channel-gone", "The channel is gone.", new Date());
      await store.subscriptions.markRetrying("missing", retry);
      expect(await store.subscriptions.get("missing")).toBeUndefined();
      expect(await store.subscriptions.all()).toEqual([]);
      expect(await store.subscriptions.groups()).toEqual([]);

      const a = subscription(slack, { top: 7 });
      await store.subscriptions.put(a);
      const key = `${a.id}@daily:2026-06-12`;
      await store.deliveries.claim({
        key,
        token: "owner-a#1",
        handle: "h1",
        channel: slack,
        at: 1,
        subscriptionId: a.id,
        periodKey: "daily:2026-06-12",
      });
      await store.deliveries.finish(
        key,
        "owner-a#1",
        { state: "posted", summary: "7 papers", at: Date.parse("2026-06-13T07:00:00Z") },
        {
          delivered: {
            subscriptionId: a.id,
            periodKey: "daily:2026-06-12",
            at: Date.parse("2026-06-13T07:00:00Z"),
            dates: ["2026-06-12"],
          },
        },
      );
      await store.subscriptions.pause(
        a.id,
        "channel-gone",
        "The channel is gone.",
        new Date("2026-06-14T07:00:00Z"),
      );
      expect(await store.subscriptions.get(a.id)).toEqual({
        ...a,
        lastDelivered: {
          periodKey: "daily:2026-06-12",
          at: "2026-06-13T07:00:00.000Z",
          dates: ["2026-06-12"],
        },
        paused: { reason: "channel-gone", hint: "The channel is gone.", at: "2026-06-14T07:00:00.000Z" },
      });
    });
  });

  describe("watches", () => {
    it("GIVEN watches THEN one per channel and topic (spacing and case do not matter), removable", async () => {
      const w = {
        channel: slack,
        topic: { text: "World  Model", filter: parseTopic("world model") },
        threshold: 20,
        createdAt: "2026-06-03T10:00:00.000Z",
      };
      await store.watches.put(w);
      await store.watches.put({ ...w, topic: { ...w.topic, text: "world model" }, threshold: 30 });
      await store.watches.put({ ...w, channel: other });
      expect((await store.watches.forChannel(slack)).map((x) => x.threshold)).toEqual([30]);
      expect(await store.watches.all()).toHaveLength(2);
      expect(await store.watches.remove(slack, "WORLD model")).toBe(true);
      expect(await store.watches.remove(slack, "world model")).toBe(false);
      expect(await store.watches.forChannel(slack)).toEqual([]);
    });
  });

  describe("the delivery ledger", () => {
    const key = "slack:T1:C1|daily@daily:2026-06-12";
    const plan: DeliveryPlan = {
      kind: "digest",
      compose: { title: "Trending", top: 1, layout: "compact" },
      shown: [{ id: p1, score: 3 }],
    };

    it("GIVEN two claims THEN one wins, the other learns who holds it, and the claim carries the subscription", async () => {
      const sub = subscription(slack);
      await store.subscriptions.put(sub);
      const first = await store.deliveries.claim({
        key,
        token: "owner-a#1",
        handle: "h1",
        channel: slack,
        at: 1000,
        subscriptionId: sub.id,
        periodKey: "daily:2026-06-12",
      });
      const second = await store.deliveries.claim({
        key,
        token: "owner-a#2",
        handle: "h2",
        channel: slack,
        at: 1001,
        subscriptionId: sub.id,
        periodKey: "daily:2026-06-12",
      });
      expect(first.won).toBe(true);
      expect(first.subscription?.id).toBe(sub.id);
      expect(second).toMatchObject({
        won: false,
        ownerAlive: true,
        record: { token: "owner-a#1", handle: "h1", state: "claimed" },
      });
      expect(second.subscription?.top).toBe(5);
    });

    it("GIVEN 50 concurrent claims of one delivery THEN exactly one wins", async () => {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.deliveries.claim({
            key,
            token: `owner-a#${String(i)}`,
            handle: `h${String(i)}`,
            channel: slack,
            at: 1000 + i,
          }),
        ),
      );
      expect(answers.filter((a) => a.won)).toHaveLength(1);
    });

    it("GIVEN a claim by a process that is gone THEN it is reported dead and can be taken over, keeping its handle and sent messages", async (ctx) => {
      if (!engine.reopenable) ctx.skip();
      const dead = await engine.open("owner-dead");
      await dead.deliveries.claim({ key, token: "owner-dead#1", handle: "h-dead", channel: slack, at: 1000 });
      await dead.deliveries.markPosting(key, "owner-dead#1", 0, plan);
      await dead.deliveries.recordSent(key, "owner-dead#1", 0, post("100.1", { delivery: key }));
      await dead.close(); // on Redis its heartbeat goes with it
      const seen = await store.deliveries.claim({
        key,
        token: "owner-a#1",
        handle: "h-new",
        channel: slack,
        at: 2000,
      });
      expect(seen).toMatchObject({ won: false, ownerAlive: false });
      const taken = await store.deliveries.claim({
        key,
        token: "owner-a#1",
        handle: "h-new",
        channel: slack,
        at: 2000,
        takeOver: "owner-dead#1",
      });
      expect(taken).toMatchObject({
        won: true,
        record: {
          token: "owner-a#1",
          handle: "h-dead",
          state: "posting",
          posting: 0,
          plan,
          sent: [{ index: 0, id: "100.1" }],
        },
      });
      // The dead run's token no longer counts.
      expect(await store.deliveries.markPosting(key, "owner-dead#1", 1)).toBe(false);
      const again = await store.deliveries.claim({
        key,
        token: "owner-a#2",
        handle: "x",
        channel: slack,
        at: 2001,
        takeOver: "owner-dead#1",
      });
      expect(again.won).toBe(false);
    });

    it("GIVEN posting, sent and finish THEN only the claim's token moves it, the post is paperboy's, and the effects land together", async () => {
      const sub = subscription(slack);
      await store.subscriptions.put(sub);
      await store.subscriptions.markRetrying(sub.id, {
        periodKey: "daily:2026-06-12",
        reason: "x",
        since: "2026-06-12T07:00:00.000Z",
        attempts: 1,
        nextAt: "2026-06-12T07:01:00.000Z",
      });
      await store.deliveries.claim({
        key,
        token: "owner-a#1",
        handle: "h1",
        channel: slack,
        at: 1000,
        subscriptionId: sub.id,
        periodKey: "daily:2026-06-12",
      });
      expect(await store.deliveries.markPosting(key, "owner-a#9", 0, plan)).toBe(false);
      expect(await store.deliveries.markPosting(key, "owner-a#1", 0, plan)).toBe(true);
      expect(await store.deliveries.recordSent(key, "owner-a#9", 0, post("100.1"))).toBe(false);
      expect(await store.posts.lookup({ channel: slack, id: "100.1" })).toBeUndefined();
      expect(await store.deliveries.recordSent(key, "owner-a#1", 0, post("100.1", { delivery: key }))).toBe(
        true,
      );
      expect(await store.posts.lookup({ channel: slack, id: "100.1" })).toMatchObject({
        kind: "digest",
        layout: "compact",
        delivery: key,
        slots: new Map([
          [1, p1],
          [2, p2],
        ]),
      });
      expect((await store.deliveries.open()).map((r) => r.key)).toEqual([key]);
      // Something was sent: the claim can no longer be given back.
      await store.deliveries.release(key, "owner-a#1");
      expect((await store.deliveries.get(key))?.sent).toEqual([{ index: 0, id: "100.1" }]);
      const now = Date.parse("2026-06-12T07:00:05Z");
      expect(
        await store.deliveries.finish(key, "owner-a#9", { state: "posted", summary: "x", at: now }),
      ).toBe(false);
      expect(
        await store.deliveries.finish(
          key,
          "owner-a#1",
          { state: "posted", summary: "2 papers", at: now },
          {
            delivered: {
              subscriptionId: sub.id,
              periodKey: "daily:2026-06-12",
              at: now,
              dates: ["2026-06-12"],
            },
            seen: { channel: slack, ids: [p1, p2], until: Date.now() + 60_000 },
          },
        ),
      ).toBe(true);
      expect(await store.deliveries.get(key)).toMatchObject({
        state: "posted",
        summary: "2 papers",
        sent: [{ index: 0, id: "100.1" }],
      });
      expect(await store.deliveries.open()).toEqual([]);
      const after = await store.subscriptions.get(sub.id);
      expect(after?.lastDelivered?.periodKey).toBe("daily:2026-06-12");
      expect(after?.retry).toBeUndefined();
      const state = await store.digest.digestState(slack, [p1, p2, p3], new Date(0), new Date());
      expect([...state.seen].sort()).toEqual([p1, p2]);
      // Finished: a second finish (a duplicate run) changes nothing.
      expect(await store.deliveries.finish(key, "owner-a#1", { state: "empty", summary: "y", at: now })).toBe(
        false,
      );
    });

    it("GIVEN a rejected post THEN finish pauses the subscription", async () => {
      const sub = subscription(slack);
      await store.subscriptions.put(sub);
      await store.deliveries.claim({
        key,
        token: "owner-a#1",
        handle: "h1",
        channel: slack,
        at: 1000,
        subscriptionId: sub.id,
      });
      await store.deliveries.finish(
        key,
        "owner-a#1",
        { state: "rejected", summary: "no-access", at: 2000 },
        { paused: { subscriptionId: sub.id, reason: "no-access", hint: "Invite paperboy.", at: 2000 } },
      );
      expect((await store.subscriptions.get(sub.id))?.paused).toMatchObject({
        reason: "no-access",
        hint: "Invite paperboy.",
      });
    });

    it("GIVEN a claim that sent nothing THEN release gives it back for a new claim; a finished one restarts with a new handle", async () => {
      await store.deliveries.claim({ key, token: "owner-a#1", handle: "h1", channel: slack, at: 1000 });
      await store.deliveries.release(key, "owner-a#1");
      expect(await store.deliveries.get(key)).toBeUndefined();
      expect(
        (await store.deliveries.claim({ key, token: "owner-a#2", handle: "h2", channel: slack, at: 1001 }))
          .won,
      ).toBe(true);
      await store.deliveries.recordSent(key, "owner-a#2", 0, post("100.2", { delivery: key }));
      await store.deliveries.finish(key, "owner-a#2", { state: "posted", summary: "1", at: 1002 });
      const restarted = await store.deliveries.claim({
        key,
        token: "owner-a#3",
        handle: "h3",
        channel: slack,
        at: 1003,
        restart: true,
      });
      expect(restarted).toMatchObject({ won: true, record: { handle: "h3", state: "claimed", sent: [] } });
      // The first copy stays paperboy's post.
      expect(await store.posts.lookup({ channel: slack, id: "100.2" })).toBeDefined();
      const open = await store.deliveries.claim({
        key,
        token: "owner-a#4",
        handle: "h4",
        channel: slack,
        at: 1004,
        restart: true,
      });
      expect(open.won).toBe(false);
    });
  });

  describe("votes", () => {
    it("GIVEN adds and removes in any order THEN the tally counts users whose latest change is on; a tie goes to off", async () => {
      expect(await store.votes.cast(vote({ userId: "U1", on: true, at: 10 }))).toEqual({
        outcome: "on",
        count: 1,
      });
      expect(await store.votes.cast(vote({ userId: "U2", on: true, at: 11 }))).toEqual({
        outcome: "on",
        count: 2,
      });
      expect(await store.votes.cast(vote({ userId: "U1", on: true, at: 12 }))).toEqual({
        outcome: "unchanged",
        count: 2,
      });
      // A late "added" (older) cannot resurrect a newer removal.
      expect(await store.votes.cast(vote({ userId: "U2", on: false, at: 20 }))).toEqual({
        outcome: "off",
        count: 1,
      });
      expect(await store.votes.cast(vote({ userId: "U2", on: true, at: 15 }))).toEqual({
        outcome: "stale",
        count: 1,
      });
      expect(await store.votes.cast(vote({ userId: "U3", on: true, at: 30 }))).toEqual({
        outcome: "on",
        count: 2,
      });
      expect(await store.votes.cast(vote({ userId: "U3", on: false, at: 30 }))).toEqual({
        outcome: "off",
        count: 1,
      });
      expect(await store.votes.cast(vote({ userId: "U3", on: true, at: 30 }))).toEqual({
        outcome: "stale",
        count: 1,
      });
      expect(await store.votes.tallies(slack, [p1, p2])).toEqual(
        new Map([
          [p1, 1],
          [p2, 0],
        ]),
      );
    });

    it("GIVEN one user reacting with two emoji THEN it is one vote until both are taken back", async () => {
      await store.votes.cast(vote({ userId: "U1", on: true, at: 1, mark: "u:👍@m1" }));
      expect((await store.votes.cast(vote({ userId: "U1", on: true, at: 2, mark: "u:🔥@m1" }))).count).toBe(
        1,
      );
      expect(await store.votes.cast(vote({ userId: "U1", on: false, at: 3, mark: "u:👍@m1" }))).toEqual({
        outcome: "unchanged",
        count: 1,
      });
      expect(await store.votes.cast(vote({ userId: "U1", on: false, at: 4, mark: "u:🔥@m1" }))).toEqual({
        outcome: "off",
        count: 0,
      });
      expect(await store.votes.channelVotes(slack)).toEqual([]);
    });

    it("GIVEN an event delivered twice THEN the second is a duplicate and counts nothing", async () => {
      expect(await store.votes.cast(vote({ userId: "U1", on: true, at: 1, eventId: "Ev1" }))).toEqual({
        outcome: "on",
        count: 1,
      });
      expect(await store.votes.cast(vote({ userId: "U1", on: false, at: 2, eventId: "Ev1" }))).toEqual({
        outcome: "duplicate",
        count: 1,
      });
      expect(await store.events.claim("slack:Ev1", 60_000)).toBe(true);
      expect(await store.events.claim("slack:Ev1", 60_000)).toBe(false);
    });

    it("GIVEN 300 concurrent casts, each delivered twice THEN the tally equals the users whose last change is on", async () => {
      const casts: VoteCast[] = [];
      const expected = new Map<string, boolean>();
      for (let u = 0; u < 100; u++)
        for (let step = 0; step < 3; step++) {
          const on = (u + step) % 2 === 0;
          casts.push(
            vote({ userId: `U${String(u)}`, on, at: 100 + step, eventId: `E${String(u)}-${String(step)}` }),
          );
          expected.set(`U${String(u)}`, on);
        }
      await Promise.all([...casts, ...casts].sort(() => Math.random() - 0.5).map((c) => store.votes.cast(c)));
      const want = [...expected.values()].filter(Boolean).length;
      expect((await store.votes.tallies(slack, [p1])).get(p1)).toBe(want);
    });

    it("GIVEN votes in several channels THEN channelVotes, userVotes and userVotesInWorkspace answer per channel and user", async () => {
      await store.votes.cast(vote({ userId: "U1", on: true, at: 1_000 }));
      await store.votes.cast(vote({ userId: "U2", on: true, at: 2_000 }));
      await store.votes.cast(vote({ userId: "U1", on: true, at: 3_000, paperId: p2, mark: "keycap:2@m" }));
      await store.votes.cast(
        vote({ userId: "U1", on: true, at: 4_000, channel: other, paperId: p3, mark: "u:👍@m2" }),
      );
      expect((await store.votes.channelVotes(slack)).map((v) => [v.paperId, v.votes])).toEqual([
        [p1, 2],
        [p2, 1],
      ]);
      expect((await store.votes.channelVotes(slack, new Date(2_500))).map((v) => v.paperId)).toEqual([p2]);
      expect((await store.votes.channelVotes(slack))[0]).toMatchObject({
        firstVotedAt: new Date(1_000),
        lastVotedAt: new Date(2_000),
      });
      expect(await store.votes.userVotes(slack, "U1")).toEqual(new Set([p1, p2]));
      expect(
        (await store.votes.userVotesInWorkspace("slack", "T1", "U1")).map((v) => [
          v.channel.channel,
          v.paperId,
        ]),
      ).toEqual([
        ["C2", p3],
        ["C1", p2],
        ["C1", p1],
      ]);
      expect(await store.votes.userVotesInWorkspace("slack", "T9", "U1")).toEqual([]);
    });
  });

  it("GIVEN seen papers, tallies and liked papers THEN one digestState read returns them all; expired seen papers are not seen", async () => {
    const papers = hfFixturePapers().slice(0, 3);
    await store.papers.putMany(papers);
    const [a, b, c] = papers.map((p) => p.id) as [PaperId, PaperId, PaperId];
    await store.deliveries.claim({ key: "k", token: "owner-a#1", handle: "h", channel: slack, at: 1 });
    await store.deliveries.finish(
      "k",
      "owner-a#1",
      { state: "posted", summary: "", at: 2 },
      { seen: { channel: slack, ids: [a], until: Date.now() + 60_000 } },
    );
    await store.deliveries.claim({ key: "k2", token: "owner-a#2", handle: "h2", channel: slack, at: 1 });
    await store.deliveries.finish(
      "k2",
      "owner-a#2",
      { state: "posted", summary: "", at: 2 },
      { seen: { channel: slack, ids: [b], until: Date.now() - 1 } },
    );
    await store.votes.cast(vote({ userId: "U1", on: true, at: 5_000, paperId: c, mark: "m1" }));
    await store.votes.cast(vote({ userId: "U2", on: true, at: 6_000, paperId: c, mark: "m1" }));
    await store.votes.cast(vote({ userId: "U1", on: true, at: 7_000, paperId: a, mark: "m2" }));
    await store.votes.cast(vote({ userId: "U1", on: true, at: 100, paperId: b, mark: "m3" }));
    const state = await store.digest.digestState(slack, [a, b, c, p3], new Date(1_000), new Date());
    expect([...state.seen]).toEqual([a]);
    expect(state.tallies).toEqual(
      new Map([
        [a, 1],
        [b, 1],
        [c, 2],
        [p3, 0],
      ]),
    );
    expect(state.liked.map((p) => p.id)).toEqual([c, a]);
    expect(state.liked[0]?.title).toBe(papers[2]?.title);
  });

  it("GIVEN papers THEN putMany, getMany (in order, undefined where unknown), scan and delete", async () => {
    const papers = hfFixturePapers();
    await store.papers.putMany(papers);
    const [x, y] = papers;
    const got = await store.papers.getMany([y!.id, p3, x!.id]);
    expect(got[0]).toEqual(JSON.parse(JSON.stringify(y)));
    expect(got[1]).toBeUndefined();
    let n = 0;
    for await (const batch of store.papers.scan(7)) n += batch.length;
    expect(n).toBe(papers.length);
    await store.papers.delete([x!.id]);
    expect((await store.papers.getMany([x!.id]))[0]).toBeUndefined();
  });

  it("GIVEN a post outside a delivery THEN lookup finds it by channel and message, and nothing elsewhere", async () => {
    await store.posts.record(post("200.1", { kind: "share", layout: "cards", slots: new Map([[1, p3]]) }));
    expect(await store.posts.lookup({ channel: slack, id: "200.1" })).toMatchObject({
      kind: "share",
      slots: new Map([[1, p3]]),
    });
    expect(await store.posts.lookup({ channel: other, id: "200.1" })).toBeUndefined();
  });

  it("GIVEN a recorded post THEN lookup gives it back whole (every slot, layout, kind, postedAt to the ms), not for another message or a channel whose id extends it", async () => {
    const recorded = post("1.1", {
      slots: new Map([
        [2, p2],
        [1, p1],
      ]),
      postedAt: new Date("2026-06-12T09:00:00.123Z"),
    });
    await store.posts.record(recorded);
    const found = await store.posts.lookup({ channel: slack, id: "1.1" });
    expect(found).toEqual({
      ...recorded,
      slots: new Map([
        [1, p1],
        [2, p2],
      ]),
    });
    expect(await store.posts.lookup({ channel: slack, id: "1.2" })).toBeUndefined();
    expect(
      await store.posts.lookup({ channel: channelRef("slack", "T1", "C12"), id: "1.1" }),
    ).toBeUndefined();
  });

  it("GIVEN a paper posted in digests, shared and unfurled THEN paperHistory counts each kind in that channel only, with first, last and the newest times", async () => {
    const at = (iso: string) => new Date(`${iso}T07:00:00.000Z`);
    await store.posts.record(post("1.1", { postedAt: at("2026-06-12") })); // digest: p1, p2
    await store.posts.record(post("1.2", { postedAt: at("2026-06-19"), slots: new Map([[3, p1]]) }));
    await store.posts.record(post("1.3", { postedAt: at("2026-06-26"), slots: new Map([[1, p2]]) }));
    const share = { kind: "share" as const, layout: "cards" as const, slots: new Map([[1, p1]]) };
    await store.posts.record(post("2.1", { ...share, postedAt: at("2026-06-15") }));
    await store.posts.record(post("2.1", { ...share, postedAt: at("2026-06-15") })); // recorded twice: one post
    await store.posts.record(post("3.1", { ...share, kind: "link", postedAt: at("2026-06-20") }));
    await store.posts.record({ ...post("9.9", share), ref: { channel: other, id: "9.9" } });
    // Sent through a delivery, like a digest: indexed the same way.
    const key = "history|digest";
    await store.deliveries.claim({ key, token: "owner-a#1", handle: "h", channel: slack, at: 1 });
    await store.deliveries.markPosting(key, "owner-a#1", 0, {
      kind: "digest",
      compose: { title: "Trending", top: 1, layout: "compact" },
      shown: [{ id: p1, score: 3 }],
    });
    await store.deliveries.recordSent(
      key,
      "owner-a#1",
      0,
      post("1.4", { postedAt: at("2026-07-03"), slots: new Map([[2, p1]]), delivery: key }),
    );

    const history = await store.posts.paperHistory(slack, p1, 2);
    expect(history).toEqual([
      {
        kind: "digest",
        count: 3,
        first: at("2026-06-12"),
        last: at("2026-07-03"),
        recent: [at("2026-07-03"), at("2026-06-19")],
      },
      { kind: "link", count: 1, first: at("2026-06-20"), last: at("2026-06-20"), recent: [at("2026-06-20")] },
      {
        kind: "share",
        count: 1,
        first: at("2026-06-15"),
        last: at("2026-06-15"),
        recent: [at("2026-06-15")],
      },
    ]);
    expect(await store.posts.paperHistory(other, p1, 2)).toEqual([
      {
        kind: "share",
        count: 1,
        first: post("9.9").postedAt,
        last: post("9.9").postedAt,
        recent: [post("9.9").postedAt],
      },
    ]);
    expect(await store.posts.paperHistory(slack, p3, 2)).toEqual([]);
    // A message recorded again with other slots moves out of the papers it no longer holds.
    await store.posts.record(post("1.2", { postedAt: at("2026-06-19"), slots: new Map([[1, p3]]) }));
    expect((await store.posts.paperHistory(slack, p1, 0)).find((h) => h.kind === "digest")).toMatchObject({
      count: 2,
      recent: [],
    });
    expect(await store.posts.paperHistory(slack, p3, 5)).toMatchObject([{ kind: "digest", count: 1 }]);
  });

  it("GIVEN documents with a time to live THEN they expire; ping and the write probe answer; a closed store refuses", async () => {
    const cache = store.namespace("cache");
    await cache.set("a", { n: 1 }, 60);
    await cache.set("b", "forever");
    expect(await cache.get("a")).toEqual({ n: 1 });
    await new Promise((r) => setTimeout(r, 120));
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.get("b")).toBe("forever");
    expect(await cache.delete("b")).toBe(true);
    expect(await store.namespace("installations").get("b")).toBeUndefined();
    await store.ping();
    await store.probeWrite();
    expect(store.operations()).toBeGreaterThan(0);
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(cache.get("x")).rejects.toBeInstanceOf(StoreClosedError);
  });
});
