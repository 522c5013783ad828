// One scheduler entry per schedule group (cron + time zone): a tick fans out to every channel in it, once however often it fires.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLocalQueue } from "../../src/scheduler/local-queue.js";
import type { JobName, WorkQueue } from "../../src/scheduler/work-queue.js";
import { silentLogger } from "../../src/ops/logger.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { channel, CHANNEL, EVERY_DAY_1700, startBot, type Bot } from "./harness.js";

/** The local queue, recording each job it runs (by name). */
function recordingQueue(): { queue: WorkQueue; ran: JobName[] } {
  const ran: JobName[] = [];
  const inner = createLocalQueue({ concurrency: 50, log: silentLogger });
  const queue: WorkQueue = {
    ...inner,
    start: (handler) => {
      inner.start((job, attempt) => {
        ran.push(job.name);
        return handler(job, attempt);
      });
    },
  };
  return { queue, ran };
}

let hf: PaperApiServer;
beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());

let bot: Bot;
let ran: JobName[];
beforeEach(async () => {
  hf.reset();
  const recording = recordingQueue();
  ran = recording.ran;
  bot = await startBot(hf, { overrides: { queue: recording.queue } });
});
afterEach(() => bot.stop());

describe("schedule groups", () => {
  it("GIVEN two channels subscribed at the same time in the same zone THEN they share one scheduler entry and one tick posts both", async () => {
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`, CHANNEL);
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`, channel("C2"));
    expect(bot.groupIds()).toHaveLength(1);
    expect(bot.scheduler.entries.get(bot.groupIds()[0] ?? "")).toMatchObject({
      cron: EVERY_DAY_1700,
      timezone: "Europe/Berlin",
    });
    await bot.fire(EVERY_DAY_1700);
    expect(ran.filter((name) => name === "tick")).toHaveLength(1);
    expect(bot.platform.inChannel(CHANNEL)).toHaveLength(1);
    expect(bot.platform.inChannel(channel("C2"))).toHaveLength(1);
  });

  it("GIVEN the same time in another zone THEN it is a group of its own", async () => {
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`, CHANNEL);
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}" tz America/New_York`, channel("C2"));
    expect(bot.groupIds()).toHaveLength(2);
    await bot.fire(EVERY_DAY_1700);
    expect(bot.platform.inChannel(CHANNEL)).toHaveLength(1);
    expect(bot.platform.inChannel(channel("C2"))).toHaveLength(0);
  });

  it("GIVEN a tick fired twice for the same minute (two replicas) THEN the deliveries are added once and each channel gets one post", async () => {
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`, CHANNEL);
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`, channel("C2"));
    const [id] = bot.groupIds();
    if (id === undefined) throw new Error("not scheduled");
    const at = bot.clock.now();
    await Promise.all([bot.scheduler.fire(id, at), bot.scheduler.fire(id, at)]);
    await bot.core.queue.idle();
    expect(ran.filter((name) => name === "tick")).toHaveLength(1);
    expect(ran.filter((name) => name === "deliver")).toHaveLength(2);
    expect(bot.platform.attempts).toHaveLength(2);
    expect(bot.platform.inChannel(CHANNEL)).toHaveLength(1);
    expect(bot.platform.inChannel(channel("C2"))).toHaveLength(1);
  });
});
