// A store failure is a failure: the real main process (Slack over HTTP, loopback fakes) with its store taken away — a
// full disk under SQLite, the SQLite file deleted, Redis stopped — answers /healthz 503 and Slack 500 for a vote, and
// once the store is back, Slack's redelivery of that vote counts it once.
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync, unlinkSync, writeFileSync } from "node:fs";

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PaperId } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import { type Subscription } from "../../src/subscriptions/subscription.js";
import { eventFixture, postSigned, SIGNING_SECRET } from "../adapters/slack/slack-harness.js";

import { useMainWorld, freePort, get, killHard, pollUntil, startMain } from "../fakes/main-process.js";

import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { dailySubscription } from "../fakes/subscriptions.js";

const TEAM = "T0OUTAGE";
const TOKEN = "xoxb-outage-test";
const BOT = "U0OUTBOT";

let channelNo = 0;

const world = useMainWorld({ prefix: "outage", team: TEAM, token: TOKEN, botUserId: BOT, botId: "B0OUT" });

interface Posted {
  readonly port: number;
  readonly channel: ReturnType<typeof channelRef>;
  readonly ts: string;
}

/** Seeds one every-second subscription, starts main on `storeUrl` and waits for its digest (keycaps on, recorded). */
async function startWithADigest(storeUrl: string): Promise<Posted> {
  const channel = channelRef("slack", TEAM, `C0OUT${String(++channelNo)}`);
  const store = await createStore(storeUrl, { owner: "seed" });
  const sub: Subscription = dailySubscription(channel);
  await store.subscriptions.put(sub);
  await store.close();
  const port = await freePort();
  world.running = startMain({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: world.slack.apiUrl,
    HF_API_URL: world.hf.url,
    ARXIV_API_URL: world.hf.arxivUrl,
    STORE_URL: storeUrl,
    PORT: String(port),
    SLACK_REACTIONS_PER_MINUTE: "100000",
  });
  const main = world.running;
  await pollUntil(`http://127.0.0.1:${String(port)}/healthz`, (a) => a.status === 200, 20_000, main);
  await world.slack.waitFor(() => {
    const [m] = world.slack.messagesIn(channel.channel, TEAM);
    return m !== undefined && world.slack.reactionsOn(channel.channel, m.ts, TEAM).length === 3;
  }, 20_000);
  const ts = world.slack.messagesIn(channel.channel, TEAM)[0]?.ts ?? "";
  return { port, channel, ts };
}

/** A signed reaction_added for keycap 1 on the digest, with a fixed event id (Slack sends the same one again). */
function vote(posted: Posted, eventId: string): Promise<Response> {
  const body = eventFixture("reaction-added-keycap-3.json");
  body.team_id = TEAM;
  body.authorizations = [{ team_id: TEAM }];
  body.event_id = eventId;
  body.event_time = Math.floor(Date.now() / 1000);
  body.event.user = "U0VOTER";
  body.event.reaction = "one";
  body.event.item_user = BOT;
  body.event.item = { type: "message", channel: posted.channel.channel, ts: posted.ts };
  return postSigned(
    `http://127.0.0.1:${String(posted.port)}/slack/events`,
    JSON.stringify(body),
    "application/json",
  );
}

/** Slot 1's paper and its tally, read through a store of the test's own. */
async function tallyOfSlot1(storeUrl: string, posted: Posted): Promise<number> {
  const store = await createStore(storeUrl, { owner: "reader" });
  try {
    const post = await store.posts.lookup({ channel: posted.channel, id: posted.ts });
    const paper = post?.slots.get(1) as PaperId;
    return (await store.votes.tallies(posted.channel, [paper])).get(paper) ?? 0;
  } finally {
    await store.close();
  }
}

const health = async (port: number) => {
  const answer = await get(`http://127.0.0.1:${String(port)}/healthz`);
  return {
    status: answer?.status,
    body: JSON.parse(answer?.body ?? "{}") as { store?: string; reason?: string },
  };
};

