// /healthz and /metrics mounted on the Slack HTTP server through the ops handler.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { startSlackHarness, type SlackHarness } from "./slack-harness.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
const makeCore = (): ScriptedPaperboy => createScriptedPaperboy();

let slack: SlackHarness;
beforeAll(async () => {
  slack = await startSlackHarness({
    core: makeCore(),
    opsHandler: async (req, res) => {
      if (req.url !== "/healthz") return false;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      return true;
    },
  });
});
afterAll(async () => {
  await slack.close();
});

it("serves GET /healthz from the ops handler on the Slack port", async () => {
  const res = await fetch(`${slack.origin}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});

it("answers 404 when the ops handler declines /metrics", async () => {
  const res = await fetch(`${slack.origin}/metrics`);
  expect(res.status).toBe(404);
});
