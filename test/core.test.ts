// The real core end to end: commands, votes, shares, subscriptions and outages over a memory store and the loopback HF fake.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCore, type Core } from "../src/create-core.js";
import type { CommandReply } from "../src/platform/command-reply.js";
import { channelRef, type ChannelRef } from "../src/platform/channel-ref.js";
import type { CommandInvocation } from "../src/platform/events.js";
import { silentLogger } from "../src/ops/logger.js";
import type { Store } from "../src/storage/store.js";
import { createFakePlatform, type FakePlatform } from "./fakes/fake-platform.js";
import { createManualScheduler, type ManualScheduler } from "./fakes/manual-scheduler.js";
import { startPaperApiServer, type PaperApiServer } from "./fakes/paper-api-server.js";
import { createTestCore } from "./fakes/test-core.js";

// Saturday 13 June 2026, 15:00 UTC: the last completed Hugging Face day is Friday 12 June (the recorded batch).
const NOW = new Date("2026-06-13T15:00:00Z");
const channel: ChannelRef = channelRef("console", "T1", "C1");

function textOf(reply: CommandReply): string {
  return JSON.stringify(reply.message.blocks);
}

describe("the core", () => {
  let hf: PaperApiServer;
  let store: Store;
  let core: Core;
  let platform: FakePlatform;
  let scheduler: ManualScheduler;
  let now: Date;

  const ask = (text: string, extra: Partial<CommandInvocation> = {}) =>
    core.paperboy.handleCommand({ channel, userId: "U1", text, canManage: true, ...extra });

  beforeAll(async () => {
    hf = await startPaperApiServer();
  });
  afterAll(() => hf.close());

  beforeEach(async () => {
    now = NOW;
    hf.reset();
    ({ core, store, scheduler } = await createTestCore(hf, () => now));
    platform = createFakePlatform({ id: "console" });
    core.paperboy.registerPlatform(platform);
    await core.start();
  });
  afterEach(async () => {
    await core.stop();
    await store.close();
  });

  it("GIVEN /papers today THEN the digest is posted with keycaps seeded and a keycap reaction votes for that slot", async () => {
    const reply = await ask("today");
    expect(reply.visibility).toBe("ephemeral");
    expect(textOf(reply)).toContain("Posted 5 papers");
    expect(platform.sent).toHaveLength(1);
    const posted = platform.sent[0]!;
    expect(platform.reactions.get(posted.ref.id)).toEqual([1, 2, 3, 4, 5].map((n) => `keycap:${String(n)}`));
    const first = posted.message.blocks.find((b) => b.type === "paper");
    expect(first?.type === "paper" && first.paper.upvotes).toBe(118);

    const message = { channel, id: "m1" };
    const vote = await core.paperboy.handleReaction({
      message,
      userId: "U2",
      emoji: { kind: "keycap", number: 1 },
      change: "added",
    });
    expect(vote).toMatchObject({ status: "counted", votes: 1 });
    const top = await ask("top week");
    expect(top.visibility).toBe("public");
    expect(textOf(top)).toContain("EvoArena");
  });

  it("answers a search with share buttons, and a share posts a votable card", async () => {
    const reply = await ask("kazakh");
    expect(reply.visibility).toBe("ephemeral");
    const share = reply.message.blocks
      .flatMap((b) => (b.type === "actions" ? b.buttons : []))
      .find((b) => b.kind === "action");
    expect(share).toBeDefined();
    if (share?.kind !== "action") throw new Error("no share button");
    const shared = await core.paperboy.handleAction({
      channel,
      userId: "U1",
      actionId: "share",
      value: share.value,
    });
    expect(textOf(shared)).toContain("Shared");
    expect(platform.sent).toHaveLength(1);
    const vote = await core.paperboy.handleReaction({
      message: { channel, id: "m1" },
      userId: "U3",
      emoji: { kind: "unicode", value: "👍🏽" },
      change: "added",
    });
    expect(vote).toMatchObject({ status: "counted", paperId: share.value, votes: 1 });
  });

  it("refuses subscription changes to non-managers and says who can", async () => {
    const reply = await ask("subscribe daily", {
      canManage: false,
      managersHint: "workspace admins and owners",
    });
    expect(textOf(reply)).toContain("only workspace admins and owners can");
    expect(scheduler.entries.size).toBe(1); // only the hourly watch poll
  });

  it("GIVEN a subscription THEN its cron fire posts the last completed day once, and a second fire posts nothing new", async () => {
    const reply = await ask("subscribe daily at 08:30 top 3");
    expect(textOf(reply)).toContain("08:30");
    const settings = await ask("settings");
    expect(textOf(settings)).toContain("Europe/Berlin");
    await core.schedules.sync();
    const [id] = [...scheduler.entries.keys()].filter((k) => k !== "watch-poll");
    expect(id).toBeDefined();
    await scheduler.fire(id!, NOW);
    await core.queue.idle();
    expect(platform.sent).toHaveLength(1);
    expect(platform.sent[0]!.message.blocks.filter((b) => b.type === "paper")).toHaveLength(3);
    await scheduler.fire(id!, new Date(NOW.getTime() + 60_000));
    await core.queue.idle();
    expect(platform.sent).toHaveLength(1);
  });

  it("GIVEN Hugging Face is down and the archive is empty THEN /papers today says so plainly and names the URL", async () => {
    hf.respond("GET /api/daily_papers", { status: 503 });
    const today = await ask("today");
    expect(today.visibility).toBe("ephemeral");
    expect(textOf(today)).toContain(`Hugging Face cannot be reached at ${hf.url}`);
    expect(platform.sent).toHaveLength(0);
  });

  it("GIVEN subscriptions changed through another replica THEN its resync schedules one entry per schedule group, moves and cancels it", async () => {
    const otherScheduler = createManualScheduler();
    const other = createCore({
      config: { HF_API_URL: hf.url, ARXIV_API_URL: hf.arxivUrl, DEFAULT_TIMEZONE: "UTC" },
      store,
      log: silentLogger,
      now: () => now,
      scheduler: otherScheduler,
      resyncMs: 0,
    });
    await other.start();
    const groupIds = () => [...otherScheduler.entries.keys()].filter((k) => k !== "watch-poll");
    expect(groupIds()).toEqual([]);
    await ask("subscribe weekly at 10:00");
    expect(await other.schedules.sync()).toBe(1);
    expect(groupIds()).toHaveLength(1);
    expect(await other.schedules.sync()).toBe(0);
    // Another channel on the same schedule shares the group's one entry.
    await core.paperboy.handleCommand({
      channel: channelRef("console", "T1", "C2"),
      userId: "U1",
      text: "subscribe weekly at 10:00",
      canManage: true,
    });
    expect(await other.schedules.sync()).toBe(0);
    await ask("subscribe weekly at 11:15");
    expect(await other.schedules.sync()).toBe(1);
    expect(groupIds()).toHaveLength(2);
    expect([...otherScheduler.entries.values()].map((e) => e.cron)).toContain("15 11 * * 1");
    await ask("unsubscribe weekly");
    await core.paperboy.handleCommand({
      channel: channelRef("console", "T1", "C2"),
      userId: "U1",
      text: "unsubscribe weekly",
      canManage: true,
    });
    expect(await other.schedules.sync()).toBe(2);
    expect(groupIds()).toEqual([]);
    await other.stop();
  });

  it("turns bad input into a usage message, never an exception", async () => {
    for (const text of [
      "--frobnicate",
      "subscribe daily at 25:00",
      "x".repeat(300),
      "top \u0000",
      "subscribe tz Mars/Olympus",
    ]) {
      const reply = await ask(text);
      expect(reply.visibility).toBe("ephemeral");
      expect(reply.message.blocks.length).toBeGreaterThan(0);
    }
    expect(textOf(await ask("subscribe daily at 25:00"))).toContain("25:00");
  });

  it("GIVEN Hugging Face is down THEN /papers today names the URL and search answers from the archive", async () => {
    await ask("today"); // archives the recorded batch
    hf.respond("GET /api/daily_papers", { status: 500 });
    hf.respond("GET /api/papers/search", { status: 500 });
    now = new Date("2026-06-20T15:00:00Z"); // a week later: nothing cached for those dates
    const today = await ask("today");
    expect(textOf(today)).toContain("Posted");
    const fallback = JSON.stringify(platform.sent.at(-1)?.message);
    expect(fallback).toContain(`Hugging Face cannot be reached at ${hf.url}`);
    expect(fallback).toContain("paperboy's archive");
    expect(fallback).toContain("EvoArena");
    const search = await ask("sparse attention");
    expect(textOf(search)).toContain("MiniMax Sparse Attention");
    expect(textOf(search).toLowerCase()).toContain("archive");
  });
});