describe("the store failing under the running service", () => {
  it("GIVEN the disk under the SQLite file fills up THEN /healthz is 503 and a vote answers 500; once space is back the redelivered vote counts once", async (ctx) => {
    const mount = join(world.dir, "small-disk");
    mkdirSync(mount);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount], { stdio: "ignore" });
    } catch {
      console.warn(
        "full-disk test skipped: this machine cannot mount a small tmpfs (needs root and mount rights)",
      );
      ctx.skip();
    }
    try {
      const storeUrl = `sqlite://${join(mount, "paperboy.sqlite")}`;
      const posted = await startWithADigest(storeUrl);
      // Fill what is left of the 2 MB.
      try {
        writeFileSync(join(mount, "filler"), Buffer.alloc(4 * 1024 * 1024));
      } catch {
        // ENOSPC: the disk is full, as wanted
      }
      await pollUntil(
        `http://127.0.0.1:${String(posted.port)}/healthz`,
        (a) => a.status === 503,
        10_000,
        world.running!,
      );
      expect((await health(posted.port)).body.reason).toMatch(/cannot take writes: .*(full|disk)/i);
      expect((await vote(posted, "Ev0FULL1")).status).toBe(500);

      unlinkSync(join(mount, "filler"));
      await pollUntil(
        `http://127.0.0.1:${String(posted.port)}/healthz`,
        (a) => a.status === 200,
        10_000,
        world.running!,
      );
      expect((await vote(posted, "Ev0FULL1")).status).toBe(200);
      expect((await vote(posted, "Ev0FULL1")).status).toBe(200); // Slack's next retry: a duplicate
      await killHard(world.running!);
      expect(await tallyOfSlot1(storeUrl, posted)).toBe(1);
    } finally {
      if (world.running) await killHard(world.running);
      execFileSync("umount", [mount], { stdio: "ignore" });
    }
  }, 60_000);

  it("GIVEN the SQLite file is deleted while paperboy runs THEN /healthz is 503 and says so", async () => {
    const file = join(world.dir, "deleted.sqlite");
    const posted = await startWithADigest(`sqlite://${file}`);
    unlinkSync(file);
    await pollUntil(
      `http://127.0.0.1:${String(posted.port)}/healthz`,
      (a) => a.status === 503,
      10_000,
      world.running!,
    );
    expect((await health(posted.port)).body).toMatchObject({
      store: "down",
      reason: expect.stringMatching(/deleted or replaced/),
    });
  }, 60_000);

  it("GIVEN Redis stops THEN /healthz is 503 and a vote answers 500; once Redis is back the redelivered vote counts once", async (ctx) => {
    const port = await freePort();
    const data = join(world.dir, "redis");
    mkdirSync(data);
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      data,
      "--appendonly",
      "yes",
      "--save",
      "",
    ];
    const startRedis = async (): Promise<ChildProcess | undefined> => {
      const child = spawn("redis-server", args, { stdio: "ignore" });
      const failed = await new Promise<boolean>((done) => {
        child.once("error", () => done(true));
        child.once("spawn", () => done(false));
      });
      if (failed) return undefined;
      for (let i = 0; i < 50; i++) {
        const admin = await connectRedisAdmin(`redis://127.0.0.1:${String(port)}`).catch(() => undefined);
        if (admin) {
          admin.close();
          return child;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return child;
    };
    let redis = await startRedis();
    if (!redis) {
      console.warn("Redis outage test skipped: no redis-server binary (.ci/run installs one)");
      ctx.skip();
    }
    const storeUrl = `redis://127.0.0.1:${String(port)}`;
    try {
      const posted = await startWithADigest(storeUrl);
      const admin = await connectRedisAdmin(storeUrl);
      const exited = new Promise((r) => redis?.once("exit", r));
      void admin.command("SHUTDOWN"); // writes the append-only file and stops: it never answers
      await exited;
      admin.close();
      await pollUntil(
        `http://127.0.0.1:${String(posted.port)}/healthz`,
        (a) => a.status === 503,
        10_000,
        world.running!,
      );
      expect((await health(posted.port)).body.store).toBe("down");
      expect((await vote(posted, "Ev0REDIS1")).status).toBe(500);

      redis = await startRedis();
      await pollUntil(
        `http://127.0.0.1:${String(posted.port)}/healthz`,
        (a) => a.status === 200,
        20_000,
        world.running!,
      );
      expect((await vote(posted, "Ev0REDIS1")).status).toBe(200);
      expect((await vote(posted, "Ev0REDIS1")).status).toBe(200);
      expect(await tallyOfSlot1(storeUrl, posted)).toBe(1);
    } finally {
      if (world.running) await killHard(world.running);
      redis?.kill("SIGKILL");
    }
  }, 90_000);
});
