// Test support for adapters' end-to-end tests: the real core (test-core.ts) over a store a test can take down, with the
// helpers Slack's and Discord's suites each used to copy: subscribe, fire a schedule group, read the leaderboard.
import type { Core } from "../../src/create-core.js";
import type { ChannelRef } from "../../src/index.js";
import type { RetryPolicy } from "../../src/scheduler/jobs.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import type { ManualScheduler } from "../fakes/manual-scheduler.js";
import { FIXTURES, recordedJson, type PaperApiServer } from "../fakes/paper-api-server.js";
import { withOutage, type OutageStore } from "../fakes/store-outage.js";
import { createTestCore } from "../fakes/test-core.js";

/** Saturday 13 June 2026, 15:00 UTC: the last completed Hugging Face day is Friday 12 June (the recorded batch). */
export const NOW = new Date("2026-06-13T15:00:00Z");

export interface RealCore {
  readonly core: Core;
  /** The core's store (wrapped: `outage.down = true` makes every store call fail). */
  readonly store: Store;
  readonly outage: OutageStore;
  readonly scheduler: ManualScheduler;
  /** The schedule group a subscribe just created (after syncing the schedules). */
  subscribedGroup(): Promise<string>;
  /** Fires a schedule group as its cron would at `at`; resolves when the queue is idle. */
  fire(id: string, at?: Date): Promise<void>;
  /** `/papers top week` asked of the core directly as a member: its fallback text. */
  top(channel: ChannelRef): Promise<string>;
  /** Polls `top()` until it matches (votes arrive asynchronously); returns the last text. */
  topShows(channel: ChannelRef, expected: RegExp): Promise<string>;
  /** Stops the core; closes the store when `closeStore` (default true). */
  close(closeStore?: boolean): Promise<void>;
}

export interface RealCoreOptions {
  readonly now?: () => Date;
  /** e.g. sqlite:///tmp/…/paperboy.sqlite to restart on the same data (default memory://). */
  readonly storeUrl?: string;
  /** Builds the core over this store instead. */
  readonly store?: Store;
  readonly retry?: RetryPolicy;
}

/** Builds (not starts) the real core: adapters are registered before `core.start()`, as main.ts does. */
export async function createRealCore(hf: PaperApiServer, options: RealCoreOptions = {}): Promise<RealCore> {
  const now = options.now ?? (() => NOW);
  const outage = withOutage(options.store ?? (await createStore(options.storeUrl ?? "memory://")));
  const { core, store, scheduler } = await createTestCore(hf, now, {
    store: outage.store,
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
  });

  async function top(channel: ChannelRef): Promise<string> {
    const reply = await core.paperboy.handleCommand({
      channel,
      userId: "U0MEMBER",
      text: "top week",
      canManage: false,
    });
    return reply.message.fallbackText;
  }

  return {
    core,
    store,
    outage,
    scheduler,
    async subscribedGroup() {
      await core.schedules.sync();
      const id = [...scheduler.entries.keys()].find((k) => k !== "watch-poll");
      if (id === undefined) throw new Error("subscribe scheduled nothing");
      return id;
    },
    async fire(id, at = now()) {
      await scheduler.fire(id, at);
      await core.queue.idle();
    },
    top,
    async topShows(channel, expected) {
      let last = "";
      for (let i = 0; i < 300; i++) {
        last = await top(channel);
        if (expected.test(last)) return last;
        await new Promise((r) => setTimeout(r, 10));
      }
      return last;
    },
    async close(closeStore = true) {
      await core.stop();
      if (closeStore) await store.close();
    },
  };
}

/** The recorded batch with its most upvoted paper (EvoArena, 2606.13681) renamed `title`. */
export function batchWithTopTitle(title: string): unknown[] {
  const items = recordedJson(FIXTURES.daily) as {
    paper: { upvotes: number; title: string };
    title?: string;
  }[];
  const top = items.reduce((best, item) => (item.paper.upvotes > best.paper.upvotes ? item : best));
  top.paper.title = title;
  if (top.title !== undefined) top.title = title;
  return items;
}
