// Start-up against a chat platform that is not there yet: the real main process keeps trying with backoff and says
// so, connects once the loopback fake comes up; a refused token still stops start-up at once with the fix.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from "../fakes/fake-discord.js";
import { startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.js";
import { freePort, killHard, pollUntil, startMain, within, type RunningMain } from "../fakes/main-process.js";
import {
  FIXTURES,
  readFixture,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";

const TOKEN = "xoxb-retry-test";
const TEAM = "T0RETRY";

let hf: PaperApiServer;
let running: RunningMain | undefined;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  hf = await startPaperApiServer();
  hf.respond("GET /api/daily_papers", (req) =>
    req.query.p === "0" || req.query.p === undefined ? { body: readFixture(FIXTURES.daily) } : { json: [] },
  );
});
afterEach(async () => {
  if (running) await killHard(running);
  running = undefined;
  for (const close of closers.splice(0)) await close();
});
afterAll(() => hf.close());

async function untilOutput(main: RunningMain, text: string | RegExp, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const out = main.output();
    if (typeof text === "string" ? out.includes(text) : text.test(out)) return;
    if (main.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never printed ${String(text)}; output:\n${main.output()}`);
}

async function slackFake(port?: number, token = TOKEN): Promise<FakeSlackApi> {
  const slack = await startFakeSlackApi(port === undefined ? {} : { port });
  slack.addWorkspace({ token, teamId: TEAM, botUserId: "U0RETRY", botId: "B0RETRY" });
  closers.push(() => slack.close());
  return slack;
}

function startSlackMain(apiPort: number, httpPort: number): RunningMain {
  running = startMain({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: "retry-secret",
    SLACK_API_URL: `http://127.0.0.1:${String(apiPort)}/api/`,
    HF_API_URL: hf.url,
    ARXIV_API_URL: hf.arxivUrl,
    STORE_URL: "memory://",
    PORT: String(httpPort),
  });
  return running;
}

describe("Slack at start-up", () => {
  it("GIVEN the Slack API refuses connections THEN it says it is unreachable, retries with backoff, and connects once it is up", async () => {
    const apiPort = await freePort();
    const httpPort = await freePort();
    const main = startSlackMain(apiPort, httpPort);
    await untilOutput(main, "retrying Slack start-up in 1 s (attempt 2");
    const slack = await slackFake(apiPort);
    await pollUntil(`http://127.0.0.1:${String(httpPort)}/healthz`, (a) => a.status === 200, 20_000, main);
    const out = main.output();
    expect(out).toContain(
      `Slack's Web API at http://127.0.0.1:${String(apiPort)}/api/ cannot be reached (ECONNREFUSED)`,
    );
    expect(out).not.toContain("copy the Bot User OAuth Token");
    expect(out).not.toContain(TOKEN);
    expect(slack.callsOf("auth.test").length).toBeGreaterThan(0);
  });

  it("GIVEN Slack answers 5xx THEN that is retried too, not reported as a bad token", async () => {
    const slack = await slackFake();
    // The Web API client absorbs two 500s itself; the third reaches start-up.
    for (let i = 0; i < 3; i++) slack.failNext("auth.test", { status: 500 });
    const httpPort = await freePort();
    const main = startSlackMain(Number(new URL(slack.origin).port), httpPort);
    await pollUntil(`http://127.0.0.1:${String(httpPort)}/healthz`, (a) => a.status === 200, 20_000, main);
    expect(main.output()).toMatch(/cannot be reached \(HTTP 500\); retrying Slack start-up in 1 s/);
    expect(main.output()).not.toContain("copy the Bot User OAuth Token");
  });

  it("GIVEN Slack refuses the token THEN start-up stops at once with the fix and no retry", async () => {
    // The fake knows another workspace's token only: ours answers invalid_auth.
    const slack = await slackFake(undefined, "xoxb-someone-else");
    const main = startSlackMain(Number(new URL(slack.origin).port), await freePort());
    const exit = await within(main.exited, 20_000, "exit after a refused token");
    running = undefined;
    expect(exit.code).toBe(1);
    expect(main.output()).toContain(
      "Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token again from your Slack app → OAuth & Permissions",
    );
    expect(main.output()).not.toContain("retrying");
  });
});

async function discordFake(port?: number): Promise<FakeDiscord> {
  const fake = await startFakeDiscord(port === undefined ? {} : { port });
  closers.push(() => fake.close());
  return fake;
}

function startDiscordMain(apiUrl: string, httpPort: number): RunningMain {
  running = startMain({
    DISCORD_TOKEN: "fake-token.for.tests",
    DISCORD_APPLICATION_ID: FAKE_IDS.application,
    DISCORD_API_URL: apiUrl,
    HF_API_URL: hf.url,
    ARXIV_API_URL: hf.arxivUrl,
    STORE_URL: "memory://",
    PORT: String(httpPort),
  });
  return running;
}

describe("Discord at start-up", () => {
  it("GIVEN Discord's REST API and gateway are down THEN it retries with backoff and becomes ready once they are up", async () => {
    const apiPort = await freePort();
    const httpPort = await freePort();
    const main = startDiscordMain(`http://127.0.0.1:${String(apiPort)}/api`, httpPort);
    await untilOutput(main, "retrying Discord start-up in 1 s (attempt 2");
    const fake = await discordFake(apiPort);
    const health = await pollUntil(
      `http://127.0.0.1:${String(httpPort)}/healthz`,
      (a) => a.status === 200,
      30_000,
      main,
    );
    expect(JSON.parse(health.body)).toMatchObject({ platforms: { discord: "ok" } });
    expect(main.output()).toContain(
      `Discord at http://127.0.0.1:${String(apiPort)}/api cannot be reached while logging in (ECONNREFUSED)`,
    );
    expect(fake.identifies.length).toBeGreaterThan(0);
  });

  it("GIVEN Discord refuses the token THEN start-up stops at once with the fix and no retry", async () => {
    const fake = await discordFake();
    fake.route("GET", /^\/gateway\/bot$/, () => ({
      status: 401,
      body: { message: "401: Unauthorized", code: 0 },
    }));
    const main = startDiscordMain(fake.apiUrl, await freePort());
    const exit = await within(main.exited, 20_000, "exit after a refused token");
    running = undefined;
    expect(exit.code).toBe(1);
    expect(main.output()).toContain(
      "Discord refused DISCORD_TOKEN while logging in (401): reset the bot token",
    );
    expect(main.output()).not.toContain("retrying");
  });
});
