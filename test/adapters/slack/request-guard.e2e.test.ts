// Signed requests stamped outside Slack's 5-minute window, and exact replays, are refused with a bare 401 by the real
// Bolt app — on one process (SQLite event ids) and across two replicas sharing Redis (SET NX PX).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "../../../src/storage/create-store.js";
import { startFakeSlackApi, type FakeSlackApi } from "../../fakes/fake-slack-api.js";
import { probeRedis, redisUrl } from "../../fakes/redis-probe.js";
import { withOutage } from "../../fakes/store-outage.js";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { actionBody, actionFixture, commandBody, postSigned, startSlackHarness } from "./slack-harness.js";
import type { SlackHarness } from "./slack-harness.js";

const FORM = "application/x-www-form-urlencoded";
const nowSec = (): number => Math.floor(Date.now() / 1000);

/** Posts `body` signed at `ts` and returns the status and the body text. */
async function send(url: string, body: string, ts: number): Promise<{ status: number; text: string }> {
  const res = await postSigned(url, body, FORM, { ts });
  return { status: res.status, text: await res.text() };
}

describe("one process (SQLite store)", () => {
  let core: ScriptedPaperboy;
  let slack: SlackHarness;
  beforeAll(async () => {
    core = createScriptedPaperboy();
    slack = await startSlackHarness({ core, store: await createStore("memory://") });
  });
  afterAll(async () => {
    await slack.close();
    await slack.store.close();
  });

  const command = (text: string, id: string): string =>
    commandBody({ text, response_url: slack.fake.responseUrl(id) });

  it("GIVEN a command stamped 10 minutes in the future THEN 401 with no body and the core never sees it", async () => {
    const answer = await send(slack.eventsUrl, command("future", "g-future"), nowSec() + 600);
    expect(answer).toEqual({ status: 401, text: "" });
    expect(core.commands.map((c) => c.text)).not.toContain("future");
  });

  it("GIVEN a command stamped 10 minutes ago THEN 401 and the core never sees it", async () => {
    const answer = await send(slack.eventsUrl, command("past", "g-past"), nowSec() - 600);
    expect(answer).toEqual({ status: 401, text: "" });
    expect(core.commands.map((c) => c.text)).not.toContain("past");
  });

  it("accepts a clock 4 minutes ahead (inside the window)", async () => {
    const answer = await send(slack.eventsUrl, command("skewed", "g-skew"), nowSec() + 240);
    expect(answer.status).toBe(200);
    await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === "g-skew"));
    expect(core.commands.map((c) => c.text)).toContain("skewed");
  });

  it("GIVEN the exact same signed command twice THEN the replay gets 401 and only one answer is sent", async () => {
    const body = command("replayed", "g-replay");
    const ts = nowSec();
    expect((await send(slack.eventsUrl, body, ts)).status).toBe(200);
    expect(await send(slack.eventsUrl, body, ts)).toEqual({ status: 401, text: "" });
    await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === "g-replay"));
    expect(core.commands.filter((c) => c.text === "replayed")).toHaveLength(1);
    expect(slack.fake.responses.filter((r) => r.id === "g-replay")).toHaveLength(1);
  });

  it("refuses a replayed button click, but the same click re-signed a second later is a new request", async () => {
    const payload = {
      ...actionFixture("block-actions-share.json"),
      response_url: slack.fake.responseUrl("g-a"),
    };
    const body = actionBody(payload);
    const ts = nowSec();
    const before = core.actions.length;
    expect((await send(slack.eventsUrl, body, ts)).status).toBe(200);
    expect((await send(slack.eventsUrl, body, ts)).status).toBe(401);
    expect((await send(slack.eventsUrl, body, ts - 1)).status).toBe(200);
    expect(core.actions.length - before).toBe(2);
  });
});

describe("while the store is down", () => {
  it("GIVEN the store cannot record signatures THEN commands are still answered and a replay is still refused", async () => {
    const outage = withOutage(await createStore("memory://"));
    const core = createScriptedPaperboy();
    const slack = await startSlackHarness({ core, store: outage.store });
    try {
      outage.down = true;
      const body = commandBody({ text: "outage", response_url: slack.fake.responseUrl("o-1") });
      const ts = nowSec();
      expect((await send(slack.eventsUrl, body, ts)).status).toBe(200);
      expect((await send(slack.eventsUrl, body, ts)).status).toBe(401);
      await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === "o-1"));
      expect(core.commands.map((c) => c.text)).toEqual(["outage"]);
    } finally {
      outage.down = false;
      await slack.close();
      await outage.store.close();
    }
  });
});

const redis = await probeRedis("Slack replay across replicas");

describe.skipIf(!redis)("two replicas on one Redis", () => {
  let fake: FakeSlackApi;
  let a: SlackHarness;
  let b: SlackHarness;
  let coreA: ScriptedPaperboy;
  let coreB: ScriptedPaperboy;
  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const keyPrefix = `pb-replay-${String(process.pid)}-${String(Date.now())}`;
    coreA = createScriptedPaperboy();
    coreB = createScriptedPaperboy();
    a = await startSlackHarness({ core: coreA, fake, store: await createStore(redisUrl, { keyPrefix }) });
    b = await startSlackHarness({ core: coreB, fake, store: await createStore(redisUrl, { keyPrefix }) });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await a.store.close();
    await b.store.close();
    await fake.close();
  });

  it("GIVEN a command answered by replica A THEN the same signed request sent to replica B gets 401", async () => {
    const body = commandBody({ text: "across", response_url: fake.responseUrl("x-across") });
    const ts = nowSec();
    expect((await send(a.eventsUrl, body, ts)).status).toBe(200);
    expect(await send(b.eventsUrl, body, ts)).toEqual({ status: 401, text: "" });
    await fake.waitFor(() => fake.responses.find((r) => r.id === "x-across"));
    expect(coreA.commands.map((c) => c.text)).toEqual(["across"]);
    expect(coreB.commands).toEqual([]);
  });
});
