// Thread updates on two replicas over one Redis: both run the hourly check at the same moment, each channel still
// gets exactly one reply (the ledger key per channel and hour, and the Redis take script).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelRef, type ChannelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { createFakePlatform } from "../fakes/fake-platform.js";
import {
  FIXTURES,
  RECORDED_BATCH,
  recordedJson,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";
import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";
import { createTestCore, type TestCore } from "../fakes/test-core.js";
import { createClock, NOW } from "../scheduler/harness.js";

const redisAvailable = await probeRedis("Thread-update replica tests");
const prefix = `paperboy-test-updates-replicas-${randomUUID()}`;
const CHANNELS: ChannelRef[] = Array.from({ length: 12 }, (_, i) =>
  channelRef("console", "T1", `C${String(i)}`),
);

describe.runIf(redisAvailable)("thread updates on two replicas sharing one Redis", () => {
  let hf: PaperApiServer;
  const stores: Store[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await hf.close();
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(prefix);
    admin.close();
  });
  beforeAll(async () => {
    hf = await startPaperApiServer();
  });

  it("GIVEN twelve channels with a posted paper that released code THEN two replicas checking at once post one reply per channel", async () => {
    const clock = createClock(NOW);
    const channels = createFakePlatform({ id: "console" });
    const replica = async (owner: string): Promise<TestCore> => {
      const store = await createStore(redisUrl, { keyPrefix: prefix, owner });
      stores.push(store);
      const test = await createTestCore(hf, clock.now, { store });
      test.core.paperboy.registerPlatform(channels);
      return test;
    };
    const [a, b] = [await replica("replica-a"), await replica("replica-b")];
    // Day one: `/papers today` in every channel posts the recorded Friday (compact), through replica a.
    for (const channel of CHANNELS)
      await a.core.paperboy.handleCommand({ channel, userId: "U1", text: "today", canManage: true });
    expect(channels.sent).toHaveLength(CHANNELS.length);

    const items = recordedJson(FIXTURES.daily) as { paper: { id: string; githubRepo?: string } }[];
    for (const item of items)
      if (item.paper.id === "2606.13289") item.paper.githubRepo = "https://github.com/acme/tool";
    hf.respond("GET /api/daily_papers", (req) =>
      req.query.week === RECORDED_BATCH.week ? { json: items } : undefined,
    );
    clock.set("2026-06-14T10:00:00Z");
    const [ra, rb] = await Promise.all([a.core.updates.poll(), b.core.updates.poll()]);
    const replies = channels.sent.filter((s) => s.message.replyTo !== undefined);
    expect(replies.map((r) => r.channel.channel).sort()).toEqual(CHANNELS.map((c) => c.channel).sort());
    expect(ra.replies + rb.replies).toBe(CHANNELS.length);
    // Checked again by both, later: nothing new.
    clock.advance(2 * 60 * 60_000);
    await Promise.all([a.core.updates.poll(), b.core.updates.poll()]);
    expect(channels.sent.filter((s) => s.message.replyTo !== undefined)).toHaveLength(CHANNELS.length);
  });
});
