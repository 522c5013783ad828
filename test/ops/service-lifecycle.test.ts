// The real `src/main.ts` as a child process on the Discord and Hugging Face fakes: /healthz, /metrics moving, SIGTERM mid-delivery.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "../../src/storage/create-store.js";
import { subscriptionId, type Subscription } from "../../src/subscriptions/subscription.js";
import { chatInput, reaction } from "../adapters/discord/payloads.js";
import {
  discordFixture,
  FAKE_IDS,
  startFakeDiscord,
  type FakeDiscord,
  type RecordedRequest,
} from "../fakes/fake-discord.js";
import { freePort, pollUntil, startMain, within, type RunningMain } from "../fakes/main-process.js";
import {
  FIXTURES,
  readFixture,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";
const CHANNEL = { platform: "discord", workspace: FAKE_IDS.guild, channel: FAKE_IDS.channel } as const;
const DAILY = { kind: "daily" } as const;
const SUBSCRIPTION_ID = subscriptionId(CHANNEL, DAILY);

/** A daily digest for the fixture channel that fires every second, so a delivery starts right after start-up. */
async function seedSubscription(storeUrl: string): Promise<void> {
  const store = await createStore(storeUrl);
  const subscription: Subscription = {
    id: SUBSCRIPTION_ID,
    channel: CHANNEL,
    source: DAILY,
    cron: "* * * * * *",
    timezone: "UTC",
    minUpvotes: 0,
    top: 3,
    layout: "compact",
    voteEmoji: ["👍"],
    createdAt: new Date().toISOString(),
    emptyNotice: false,
  };
  await store.subscriptions.put(subscription);
  await store.close();
}

/** The value of the sample `name{labels}` in a Prometheus text exposition (0 when absent); label order does not matter. */
function sample(exposition: string, name: string, labels: Record<string, string>): number {
  for (const line of exposition.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

let hf: PaperApiServer;
let fake: FakeDiscord;
let dir: string;
let storeUrl: string;
let port: number;
let main: RunningMain | undefined;

const channelPosts = (): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);
const isChannelPost = (r: RecordedRequest): boolean =>
  r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`;

function start(): RunningMain {
  main = startMain({
    DISCORD_TOKEN: "fake-token.for.tests",
    DISCORD_APPLICATION_ID: FAKE_IDS.application,
    DISCORD_API_URL: fake.apiUrl,
    HF_API_URL: hf.url,
    ARXIV_API_URL: hf.arxivUrl,
    STORE_URL: storeUrl,
    PORT: String(port),
  });
  return main;
}

beforeAll(async () => {
  hf = await startPaperApiServer();
  // Whatever day the last completed batch is, the fake answers with the recorded one.
  hf.respond("GET /api/daily_papers", (req) =>
    req.query.p === "0" || req.query.p === undefined ? { body: readFixture(FIXTURES.daily) } : { json: [] },
  );
});
afterAll(() => hf.close());

beforeEach(async () => {
  fake = await startFakeDiscord();
  dir = mkdtempSync(join(tmpdir(), "paperboy-lifecycle-"));
  storeUrl = `sqlite://${join(dir, "paperboy.sqlite")}`;
  port = await freePort();
});
afterEach(async () => {
  if (main && main.child.exitCode === null && main.child.signalCode === null) {
    main.child.kill("SIGKILL");
    await main.exited;
  }
  main = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the paperboy service on Discord", () => {
  it("GIVEN the gateway is READY THEN /healthz is 200, and /metrics counts the command, the digest, its latency, the vote and the source requests", async () => {
    await seedSubscription(storeUrl);
    const running = start();
    const health = await pollUntil(
      `http://127.0.0.1:${String(port)}/healthz`,
      (a) => a.status === 200,
      20_000,
      running,
    );
    expect(JSON.parse(health.body)).toEqual({ status: "ok", store: "ok", platforms: { discord: "ok" } });

    // The seeded every-second subscription posts once; the keycaps it seeds show the post is complete.
    await fake.waitFor(isChannelPost, 15_000);
    await fake.waitFor((r) => r.method === "PUT" && r.path.includes("/reactions/1️⃣/@me"), 10_000);
    const digestIds = [...fake.messages.keys()];
    expect(digestIds).toHaveLength(1);
    const digestId = digestIds[0] ?? "";

    const help = chatInput("help");
    fake.dispatch("INTERACTION_CREATE", help);
    await fake.waitFor(
      (r) =>
        r.method === "PATCH" &&
        r.path === `/webhooks/${FAKE_IDS.application}/${help.token}/messages/@original`,
      10_000,
    );

    // The post is recorded for votes just after it went out: react (as a new member each time) until one counts.
    const metricsUrl = `http://127.0.0.1:${String(port)}/metrics`;
    // The vote counts as soon as the post is recorded; the digest counts once its keycaps are all on (seeding is paced).
    const voted = (a: { body: string }) =>
      sample(a.body, "paperboy_votes_total", { change: "added", platform: "discord" }) >= 1 &&
      sample(a.body, "paperboy_digests_total", { outcome: "posted", platform: "discord" }) >= 1;
    let scraped: { status: number; body: string } | undefined;
    for (let i = 0; i < 20 && !(scraped && voted(scraped)); i++) {
      const userId = (1278000000000300000n + BigInt(i)).toString();
      fake.dispatch(
        "MESSAGE_REACTION_ADD",
        reaction("add", { messageId: digestId, userId, emoji: { id: null, name: "1️⃣" } }),
      );
      scraped = await pollUntil(metricsUrl, (a) => a.status === 200, 5_000, running);
      for (let j = 0; j < 5 && !voted(scraped); j++) {
        await new Promise((r) => setTimeout(r, 100));
        scraped = await pollUntil(metricsUrl, (a) => a.status === 200, 5_000, running);
      }
    }
    const body = scraped?.body ?? "";

    expect(
      sample(body, "paperboy_votes_total", { change: "added", platform: "discord" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(body, "paperboy_commands_total", { name: "help", platform: "discord" })).toBe(1);
    expect(sample(body, "paperboy_digests_total", { outcome: "posted", platform: "discord" })).toBe(1);
    expect(sample(body, "paperboy_digests_total", { outcome: "failed", platform: "discord" })).toBe(0);
    expect(sample(body, "paperboy_delivery_seconds_count", { platform: "discord" })).toBe(1);
    expect(
      sample(body, "paperboy_source_requests_total", { source: "huggingface", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(hf.requestsTo("/api/daily_papers").length).toBeGreaterThanOrEqual(1);
    // Every second the cron fires again, but the period is delivered: still exactly one post.
    expect(channelPosts()).toHaveLength(1);
    expect(body).toContain("process_cpu_seconds_total");
  }, 40_000);

  it("GIVEN SIGTERM while the digest post is in flight THEN the post completes once, the ledger says posted, and the process exits 0", async () => {
    await seedSubscription(storeUrl);
    let answered = false;
    // Discord is slow: the digest post is held 1.5 s; SIGTERM goes out the moment it arrives.
    fake.route("POST", /^\/channels\/\d+\/messages$/, async (r) => {
      await new Promise((done) => setTimeout(done, 1_500));
      answered = true;
      const body = {
        ...discordFixture("message.json"),
        ...(r.body as object),
        id: "1278000000000009999",
        channel_id: FAKE_IDS.channel,
      };
      return { status: 200, body };
    });
    const running = start();
    await pollUntil(`http://127.0.0.1:${String(port)}/healthz`, (a) => a.status === 200, 20_000, running);
    await fake.waitFor(isChannelPost, 15_000);
    let answeredAtExit: boolean | undefined;
    const exit = running.exited.then((e) => {
      answeredAtExit = answered;
      return e;
    });
    running.child.kill("SIGTERM");

    // While it drains, /healthz tells the load balancer to stop sending traffic.
    const healthWhileDraining = await pollUntil(
      `http://127.0.0.1:${String(port)}/healthz`,
      (a) => a.status === 503,
      1_400,
      running,
    ).catch(() => undefined);

    const { code, signal } = await within(exit, 20_000, "exit after SIGTERM");
    expect({ code, signal }, running.output()).toEqual({ code: 0, signal: null });
    expect(answeredAtExit).toBe(true);
    expect(channelPosts()).toHaveLength(1);
    expect(healthWhileDraining?.status).toBe(503);
    expect(JSON.parse(healthWhileDraining?.body ?? "{}")).toMatchObject({ status: "shutting down" });

    // The delivery finished before the store closed: the ledger has it as posted, the subscription as delivered.
    const store = await createStore(storeUrl);
    try {
      expect(await store.deliveries.open()).toEqual([]);
      const sub = await store.subscriptions.get(SUBSCRIPTION_ID);
      const period = sub?.lastDelivered?.periodKey ?? "";
      expect(period).toMatch(/^daily:\d{4}-\d{2}-\d{2}$/);
      expect(await store.deliveries.get(`${SUBSCRIPTION_ID}@${period}`)).toMatchObject({
        state: "posted",
        sent: [{ index: 0 }],
      });
    } finally {
      await store.close();
    }
  }, 40_000);

  it("GIVEN the Discord gateway goes away THEN /healthz answers 503 naming discord, and SIGTERM still exits 0", async () => {
    const running = start();
    const healthz = `http://127.0.0.1:${String(port)}/healthz`;
    await pollUntil(healthz, (a) => a.status === 200, 20_000, running);
    await fake.close(); // the socket drops and every reconnect is refused
    const down = await pollUntil(healthz, (a) => a.status === 503, 15_000, running);
    expect(JSON.parse(down.body)).toMatchObject({
      status: "unavailable",
      store: "ok",
      platforms: { discord: "down" },
      reason: "platform discord is not connected",
    });
    // Shutting down does not wait on the lost gateway.
    running.child.kill("SIGTERM");
    expect(await within(running.exited, 20_000, "exit after SIGTERM"), running.output()).toEqual({
      code: 0,
      signal: null,
    });
  }, 40_000);
});
