// Multi-workspace OAuth end to end: /slack/install → /slack/oauth_redirect → installation in the store, used, then removed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelRef, type ChatPlatform } from "../../../src/index.js";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { compactDigest } from "./sample-messages.js";
import { eventFixture, slackFixture, startSlackHarness, type SlackHarness } from "./slack-harness.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
const makeCore = (): ScriptedPaperboy => createScriptedPaperboy();

const SOFTBALL = {
  token: "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  teamId: "T9TK3CUKW",
  botUserId: "U0KRQLJ9H",
  botId: "B0SOFT",
};

/** The delivery handle of every send here (the read-back looks for it). */
const HANDLE = { delivery: "d00000000000000a1", index: 0 } as const;

let core: ScriptedPaperboy;
let slack: SlackHarness;
let platform: ChatPlatform;
const forgotten: string[] = [];

beforeAll(async () => {
  core = makeCore();
  core.forgetWorkspace = async (_p, workspace) => {
    forgotten.push(workspace);
  };
  slack = await startSlackHarness({ core, oauth: true });
  slack.fake.addWorkspace(SOFTBALL);
  slack.fake.oauthCodes.set("code-from-slack", slackFixture("oauth-v2-access.json"));
  slack.fake.users.set("U0INSTALLER", { is_owner: true });
  platform = core.platforms[0]!;
});
afterAll(async () => {
  await slack.close();
});

async function install(): Promise<Response> {
  const page = await fetch(`${slack.origin}/slack/install`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const authorize = /href="(https:\/\/slack\.com\/oauth[^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
  const url = new URL(authorize!);
  expect(url.origin + url.pathname).toBe("https://slack.com/oauth/v2/authorize");
  expect(url.searchParams.get("scope")?.split(",")).toEqual(
    expect.arrayContaining(["commands", "chat:write", "reactions:read", "reactions:write", "users:read"]),
  );
  const state = url.searchParams.get("state")!;
  const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
  return fetch(
    `${slack.origin}/slack/oauth_redirect?code=code-from-slack&state=${encodeURIComponent(state)}`,
    {
      headers: { cookie },
      redirect: "manual",
    },
  );
}

describe("OAuth installs", () => {
  it("refuses a post to a workspace that never installed paperboy, with a reinstall hint", async () => {
    const outcome = await platform.send(channelRef("slack", "T0NOBODY", "C1"), compactDigest(1), HANDLE);
    expect(outcome).toMatchObject({
      status: "rejected",
      reason: "auth",
      hint: expect.stringContaining("/slack/install"),
    });
  });

  it("stores the installation from the OAuth redirect in the installations namespace", async () => {
    const done = await install();
    expect(done.status).toBe(200);
    const exchange = slack.fake.callsOf("oauth.v2.access")[0];
    expect(exchange?.args).toMatchObject({ code: "code-from-slack", client_id: "1111.2222" });
    const stored = await slack.store
      .namespace("installations")
      .get<{ bot?: unknown }>(`slack:team:${SOFTBALL.teamId}`);
    expect(stored?.bot).toMatchObject({
      token: SOFTBALL.token,
      userId: SOFTBALL.botUserId,
      id: SOFTBALL.botId,
    });
  });

  it("refuses a redirect whose state does not match the browser's cookie", async () => {
    const res = await fetch(`${slack.origin}/slack/oauth_redirect?code=code-from-slack&state=forged`, {
      headers: { cookie: "slack-app-oauth-state=other" },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it("answers a slash command from the installed workspace with its own token", async () => {
    const { status, responseId } = await slack.command("subscribe daily", {
      team_id: SOFTBALL.teamId,
      user_id: "U0INSTALLER",
    });
    expect(status).toBe(200);
    await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === responseId));
    expect(core.commands.at(-1)).toMatchObject({ channel: { workspace: SOFTBALL.teamId }, canManage: true });
    expect(slack.fake.callsOf("users.info").at(-1)?.token).toBe(SOFTBALL.token);
  });

  it("posts digests to the installed workspace with its bot token", async () => {
    const outcome = await platform.send(
      channelRef("slack", SOFTBALL.teamId, "C0SOFT"),
      compactDigest(2),
      HANDLE,
    );
    expect(outcome.status).toBe("sent");
    expect(slack.fake.callsOf("chat.postMessage").at(-1)?.token).toBe(SOFTBALL.token);
    expect(slack.fake.messagesIn("C0SOFT", SOFTBALL.teamId)).toHaveLength(1);
    // The read-back after a crash uses the installed workspace's token too.
    const found = await platform.findPosted(
      channelRef("slack", SOFTBALL.teamId, "C0SOFT"),
      HANDLE.delivery,
      new Date(Date.now() - 60_000),
    );
    expect(found).toMatchObject({ status: "found", messages: [{ index: 0 }] });
    expect(slack.fake.callsOf("conversations.history").at(-1)?.token).toBe(SOFTBALL.token);
  });

  it("deletes the installation and forgets the workspace on app_uninstalled", async () => {
    const body = eventFixture("app-uninstalled.json");
    body.team_id = SOFTBALL.teamId;
    body.authorizations[0]!.team_id = SOFTBALL.teamId;
    await slack.event(body);
    await slack.fake.waitFor(() => forgotten.includes(SOFTBALL.teamId));
    expect(await slack.store.namespace("installations").get(`slack:team:${SOFTBALL.teamId}`)).toBeUndefined();
    const outcome = await platform.send(
      channelRef("slack", SOFTBALL.teamId, "C0SOFT"),
      compactDigest(1),
      HANDLE,
    );
    expect(outcome).toMatchObject({ status: "rejected", reason: "auth" });
  });
});
