// Restarts on a real SQLite file: a crash at each step of a delivery, and subscriptions scheduled again after a restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatPlatform } from "../../src/platform/chat-platform.js";
import type { SendOutcome } from "../../src/platform/delivery-outcome.js";
import { createFakePlatform, type FakePlatform } from "../fakes/fake-platform.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import {
  CHANNEL,
  createClock,
  DAILY_ID,
  EVERY_DAY_1700,
  FRIDAY_KEY,
  NOW,
  startBot,
  type Bot,
  type BotOptions,
} from "./harness.js";

const WAIT = { timeout: 5_000 };
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** Sends through `channels` (or not at all) and never answers: the process dies during the platform call. */
function diesWhileSending(channels: FakePlatform, reachesChannel: boolean): ChatPlatform & { calls: number } {
  const dying = {
    ...channels,
    calls: 0,
    async send(...args: Parameters<ChatPlatform["send"]>): Promise<SendOutcome> {
      dying.calls++;
      if (reachesChannel) await channels.send(...args);
      return never();
    },
  };
  return dying;
}

let hf: PaperApiServer;
beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());

let dir: string;
const running: Bot[] = [];
beforeEach(() => {
  hf.reset();
  dir = mkdtempSync(join(tmpdir(), "paperboy-restart-"));
});
afterEach(async () => {
  for (const bot of running.splice(0)) await bot.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A process on the shared SQLite file, started at `at`. */
async function boot(at: string, options: BotOptions = {}): Promise<Bot> {
  const bot = await startBot(hf, {
    ...options,
    clock: createClock(at),
    storeUrl: `sqlite://${join(dir, "paperboy.sqlite")}`,
  });
  running.push(bot);
  return bot;
}

/** Adds the 17:00 group's tick (as its cron would) without waiting for what it starts. */
async function tick(bot: Bot): Promise<void> {
  const [id] = bot.groupIds();
  if (id === undefined) throw new Error("not scheduled");
  await bot.scheduler.fire(id, bot.clock.now());
}

describe("restart", () => {
  /** The first process claims Friday's digest, then hangs fetching it and dies holding the claim. */
  async function crashAfterClaim(): Promise<void> {
    const first = await boot(NOW);
    await first.subscribe(`daily cron "${EVERY_DAY_1700}"`);
    hf.respond("GET /api/daily_papers", { hang: true });
    await tick(first);
    await vi.waitFor(async () => {
      expect(await first.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "claimed" });
    }, WAIT);
    await first.crash();
    hf.reset();
  }

  it("GIVEN a crash after the claim but before posting WHEN the bot restarts THEN the dead claim is resumed at start-up and the digest is posted once", async () => {
    await crashAfterClaim();
    // No catch-up (17:00 was 5 minutes ago, the grace window is 1 minute): the open claim alone brings it back.
    const second = await boot("2026-06-13T15:05:00Z", { overrides: { graceMs: 60_000 } });
    await vi.waitFor(async () => {
      expect(await second.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posted" });
    }, WAIT);
    expect(second.platform.sent).toHaveLength(1);
    expect(second.platform.shownIds()).toHaveLength(5);
    expect((await second.store.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe(
      "daily:2026-06-12",
    );
    // The next run of the schedule has nothing new to post.
    await second.fire(EVERY_DAY_1700);
    expect(second.platform.sent).toHaveLength(1);
    await second.stop();

    const third = await boot("2026-06-13T15:10:00Z");
    await third.core.queue.idle();
    expect(third.platform.attempts).toHaveLength(0);
  });

  it("GIVEN a crash after the claim but before posting WHEN the bot restarts within the grace window THEN the catch-up posts the digest once", async () => {
    await crashAfterClaim();
    const second = await boot("2026-06-13T15:05:00Z");
    await vi.waitFor(
      () => {
        expect(second.platform.sent).toHaveLength(1);
      },
      { timeout: 1_000 },
    ); // fixed, the skipped delivery would be retried within 110 ms
    await second.core.queue.idle();
    expect(second.platform.sent).toHaveLength(1);
    expect(await second.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posted" });
  });

  it("GIVEN a crash during the platform call after the message reached the channel WHEN the bot restarts THEN it reads the channel back, records that message and posts nothing again", async () => {
    const channels = createFakePlatform();
    const first = await boot(NOW, { platform: channels, posting: diesWhileSending(channels, true) });
    await first.subscribe(`daily cron "${EVERY_DAY_1700}"`);
    await tick(first);
    await vi.waitFor(async () => {
      expect(await first.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posting", posting: 0 });
    }, WAIT);
    expect(channels.sent).toHaveLength(1);
    await first.crash();

    const second = await boot("2026-06-13T15:05:00Z", { platform: channels });
    await second.core.queue.idle();
    expect(channels.attempts).toHaveLength(1);
    expect(channels.sent).toHaveLength(1);
    const ref = channels.sent[0]?.ref;
    if (!ref) throw new Error("nothing in the channel");
    expect(await second.store.deliveries.get(FRIDAY_KEY)).toMatchObject({
      state: "posted",
      sent: [{ index: 0, id: ref.id }],
    });
    // The message is paperboy's: its keycaps are seeded and a vote on it counts.
    expect(channels.reactions.get(ref.id)).toEqual([1, 2, 3, 4, 5].map((n) => `keycap:${String(n)}`));
    const vote = await second.core.paperboy.handleReaction({
      message: ref,
      userId: "U2",
      emoji: { kind: "keycap", number: 1 },
      change: "added",
    });
    expect(vote).toMatchObject({ status: "counted", paperId: "2606.13681" });
    await second.stop();

    const third = await boot("2026-06-13T15:10:00Z", { platform: channels });
    await third.core.queue.idle();
    expect(channels.attempts).toHaveLength(1);
  });

  it("GIVEN a crash during the platform call WHEN the restart reads the message back THEN the period is marked delivered", async () => {
    const channels = createFakePlatform();
    const first = await boot(NOW, { platform: channels, posting: diesWhileSending(channels, true) });
    await first.subscribe(`daily cron "${EVERY_DAY_1700}"`);
    await tick(first);
    await vi.waitFor(async () => {
      expect(await first.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posting" });
    }, WAIT);
    await first.crash();
    const second = await boot("2026-06-13T15:05:00Z", { platform: channels });
    await second.core.queue.idle();
    expect(await second.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posted" });
    expect((await second.store.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe(
      "daily:2026-06-12",
    );
  });

  it("GIVEN a crash during the platform call before the message reached the channel WHEN the bot restarts THEN the digest is posted once", async () => {
    const channels = createFakePlatform();
    const dying = diesWhileSending(channels, false);
    const first = await boot(NOW, { platform: channels, posting: dying });
    await first.subscribe(`daily cron "${EVERY_DAY_1700}"`);
    await tick(first);
    await vi.waitFor(async () => {
      expect(await first.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posting" });
    }, WAIT);
    expect(dying.calls).toBe(1);
    await first.crash();

    const second = await boot("2026-06-13T15:05:00Z", { platform: channels });
    await second.core.queue.idle();
    expect(channels.sent).toHaveLength(1);
    expect(channels.shownIds()).toHaveLength(5);
    expect(await second.store.deliveries.get(FRIDAY_KEY)).toMatchObject({ state: "posted" });
    await second.stop();

    const third = await boot("2026-06-13T15:10:00Z", { platform: channels });
    await third.core.queue.idle();
    expect(channels.sent).toHaveLength(1);
  });

  it("keeps subscriptions across a restart and schedules them again with their cron and zone", async () => {
    const first = await boot(NOW);
    await first.subscribe("daily at 08:30 tz America/New_York");
    await first.subscribe("arxiv:cs.CL");
    await first.stop();

    const second = await boot("2026-06-13T16:00:00Z");
    const entries = [...second.scheduler.entries.values()].filter((e) => e.id !== "watch-poll");
    expect(entries.map(({ cron, timezone }) => ({ cron, timezone }))).toEqual(
      expect.arrayContaining([
        { cron: "30 8 * * 1-5", timezone: "America/New_York" },
        { cron: "0 9 * * 1-5", timezone: "Europe/Berlin" },
      ]),
    );
    expect(entries).toHaveLength(2);
    // The re-created entry runs the digest.
    await second.fire("30 8 * * 1-5", { timezone: "America/New_York" });
    expect(second.platform.inChannel(CHANNEL)).toHaveLength(1);
    expect(second.platform.sent[0]?.message.blocks[0]).toEqual({
      type: "header",
      text: "Trending on Hugging Face — Fri 12 June",
    });
  });
});
