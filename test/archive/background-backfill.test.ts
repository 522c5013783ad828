// The core's background backfill: one replica of several on Redis does it (the lease), and it waits for Hugging Face to
// be left alone by searches and digests before each day.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BACKFILL_QUIET_MS } from "../../src/archive/background-backfill.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { datesFrom, serveDailyLists } from "../fakes/daily-lists.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";
import { createTestCore } from "../fakes/test-core.js";

// Saturday 13 June 2026: the last closed list is Friday 12 June; five days back is Monday 8 June.
const NOW = new Date("2026-06-13T15:00:00Z");
const FROM = "2026-06-08";
const TO = "2026-06-12";

const redisAvailable = await probeRedis("background backfill replica tests");
const runPrefix = `paperboy-test-bgfill-${randomUUID()}`;

let hf: PaperApiServer;
beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(async () => {
  await hf.close();
  if (redisAvailable) {
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(runPrefix);
    admin.close();
  }
});
beforeEach(() => {
  hf.reset();
});

const config = (days: number) => ({
  HF_API_URL: hf.url,
  ARXIV_API_URL: hf.arxivUrl,
  DEFAULT_TIMEZONE: "UTC",
  ARCHIVE_BACKFILL_DAYS: days,
  ARCHIVE_BACKFILL_PACE_MS: 50,
});

const askedDates = (): string[] =>
  hf
    .requestsTo("/api/daily_papers")
    .flatMap((r) => (r.query.date !== undefined ? [r.query.date] : []))
    .sort();

describe("the background backfill", () => {
  it("GIVEN three replicas on one Redis starting at once THEN one fills the days, each asked once, and a later start asks nothing", async (ctx) => {
    if (!redisAvailable) ctx.skip();
    const lists = serveDailyLists(hf, FROM);
    const prefix = `${runPrefix}-${randomUUID()}`;
    const stores: Store[] = [];
    try {
      const cores = await Promise.all(
        ["a", "b", "c"].map(async (owner) => {
          const store = await createStore(redisUrl, { keyPrefix: prefix, owner: `replica-${owner}` });
          stores.push(store);
          return (await createTestCore(hf, () => NOW, { store, config: config(5) })).core;
        }),
      );
      await Promise.all(cores.map((core) => core.start()));
      const reports = await Promise.all(cores.map((core) => core.background.backfill));
      expect(reports.filter((r) => r !== undefined)).toHaveLength(1);
      expect(askedDates()).toEqual(datesFrom(FROM, TO));
      expect([...(await stores[0]!.backfill.doneDays(FROM, TO)).keys()]).toEqual(datesFrom(FROM, TO));
      const ids = [...lists.distinctIds(FROM, TO)];
      expect((await stores[1]!.papers.getMany(ids as never[])).filter(Boolean)).toHaveLength(ids.length);
      await Promise.all(cores.map((core) => core.stop()));

      // Restarted: every day is filled, so nobody asks again (and nobody needs the lease).
      const later = (await createTestCore(hf, () => NOW, { store: stores[2]!, config: config(5) })).core;
      await later.start();
      expect(await later.background.backfill).toBeUndefined();
      await later.stop();
      expect(askedDates()).toEqual(datesFrom(FROM, TO));
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it("GIVEN a search asking Hugging Face THEN the backfill's first day waits until Hugging Face has been quiet for a while", async () => {
    serveDailyLists(hf, FROM);
    hf.respond("GET /api/papers/search", { delayMs: 200, json: [] });
    const store = await createStore("memory://");
    try {
      const { core } = await createTestCore(hf, () => NOW, {
        store,
        config: config(2),
        hfSearchTimeoutMs: 1_000,
      });
      // The search goes first: the backfill may not start a day while it is in flight, nor right after it.
      const search = core.paperboy.handleCommand({
        channel: channelRef("slack", "T1", "C1"),
        userId: "U1",
        text: "kazakh",
        canManage: false,
      });
      await new Promise((r) => setTimeout(r, 20));
      await core.start();
      await search;
      expect(await core.background.backfill).toMatchObject({ filled: 2 });
      const [asked] = hf.requestsTo("/api/papers/search");
      const [firstDay] = hf.requestsTo("/api/daily_papers");
      expect(firstDay!.time - asked!.time).toBeGreaterThanOrEqual(200 + BACKFILL_QUIET_MS - 50);
      await core.stop();
    } finally {
      await store.close();
    }
  });
});
