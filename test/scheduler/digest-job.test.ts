// Scheduled digests through the real core: what a tick posts, once, filtered and ranked, and what a failure leaves behind.
import { describe, expect, it, vi } from "vitest";
import { createCore } from "../../src/create-core.js";
import { matchesTopic, parseTopic } from "../../src/digest/topic-filter.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { createFakePlatform } from "../fakes/fake-platform.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";

import {
  askedDates,
  channel,
  CHANNEL,
  createClock,
  DAILY_ID,
  EVERY_DAY_1700,
  FRIDAY_KEY,
  NOW,
  serveRecordedOn,
  useBot,
} from "./harness.js";

const TUESDAY_0900_BERLIN = "2026-06-16T07:00:00Z";
const WAIT = { timeout: 5_000 };

const world = useBot();

const subscribed = async (options = ""): Promise<void> => {
  await world.bot.subscribe(`daily cron "${EVERY_DAY_1700}" ${options}`);
};

describe("a scheduled digest", () => {
  it("GIVEN a channel's first run THEN it posts the last completed Hugging Face day, top 5 by upvotes, with keycaps seeded", async () => {
    await subscribed();
    await world.bot.fire(EVERY_DAY_1700);
    expect(askedDates(world.hf)).toEqual(["2026-06-12"]);
    expect(world.bot.platform.sent).toHaveLength(1);
    const [posted] = world.bot.platform.sent;
    expect(posted?.message.blocks[0]).toEqual({
      type: "header",
      text: "Trending on Hugging Face — Fri 12 June",
    });
    // Top 5 by upvotes and recency: the three 100+ papers lead.
    expect(world.bot.platform.shownIds().slice(0, 3)).toEqual(["2606.13681", "2606.13392", "2606.08063"]);
    expect(world.bot.platform.shownIds()).toHaveLength(5);
    expect(world.bot.platform.reactions.get(posted?.ref.id ?? "")).toEqual(
      [1, 2, 3, 4, 5].map((n) => `keycap:${String(n)}`),
    );
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe(
      "daily:2026-06-12",
    );
    expect(await world.bot.store.deliveries.get(FRIDAY_KEY)).toMatchObject({
      state: "posted",
      summary: "5 papers",
    });
  });

  it("GIVEN a posted digest THEN it is recorded as paperboy's, so a keycap on it votes for that slot's paper", async () => {
    await subscribed();
    await world.bot.fire(EVERY_DAY_1700);
    const ref = world.bot.platform.sent[0]?.ref;
    if (!ref) throw new Error("nothing posted");
    const post = await world.bot.store.posts.lookup(ref);
    expect(post).toMatchObject({ kind: "digest", layout: "compact", delivery: FRIDAY_KEY });
    expect(post?.slots.get(1)).toBe("2606.13681");
    const vote = await world.bot.core.paperboy.handleReaction({
      message: ref,
      userId: "U2",
      emoji: { kind: "keycap", number: 2 },
      change: "added",
    });
    expect(vote).toEqual({ status: "counted", paperId: "2606.13392", votes: 1, changed: true, voted: true });
  });

  it("GIVEN the period was posted THEN a later run of the same schedule posts nothing", async () => {
    await subscribed();
    await world.bot.fire(EVERY_DAY_1700);
    world.bot.clock.advance(60 * 60_000);
    await world.bot.fire(EVERY_DAY_1700);
    expect(world.bot.platform.attempts).toHaveLength(1);
  });

  it("GIVEN nothing new since the last digest THEN it posts nothing and still marks the period delivered", async () => {
    await subscribed();
    await world.bot.fire(EVERY_DAY_1700);
    world.bot.clock.set(TUESDAY_0900_BERLIN); // batches 13, 14 (the weekend) and 15 are empty
    await world.bot.fire(EVERY_DAY_1700);
    expect(askedDates(world.hf)).toEqual(["2026-06-12", "2026-06-13", "2026-06-14", "2026-06-15"]);
    expect(world.bot.platform.attempts).toHaveLength(1);
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe(
      "daily:2026-06-15",
    );
    expect(await world.bot.store.deliveries.get(`${DAILY_ID}@daily:2026-06-15`)).toMatchObject({
      state: "empty",
      summary: "nothing new",
    });
  });

  it("GIVEN the channel asked for empty notices WHEN nothing is new THEN it posts one line: what its first run found, later 'no new papers'", async () => {
    await subscribed();
    const sub = await world.bot.store.subscriptions.get(DAILY_ID);
    if (!sub) throw new Error("not subscribed");
    await world.bot.store.subscriptions.put({ ...sub, emptyNotice: true });
    world.hf.respond("GET /api/daily_papers", { json: [] });
    await world.bot.fire(EVERY_DAY_1700);
    expect(world.bot.platform.sent).toHaveLength(1);
    // A first digest has no "last digest": it says which day Hugging Face had nothing for.
    const first = world.bot.platform.sent[0]?.message.fallbackText ?? "";
    expect(first).toMatch(/No papers on Hugging Face for \w{3} \d{1,2} \w+\./);
    expect(first).not.toContain("since the last digest");
    world.bot.clock.set(TUESDAY_0900_BERLIN);
    await world.bot.fire(EVERY_DAY_1700);
    expect(world.bot.platform.sent).toHaveLength(2);
    expect(world.bot.platform.sent[1]?.message.fallbackText).toContain(
      "No new papers since the last digest.",
    );
    expect(world.bot.platform.shownIds()).toEqual([]);
  });

  it("GIVEN the same papers come back in a later batch THEN the channel is never shown one twice", async () => {
    await subscribed();
    await world.bot.fire(EVERY_DAY_1700);
    const first = world.bot.platform.shownIds();
    serveRecordedOn(world.hf, "2026-06-15"); // Monday's batch repeats Friday's 30 papers
    world.bot.clock.set(TUESDAY_0900_BERLIN);
    await world.bot.fire(EVERY_DAY_1700);
    expect(world.bot.platform.sent).toHaveLength(2);
    const second = world.bot.platform.shownIds().slice(first.length);
    expect(second).toHaveLength(5);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  it("applies the channel's topic and minimum upvotes", async () => {
    await subscribed("topic agents min 3");
    await world.bot.fire(EVERY_DAY_1700);
    const all = hfFixturePapers();
    const agents = parseTopic("agents");
    const eligible = all.filter((p) => p.upvotes >= 3 && matchesTopic(p, agents)).map((p) => p.id);
    expect(all.filter((p) => !matchesTopic(p, agents)).length).toBeGreaterThan(0);
    expect(world.bot.platform.shownIds().length).toBeGreaterThan(0);
    for (const id of world.bot.platform.shownIds()) expect(eligible).toContain(id);
  });

  it("GIVEN a weekly subscription THEN it asks for the ISO week of the last completed day", async () => {
    await world.bot.subscribe("weekly");
    await world.bot.fire("0 9 * * 1");
    expect(world.hf.requestsTo("/api/daily_papers").map((r) => r.query.week)).toEqual(["2026-W24"]);
    expect(world.bot.platform.sent[0]?.message.blocks[0]).toEqual({
      type: "header",
      text: "Papers of the week on Hugging Face — 2026-W24",
    });
  });

  it("GIVEN the platform rejects the post THEN the subscription pauses, settings says why and how to fix it, and no run retries it", async () => {
    await subscribed();
    world.bot.platform.setMode({
      kind: "reject",
      reason: "not-in-channel",
      hint: "Run /invite @paperboy in #research.",
    });
    await world.bot.fire(EVERY_DAY_1700);
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.paused).toMatchObject({
      reason: "not-in-channel",
      hint: "Run /invite @paperboy in #research.",
    });
    const settings = await world.bot.settings();
    expect(settings).toContain("Paused: not-in-channel");
    expect(settings).toContain("Run /invite @paperboy in #research.");
    expect(await world.bot.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "rejected" });
    world.bot.clock.advance(24 * 60 * 60_000);
    await world.bot.fire(EVERY_DAY_1700);
    expect(world.bot.platform.attempts).toHaveLength(1);
  });

  it("GIVEN the platform answers 503 THEN the queue retries the post and it goes out once", async () => {
    await subscribed();
    world.bot.platform.nextOnce({ kind: "fail", error: "HTTP 503", retryable: true });
    await world.bot.fire(EVERY_DAY_1700);
    await vi.waitFor(() => {
      expect(world.bot.platform.sent).toHaveLength(1);
    }, WAIT);
    await world.bot.core.queue.idle();
    expect(world.bot.platform.attempts).toHaveLength(2);
    expect(await world.bot.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posted" });
    await new Promise((r) => setTimeout(r, 300)); // longer than the test core's longest retry delay
    expect(world.bot.platform.sent).toHaveLength(1);
  });

  it("GIVEN the platform answered 503 and the retry posted THEN the period is delivered and settings no longer says Retrying", async () => {
    await subscribed();
    world.bot.platform.nextOnce({ kind: "fail", error: "HTTP 503", retryable: true });
    await world.bot.fire(EVERY_DAY_1700);
    await vi.waitFor(() => {
      expect(world.bot.platform.sent).toHaveLength(1);
    }, WAIT);
    await world.bot.core.queue.idle();
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe(
      "daily:2026-06-12",
    );
    expect(await world.bot.settings()).not.toContain("Retrying");
  });

  it("GIVEN an adapter that throws THEN the post is retried, not lost, and goes out once", async () => {
    await subscribed();
    world.bot.platform.nextOnce({ kind: "throw", error: "socket hang up" });
    await world.bot.fire(EVERY_DAY_1700);
    await vi.waitFor(() => {
      expect(world.bot.platform.sent).toHaveLength(1);
    }, WAIT);
    await world.bot.core.queue.idle();
    expect(world.bot.platform.attempts).toHaveLength(2);
  });

  it("GIVEN Hugging Face is down but answered an hour ago THEN the digest is posted from the cache and says so", async () => {
    await world.bot.subscribe('daily cron "0 16 * * *"', channel("C2"));
    world.bot.clock.set("2026-06-13T14:00:00Z");
    await world.bot.fire("0 16 * * *"); // another channel's 16:00 run fetches and caches Friday's batch
    await subscribed();
    world.hf.respond("GET /api/daily_papers", { status: 500 });
    world.bot.clock.set(NOW); // the cached answer is an hour old: past the cache's 15 minutes
    await world.bot.fire(EVERY_DAY_1700);
    const posted = world.bot.platform.inChannel(CHANNEL);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.message.fallbackText).toContain(
      "Hugging Face could not be reached; these are the last papers fetched.",
    );
    expect(posted[0]?.message.blocks.filter((b) => b.type === "paper")).toHaveLength(5);
  });

  it("archives every paper it fetched, shown or not", async () => {
    await subscribed();
    await world.bot.fire(EVERY_DAY_1700);
    const ids = hfFixturePapers().map((p) => p.id);
    expect(ids).toHaveLength(30);
    const archived = await world.bot.store.papers.getMany(ids);
    expect(archived.filter((p) => p !== undefined)).toHaveLength(30);
  });

  it("GIVEN the tick's subscription was removed before it fired THEN nothing is fetched or posted", async () => {
    await subscribed();
    const [entry] = [...world.bot.scheduler.entries.values()].filter((e) => e.id !== "watch-poll");
    if (!entry) throw new Error("not scheduled");
    await world.bot.ask("unsubscribe daily");
    await world.bot.core.schedules.sync();
    expect(world.bot.groupIds()).toEqual([]);
    await entry.run(world.bot.clock.now()); // a tick already on its way
    await world.bot.core.queue.idle();
    expect(askedDates(world.hf)).toEqual([]);
    expect(world.bot.platform.attempts).toHaveLength(0);
  });
});

