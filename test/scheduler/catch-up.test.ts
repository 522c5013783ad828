// Catch-up at start-up: one tick per schedule group whose last run within the grace window was missed while down.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cronNextRun } from "../../src/scheduler/node-cron-scheduler.js";
import { createSchedules } from "../../src/scheduler/schedules.js";
import type { Job } from "../../src/scheduler/work-queue.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Subscription } from "../../src/subscriptions/subscription.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { channel, createClock, NOW, startBot, type Bot } from "./harness.js";

// At NOW (Saturday 17:00 Berlin): 14:00 Berlin was three hours ago, within the six-hour grace window; 09:00 Berlin
// was eight hours ago, beyond it; 13:30 New York (19:30 Berlin) is still to come.
const MISSED = "0 14 * * *";
const TOO_LONG_AGO = "0 9 * * *";
const TO_COME = { cron: "30 13 * * *", timezone: "America/New_York" };

function sub(id: string, cron: string, timezone = "Europe/Berlin"): Subscription {
  const where = channel(id);
  return {
    id: subscriptionId(where, { kind: "daily" }),
    channel: where,
    source: { kind: "daily" },
    cron,
    timezone,
    minUpvotes: 0,
    top: 5,
    layout: "compact",
    voteEmoji: [],
    createdAt: "2026-06-01T00:00:00Z",
    emptyNotice: false,
  };
}

/** Syncs `subs` onto a scheduler and catches up at NOW: the tick jobs added, and the nextRun calls catch-up made. */
async function catchUpOver(subs: Subscription[]): Promise<{ ticks: Job[]; walks: number }> {
  const store = await createStore("memory://");
  for (const s of subs) await store.subscriptions.put(s);
  let walks = 0;
  const scheduler = {
    ...createManualScheduler(),
    nextRun: (cron: string, timezone: string, after: Date) => {
      walks++;
      return cronNextRun(cron, timezone, after);
    },
  };
  const ticks: Job[] = [];
  const schedules = createSchedules({
    scheduler,
    subscriptions: store.subscriptions,
    queue: {
      add: (jobs) => {
        ticks.push(...jobs);
        return Promise.resolve();
      },
    },
    now: () => new Date(NOW),
    log: silentLogger,
  });
  await schedules.sync();
  walks = 0;
  await schedules.catchUp();
  schedules.stop();
  await store.close();
  return { ticks, walks };
}

describe("catch-up over schedule groups", () => {
  it("GIVEN 50 subscriptions sharing a missed schedule THEN one tick at its last scheduled time, and one calendar walk per group", async () => {
    const one = await catchUpOver([sub("a", MISSED)]);
    const toCome = await catchUpOver([sub("c", TO_COME.cron, TO_COME.timezone)]);
    const many = Array.from({ length: 50 }, (_, i) => sub(`b${String(i)}`, MISSED));
    const all = await catchUpOver([...many, sub("c", TO_COME.cron, TO_COME.timezone)]);
    expect(toCome.ticks).toEqual([]);
    expect(all.ticks).toHaveLength(1);
    expect(all.ticks[0]).toMatchObject({
      name: "tick",
      data: { cron: MISSED, timezone: "Europe/Berlin", firedAt: "2026-06-13T12:00:00.000Z" },
    });
    expect(all.ticks[0]?.id).toBe(one.ticks[0]?.id);
    expect(all.walks).toBe(one.walks + toCome.walks);
  });
});

describe("catch-up at start-up", () => {
  let hf: PaperApiServer;
  beforeAll(async () => {
    hf = await startPaperApiServer();
  });
  afterAll(() => hf.close());

  let dir: string;
  const running: Bot[] = [];
  beforeEach(() => {
    hf.reset();
    dir = mkdtempSync(join(tmpdir(), "paperboy-catch-up-"));
  });
  afterEach(async () => {
    for (const bot of running.splice(0)) await bot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function boot(at: string): Promise<Bot> {
    const bot = await startBot(hf, {
      clock: createClock(at),
      storeUrl: `sqlite://${join(dir, "paperboy.sqlite")}`,
    });
    running.push(bot);
    return bot;
  }

  it("GIVEN the bot was down at a group's run THEN start-up adds one tick for that group, posts each of its channels once, and a second start-up posts nothing new", async () => {
    const first = await boot("2026-06-13T10:00:00Z"); // 12:00 Berlin, before every run of the day
    for (const id of ["C1", "C2", "C3"]) await first.subscribe(`daily cron "${MISSED}"`, channel(id));
    await first.subscribe(`daily cron "${TOO_LONG_AGO}"`, channel("C4"));
    await first.subscribe(`daily cron "${TO_COME.cron}" tz ${TO_COME.timezone}`, channel("C5"));
    await first.stop();

    const second = await boot(NOW);
    expect(second.started).toEqual({ groups: 3, caughtUp: 1, resumed: 0 });
    await second.core.queue.idle();
    for (const id of ["C1", "C2", "C3"]) expect(second.platform.inChannel(channel(id)), id).toHaveLength(1);
    expect(second.platform.inChannel(channel("C4"))).toHaveLength(0);
    expect(second.platform.inChannel(channel("C5"))).toHaveLength(0);
    expect(second.platform.sent[0]?.message.blocks[0]).toEqual({
      type: "header",
      text: "Trending on Hugging Face — Fri 12 June",
    });
    await second.stop();

    const third = await boot("2026-06-13T15:30:00Z");
    expect(third.started?.caughtUp).toBe(1); // the same missed tick, whose channels all have it already
    await third.core.queue.idle();
    expect(third.platform.attempts).toHaveLength(0);
  });
});
