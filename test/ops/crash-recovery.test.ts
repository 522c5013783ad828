// Nothing lost, nothing doubled: the real main process (Slack over HTTP against the loopback fake) SIGKILLed at several
// moments of a 300-channel fan-out with slow posts, restarted each time: every channel ends with exactly one digest,
// seeded once — on a SQLite file, and on Redis (BullMQ) where the restarted process is a new replica.
import { randomInt } from "node:crypto";

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { type Subscription } from "../../src/subscriptions/subscription.js";

import { useMainWorld, freePort, startMain, type RunningMain } from "../fakes/main-process.js";

import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";
import { dailySubscription } from "../fakes/subscriptions.js";

const redisAvailable = await probeRedis("Crash-recovery test on Redis");
const TEAM = "T0CRASH";
const TOKEN = "xoxb-crash-test";
const CHANNELS = 300;
const TOP = 3;
const KEYCAPS = ["one", "two", "three"];

const world = useMainWorld({
  prefix: "crash",
  team: TEAM,
  token: TOKEN,
  botUserId: "U0CRASHBOT",
  botId: "B0CRASH",
  postLatencyMs: 400,
});

/** 300 daily subscriptions in one workspace, due every second (one schedule group); channel ids unique per run. */
let run = 0;
async function seed(store: Store): Promise<Subscription[]> {
  run++;
  const subs = Array.from({ length: CHANNELS }, (_, i): Subscription => {
    const channel = channelRef("slack", TEAM, `C0CRASH${String(run)}X${String(i).padStart(4, "0")}`);
    return dailySubscription(channel, { top: TOP });
  });
  for (const s of subs) await store.subscriptions.put(s);
  return subs;
}

const messages = (subs: readonly Subscription[]) =>
  subs.map((s) => world.slack.messagesIn(s.channel.channel, TEAM));
const created = (subs: readonly Subscription[]): number => messages(subs).reduce((a, m) => a + m.length, 0);

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what} did not happen within ${String(ms)} ms; last output:\n${world.running?.output().slice(-3_000) ?? ""}`,
  );
}

async function runKilledAndRestarted(
  storeUrl: string,
  killAt: readonly number[],
  env: Record<string, string> = {},
): Promise<void> {
  const seeding = await createStore(storeUrl, { owner: "seed" });
  const subs = await seed(seeding);
  await seeding.close();
  const start = async (): Promise<RunningMain> =>
    startMain({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: "crash-test-signing-secret",
      SLACK_API_URL: world.slack.apiUrl,
      HF_API_URL: world.hf.url,
      ARXIV_API_URL: world.hf.arxivUrl,
      STORE_URL: storeUrl,
      PORT: String(await freePort()),
      // Slack's Tier 3 pacing of reactions.add (50 a minute) would make 900 keycaps take 18 minutes; lifted here.
      SLACK_REACTIONS_PER_MINUTE: "100000",
      ...env,
    });

  // Kill at each moment (messages created so far), restart, and go on; the last run finishes the fan-out.
  for (const moment of killAt) {
    world.running = await start();
    await waitFor(`${String(moment)} messages`, () => created(subs) >= moment, 60_000);
    world.running.child.kill("SIGKILL");
    await world.running.exited;
    // Nothing posted twice so far, whatever was in flight.
    expect(messages(subs).filter((m) => m.length > 1).length, world.running.output().slice(-2_000)).toBe(0);
  }
  world.running = await start();
  const store = await createStore(storeUrl, { owner: "test-reader" });
  try {
    await waitFor(
      "every delivery finished",
      async () => {
        const subsNow = await store.subscriptions.all();
        return (
          subsNow.every((s) => s.lastDelivered !== undefined) && (await store.deliveries.open()).length === 0
        );
      },
      90_000,
    );
    const all = messages(subs);
    // Exactly one digest per channel …
    expect(
      all
        .filter((m) => m.length !== 1)
        .map((m, i) => `${subs[i]?.channel.channel ?? ""}: ${String(m.length)}`),
    ).toEqual([]);
    // … each seeded with its keycaps once (a re-seed after a restart finds them there), each recorded as paperboy's.
    for (const [i, [message]] of all.entries()) {
      expect(message && [...message.reactions.keys()], subs[i]?.channel.channel).toEqual(KEYCAPS);
      expect(message && [...message.reactions.values()].every((users) => users.length === 1)).toBe(true);
      expect(await store.posts.lookup({ channel: subs[i]!.channel, id: message!.ts })).toMatchObject({
        kind: "digest",
      });
    }
  } finally {
    await store.close();
  }
}

describe("the main process SIGKILLed mid fan-out", () => {
  it("GIVEN a SQLite file and kills after 1, 120 and 240 messages THEN every channel has exactly one digest, seeded once", async () => {
    await runKilledAndRestarted(`sqlite://${join(world.dir, "crash.sqlite")}`, [1, 120, 240]);
  }, 240_000);

  it.runIf(redisAvailable)(
    "GIVEN Redis (BullMQ) and kills after 60 and 200 messages THEN every channel has exactly one digest, seeded once",
    async () => {
      // A database of its own on the test Redis (main uses the default key prefix), emptied before and after.
      const db = randomInt(1, 16);
      const url = `${redisUrl.replace(/\/\d*$/, "")}/${String(db)}`;
      const admin = await connectRedisAdmin(redisUrl);
      await admin.command("SELECT", String(db));
      await admin.command("FLUSHDB");
      try {
        // The killed replica's queue jobs run again 2 s after its last lock renewal (30 s by default).
        await runKilledAndRestarted(url, [60, 200], { QUEUE_LOCK_MS: "2000" });
      } finally {
        await admin.command("FLUSHDB");
        admin.close();
      }
    },
    240_000,
  );
});
