// The real core for scheduling tests (test/fakes/test-core.ts): a movable clock, one fake platform, commands by text, group entries fired by cron.
import type { ChatPlatform } from "../../src/platform/chat-platform.js";
import { channelRef, type ChannelRef } from "../../src/platform/channel-ref.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { createFakePlatform, type FakePlatform } from "../fakes/fake-platform.js";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import {
  FIXTURES,
  recordedJson,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";
import { createTestCore, type TestCore } from "../fakes/test-core.js";

/** Saturday 13 June 2026, 15:00 UTC (17:00 Berlin): the last completed Hugging Face day is Friday 12 June, the recorded batch. */
export const NOW = "2026-06-13T15:00:00Z";
/** Every day at 17:00 Berlin: the pinned clock is one of its runs. */
export const EVERY_DAY_1700 = "0 17 * * *";
export const CHANNEL: ChannelRef = channelRef("console", "T1", "C1");
export const DAILY_ID = subscriptionId(CHANNEL, { kind: "daily" });
/** The ledger key of CHANNEL's daily digest of the recorded Friday. */
export const FRIDAY_KEY = `${DAILY_ID}@daily:2026-06-12`;

export const channel = (id: string): ChannelRef => channelRef("console", "T1", id);

export interface Clock {
  readonly now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function createClock(iso: string): Clock {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (next) => {
      t = new Date(next).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface Bot extends TestCore {
  readonly platform: FakePlatform;
  readonly clock: Clock;
  /** What core.start() answered (undefined when not started). */
  readonly started: Awaited<ReturnType<TestCore["core"]["start"]>> | undefined;
  /** `/papers <text>` by a manager in `where`; the reply's text. */
  ask(text: string, where?: ChannelRef): Promise<string>;
  /** `/papers subscribe <options>`, then the live schedules follow (as the resync would). */
  subscribe(options: string, where?: ChannelRef): Promise<string>;
  settings(where?: ChannelRef): Promise<string>;
  /** The scheduler's entries other than the hourly watch poll. */
  groupIds(): string[];
  /** Runs the group entry of (cron, zone) as if it fired at `at` (default: the clock), then waits for the queue. */
  fire(cron: string, options?: { readonly timezone?: string; readonly at?: string | Date }): Promise<void>;
  /** A clean shutdown (nothing after a crash). */
  stop(): Promise<void>;
  /** The process dies: its store closes under whatever is in flight, which never continues. */
  crash(): Promise<void>;
}

export interface BotOptions {
  /** Default: a new clock at NOW. */
  readonly clock?: Clock;
  readonly storeUrl?: string;
  /** What the core posts through (default: a new fake platform; `platform` is then that fake). */
  readonly platform?: FakePlatform;
  /** Registered instead of `platform` (which still stands for the channels' contents). */
  readonly posting?: ChatPlatform;
  readonly overrides?: Parameters<typeof createTestCore>[2];
  /** Default true. */
  readonly start?: boolean;
}

export async function startBot(hf: PaperApiServer, options: BotOptions = {}): Promise<Bot> {
  const clock = options.clock ?? createClock(NOW);
  const platform = options.platform ?? createFakePlatform({ id: "console" });
  const test = await createTestCore(hf, clock.now, {
    ...options.overrides,
    ...(options.storeUrl ? { storeUrl: options.storeUrl } : {}),
  });
  const { core, store, scheduler } = test;
  core.paperboy.registerPlatform(options.posting ?? platform);
  const started = options.start === false ? undefined : await core.start();

  let down = false;
  const ask = async (text: string, where = CHANNEL): Promise<string> =>
    (await core.paperboy.handleCommand({ channel: where, userId: "U1", text, canManage: true })).message
      .fallbackText;

  return {
    ...test,
    platform,
    clock,
    started,
    ask,
    async subscribe(text, where) {
      const reply = await ask(`subscribe ${text}`, where);
      if (!/^(Subscribed|Updated|Resumed)/.test(reply))
        throw new Error(`subscribe ${text} was refused: ${reply}`);
      await core.schedules.sync();
      return reply;
    },
    settings: (where) => ask("settings", where),
    groupIds: () => [...scheduler.entries.keys()].filter((id) => id !== "watch-poll"),
    async fire(cron, { timezone = "Europe/Berlin", at = clock.now() } = {}) {
      const entry = [...scheduler.entries.values()].find((e) => e.cron === cron && e.timezone === timezone);
      if (!entry)
        throw new Error(
          `no entry for ${cron} (${timezone}); entries: ${[...scheduler.entries.keys()].join(", ")}`,
        );
      await scheduler.fire(entry.id, new Date(at));
      await core.queue.idle();
    },
    async stop() {
      if (down) return;
      down = true;
      await core.stop(1_000);
      await store.close();
    },
    async crash() {
      down = true;
      await store.close();
      await core.stop(10);
    },
  };
}

/** Answers /api/daily_papers for the given dates with the recorded batch (other dates as the fake's default). */
export function serveRecordedOn(hf: PaperApiServer, ...dates: string[]): void {
  hf.respond("GET /api/daily_papers", (req) =>
    req.query.date !== undefined && dates.includes(req.query.date)
      ? { json: recordedJson(FIXTURES.daily) }
      : undefined,
  );
}

/** The dates /api/daily_papers was asked for, in order (one per fetched period). */
export const askedDates = (hf: PaperApiServer): (string | undefined)[] =>
  hf.requestsTo("/api/daily_papers").map((r) => r.query.date);

/** A bot per test over one loopback paper API per suite (reset between tests); `then` runs after each start. */
export function useBot(then?: (bot: Bot) => Promise<void>): {
  readonly hf: PaperApiServer;
  readonly bot: Bot;
} {
  const world = {} as { hf: PaperApiServer; bot: Bot };
  beforeAll(async () => {
    world.hf = await startPaperApiServer();
  });
  afterAll(() => world.hf.close());
  beforeEach(async () => {
    world.hf.reset();
    world.bot = await startBot(world.hf);
    if (then) await then(world.bot);
  });
  afterEach(() => world.bot.stop());
  return world;
}
