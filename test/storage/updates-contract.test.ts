// The thread-update operations on every store engine (SQLite in memory, a SQLite file, a real Redis): follow, observe
// (events once per channel, paper and event), weeks, and take (exactly once against the delivery ledger).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeEngines } from "../fakes/store-engines.js";
import { toPaperId, type PaperId } from "../../src/papers/paper.js";
import { channelRef, type ChannelRef } from "../../src/platform/channel-ref.js";
import type { Store } from "../../src/storage/store.js";
import type { FollowedPaper, PaperSignals } from "../../src/updates/paper-update.js";

const { engines, fresh } = await storeEngines("update-store contract tests");

const c1 = channelRef("slack", "T1", "C1");
const c2 = channelRef("discord", "G1", "D1");
const pid = (id: string): PaperId => toPaperId(id)!;
const [p1, p2] = [pid("2606.00001"), pid("2606.00002")];
const T0 = Date.parse("2026-06-12T14:00:00Z");
const DAY = 86_400_000;

const followed = (channel: ChannelRef, paper: PaperId, over: Partial<FollowedPaper> = {}): FollowedPaper => ({
  channel,
  paper,
  title: `Title of ${paper} <!channel>`,
  message: `msg-${paper}`,
  head: "head-1",
  slot: 1,
  layout: "cards",
  postedAt: T0,
  hasCode: false,
  upvotes: 10,
  version: 0,
  milestone: 100,
  week: "2026-W24",
  ...over,
});
const signals = (paper: PaperId, over: Partial<PaperSignals> = {}): PaperSignals => ({
  id: paper,
  upvotes: 10,
  version: 0,
  ...over,
});

describe.each(engines)("thread updates on the $name store", (engine) => {
  let store: Store;
  beforeEach(async (ctx) => {
    if (!engine.run) ctx.skip();
    fresh();
    store = await engine.open("o1");
  });
  afterEach(async () => {
    await store.close();
  });

  const claim = (key: string, channel: ChannelRef) =>
    store.deliveries.claim({ key, token: "o1#1", handle: "d0000000000000001", channel, at: T0 });

  it("GIVEN a followed paper THEN code, the milestone and a newer version are each noticed once, and what was there when posted is not news", async () => {
    await store.updates.follow([
      followed(c1, p1, { version: 1 }),
      followed(c1, p2, { hasCode: true, upvotes: 150 }),
    ]);
    // p2 had code and 150 upvotes when posted: nothing to say. p1 gains code, passes 100, gets v2.
    expect(await store.updates.observe([signals(p2, { repo: "a/b", upvotes: 160 })], T0 - DAY, T0 + 1)).toBe(
      0,
    );
    const first = await store.updates.observe(
      [signals(p1, { repo: "https://github.com/a/b", upvotes: 120, version: 2 })],
      T0 - DAY,
      T0 + 1,
    );
    expect(first).toBe(3);
    // The same list again, or a stale one, adds nothing.
    expect(
      await store.updates.observe([signals(p1, { repo: "x/y", upvotes: 130, version: 2 })], T0 - DAY, T0 + 2),
    ).toBe(0);
    expect(await store.updates.observe([signals(p1, { upvotes: 90, version: 1 })], T0 - DAY, T0 + 3)).toBe(0);
    expect(await store.updates.pendingChannels()).toEqual([c1]);

    await claim("k1", c1);
    const taken = await store.updates.take(c1, "k1");
    expect(taken.map((u) => u.event).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: "code", repo: "https://github.com/a/b" },
      { kind: "upvotes", milestone: 100 },
      { kind: "version", version: 2 },
    ]);
    expect(taken[0]?.place).toMatchObject({
      channel: c1,
      paper: p1,
      title: `Title of ${p1} <!channel>`,
      message: `msg-${p1}`,
      head: "head-1",
      layout: "cards",
    });
  });

  it("GIVEN an unknown baseline version THEN the first version seen is learnt, only a later one is news", async () => {
    await store.updates.follow([followed(c1, p1)]);
    expect(await store.updates.observe([signals(p1, { version: 2 })], T0 - DAY, T0 + 1)).toBe(0);
    expect(await store.updates.observe([signals(p1, { version: 3 })], T0 - DAY, T0 + 2)).toBe(1);
  });

  it("GIVEN a paper followed in two channels THEN each channel gets its own event; a paper followed twice keeps its first place", async () => {
    await store.updates.follow([followed(c1, p1), followed(c2, p1, { milestone: 50, layout: "compact" })]);
    await store.updates.follow([followed(c1, p1, { message: "later", hasCode: true })]);
    expect(await store.updates.observe([signals(p1, { upvotes: 60, repo: "a/b" })], T0 - DAY, T0 + 1)).toBe(
      3,
    );
    await claim("k1", c1);
    await claim("k2", c2);
    expect((await store.updates.take(c1, "k1")).map((u) => [u.event.kind, u.place.message])).toEqual([
      ["code", `msg-${p1}`],
    ]);
    expect((await store.updates.take(c2, "k2")).map((u) => u.event.kind).sort()).toEqual(["code", "upvotes"]);
  });

  it("GIVEN papers followed long ago THEN observe ignores them; weeks lists the weeks of papers followed since", async () => {
    await store.updates.follow([
      followed(c1, p1, { postedAt: T0 - 20 * DAY, week: "2026-W20" }),
      followed(c1, p2, { week: "2026-W24" }),
    ]);
    expect(await store.updates.observe([signals(p1, { repo: "a/b" })], T0 - 14 * DAY, T0)).toBe(0);
    expect(await store.updates.weeks(T0 - 14 * DAY)).toEqual(["2026-W24"]);
    expect(await store.updates.weeks(T0 - 60 * DAY)).toEqual(["2026-W20", "2026-W24"]);
  });

  it("GIVEN updates taken by an open delivery THEN another key gets none; once it finished they are dropped; a released one's are taken again", async () => {
    await store.updates.follow([followed(c1, p1), followed(c1, p2)]);
    await store.updates.observe([signals(p1, { repo: "a/b" })], T0 - DAY, T0 + 1);
    await claim("k1", c1);
    expect(await store.updates.take(c1, "k1")).toHaveLength(1);
    // The same key (a retry of the same delivery) gets the same updates again.
    expect(await store.updates.take(c1, "k1")).toHaveLength(1);
    await claim("k2", c1);
    expect(await store.updates.take(c1, "k2")).toEqual([]);
    // k1 was given back with nothing sent: its updates are free again.
    await store.deliveries.release("k1", "o1#1");
    expect((await store.updates.take(c1, "k2")).map((u) => u.place.paper)).toEqual([p1]);
    await store.deliveries.finish("k2", "o1#1", { state: "posted", summary: "1", at: T0 + 5 });
    await store.updates.observe([signals(p2, { upvotes: 100 })], T0 - DAY, T0 + 6);
    await claim("k3", c1);
    expect((await store.updates.take(c1, "k3")).map((u) => [u.place.paper, u.event.kind])).toEqual([
      [p2, "upvotes"],
    ]);
    await store.deliveries.finish("k3", "o1#1", { state: "posted", summary: "1", at: T0 + 7 });
    await claim("k4", c1);
    expect(await store.updates.take(c1, "k4")).toEqual([]);
    expect(await store.updates.pendingChannels()).toEqual([]);
  });
});
