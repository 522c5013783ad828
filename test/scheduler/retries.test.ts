// A delivery that failed on something that may pass (Hugging Face down) is retried by the queue, shown in settings, until the next run.
import { describe, expect, it, vi } from "vitest";

import { askedDates, DAILY_ID, EVERY_DAY_1700, FRIDAY_KEY, serveRecordedOn, useBot } from "./harness.js";

/** Longer than the test core's longest retry delay (100 ms, +10 % jitter). */
const LONGER_THAN_A_RETRY_MS = 300;
const WAIT = { timeout: 5_000 };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const world = useBot(async (bot) => {
  await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`);
});

describe("retries", () => {
  it("GIVEN Hugging Face answers 500 at the tick THEN nothing is posted, settings shows Retrying with the reason, and once it answers the digest goes out exactly once", async () => {
    world.hf.respond("GET /api/daily_papers", { status: 500 });
    await world.bot.fire(EVERY_DAY_1700);
    await vi.waitFor(async () => {
      expect((await world.bot.store.subscriptions.get(DAILY_ID))?.retry?.attempts).toBeGreaterThanOrEqual(2);
    }, WAIT);
    expect(world.bot.platform.attempts).toHaveLength(0);
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.retry).toMatchObject({
      periodKey: "daily:2026-06-12",
      since: "2026-06-13T15:00:00.000Z",
    });
    const settings = await world.bot.settings();
    expect(settings).toContain(`Retrying: Hugging Face cannot be reached at ${world.hf.url}`);
    expect(settings).toContain("since Sat 13 Jun 17:00 Europe/Berlin");
    // The claim was given back each time: nothing is left open for a restart to resume.
    expect(await world.bot.store.deliveries.get(FRIDAY_KEY)).toBeUndefined();

    world.hf.reset();
    await vi.waitFor(() => {
      expect(world.bot.platform.sent).toHaveLength(1);
    }, WAIT);
    await world.bot.core.queue.idle();
    await pause(LONGER_THAN_A_RETRY_MS);
    expect(world.bot.platform.attempts).toHaveLength(1);
    expect(world.bot.platform.shownIds()).toHaveLength(5);
    expect(await world.bot.settings()).not.toContain("Retrying");
    expect(await world.bot.store.subscriptions.get(DAILY_ID)).toMatchObject({
      lastDelivered: { periodKey: "daily:2026-06-12" },
    });
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.retry).toBeUndefined();
  });

  it("GIVEN Hugging Face stays down until the next run is due THEN the retries stop, settings no longer says Retrying, and the next run posts once", async () => {
    world.hf.respond("GET /api/daily_papers", { status: 500 });
    await world.bot.fire(EVERY_DAY_1700);
    await vi.waitFor(async () => {
      expect(await world.bot.settings()).toContain("Retrying");
    }, WAIT);
    world.bot.clock.set("2026-06-14T14:59:59.990Z"); // 10 ms before Sunday's 17:00 Berlin: no room for another delay
    await vi.waitFor(async () => {
      expect(await world.bot.settings()).not.toContain("Retrying");
    }, WAIT);
    await world.bot.core.queue.idle();
    const tries = world.hf.requestsTo("/api/daily_papers").length;
    await pause(LONGER_THAN_A_RETRY_MS);
    expect(world.hf.requestsTo("/api/daily_papers")).toHaveLength(tries);
    expect(world.bot.platform.attempts).toHaveLength(0);

    // Sunday's run: Hugging Face is back, and Saturday's batch is the last completed day.
    world.hf.reset();
    serveRecordedOn(world.hf, "2026-06-13");
    world.bot.clock.set("2026-06-14T15:00:00Z");
    await world.bot.fire(EVERY_DAY_1700);
    await pause(LONGER_THAN_A_RETRY_MS);
    expect(askedDates(world.hf)).toEqual(["2026-06-13"]);
    expect(world.bot.platform.sent).toHaveLength(1);
    expect(world.bot.platform.sent[0]?.message.blocks[0]).toEqual({
      type: "header",
      text: "Trending on Hugging Face — Sat 13 June",
    });
    expect((await world.bot.store.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe(
      "daily:2026-06-13",
    );
  });

  it("GIVEN an hourly schedule whose retries gave up THEN the next hour's run posts the same day's digest", async () => {
    await world.bot.subscribe('daily cron "0 * * * *"');
    world.hf.respond("GET /api/daily_papers", { status: 500 });
    await world.bot.fire("0 * * * *");
    await vi.waitFor(async () => {
      expect(await world.bot.settings()).toContain("Retrying");
    }, WAIT);
    world.bot.clock.set("2026-06-13T15:59:59.990Z");
    await vi.waitFor(async () => {
      expect(await world.bot.settings()).not.toContain("Retrying");
    }, WAIT);
    world.hf.reset();
    world.bot.clock.set("2026-06-13T16:00:00Z");
    await world.bot.fire("0 * * * *");
    await pause(LONGER_THAN_A_RETRY_MS);
    expect(world.bot.platform.sent).toHaveLength(1);
  });
});