describe("archiving fetched batches", () => {
  it("writes a batch shared by many channels once, and again when the source serves a new batch", async () => {
    const clock = createClock(NOW);
    const base = await createStore("memory://");
    const puts: number[] = [];
    const store: Store = {
      ...base,
      papers: {
        ...base.papers,
        putMany: (papers) => {
          puts.push(papers.length);
          return base.papers.putMany(papers);
        },
      },
    };
    const scheduler = createManualScheduler();
    const core = createCore({
      config: {
        HF_API_URL: world.hf.url,
        ARXIV_API_URL: world.hf.arxivUrl,
        DEFAULT_TIMEZONE: "Europe/Berlin",
      },
      store,
      log: silentLogger,
      now: clock.now,
      scheduler,
      http: { timeoutMs: 500, retries: 0 },
      resyncMs: 0,
    });
    const platform = createFakePlatform();
    core.paperboy.registerPlatform(platform);
    await core.start();
    const subscribe = (where: string, cron: string) =>
      core.paperboy.handleCommand({
        channel: channel(where),
        userId: "U1",
        text: `subscribe daily cron "${cron}"`,
        canManage: true,
      });
    for (const where of ["a", "b", "c"]) await subscribe(where, EVERY_DAY_1700);
    await subscribe("d", "30 17 * * *");
    await core.schedules.sync();
    const fire = async (cron: string) => {
      const entry = [...scheduler.entries.values()].find((e) => e.cron === cron);
      if (!entry) throw new Error(`no entry for ${cron}`);
      await scheduler.fire(entry.id, clock.now());
      await core.queue.idle();
    };
    await fire(EVERY_DAY_1700);
    expect(platform.sent).toHaveLength(3);
    expect(puts).toEqual([30]);
    clock.advance(30 * 60_000); // the cached batch is 30 minutes old: fetched again, a new batch object
    await fire("30 17 * * *");
    expect(platform.sent).toHaveLength(4);
    expect(puts).toHaveLength(2);
    await core.stop();
    await base.close();
  });
});
