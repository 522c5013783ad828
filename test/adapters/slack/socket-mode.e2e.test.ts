// Socket Mode end to end, offline: the real Bolt SocketModeReceiver (chosen by SLACK_APP_TOKEN) opens its connection
// through the fake's apps.connections.open, acks every envelope by envelope_id, answers through response_url, and
// after Slack's `disconnect` opens a new connection and keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSlackApi, type FakeSlackApi } from "../../fakes/fake-slack-api.js";
import { startFakeSlackSocket, type FakeSlackSocket } from "../../fakes/fake-slack-socket.js";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import {
  actionFixture,
  eventFixture,
  slackFixture,
  startSlackHarness,
  type SlackHarness,
} from "./slack-harness.js";

const APP_TOKEN = "xapp-1-A0PAPERBOY-1234567890-0123456789abcdef";

let fake: FakeSlackApi;
let socket: FakeSlackSocket;
let core: ScriptedPaperboy;
let slack: SlackHarness;

beforeAll(async () => {
  fake = await startFakeSlackApi();
  socket = await startFakeSlackSocket(fake, APP_TOKEN);
  core = createScriptedPaperboy();
  slack = await startSlackHarness({ core, fake, env: { SLACK_APP_TOKEN: APP_TOKEN } });
  await socket.connected(1);
}, 30_000);
afterAll(async () => {
  await slack.close();
  await socket.close();
  await fake.close();
});

/** A slash command as Socket Mode carries it: the same fields as the HTTP form, as a JSON payload. */
function slashCommand(text: string, responseId: string): Record<string, unknown> {
  return { ...slackFixture("slash-command.json"), text, response_url: fake.responseUrl(responseId) };
}

const answerFor = (id: string) => fake.waitFor(() => fake.responses.find((r) => r.id === id));

describe("Socket Mode against a loopback Slack", () => {
  it("opens its connection with the app-level token through apps.connections.open, and listens on no port", () => {
    const opens = fake.callsOf("apps.connections.open");
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(APP_TOKEN);
    expect(slack.handle.ownsPort).toBe(false);
    expect(slack.handle.port).toBeUndefined();
  });

  it("acks a slash_commands envelope by its envelope_id and answers through response_url", async () => {
    const ack = await socket.send("slash_commands", slashCommand("sparse attention", "sm-1"));
    expect(ack.envelope_id).toMatch(/^env-/);
    const answer = await answerFor("sm-1");
    expect(answer.body).toMatchObject({ response_type: "ephemeral", text: "echo: sparse attention" });
    expect(core.commands.at(-1)).toMatchObject({ text: "sparse attention", channelName: "ml-papers" });
  });

  it("acks an events_api reaction_added and hands the vote to the core", async () => {
    const envelope = { ...eventFixture("reaction-added-keycap-3.json"), event_id: "Ev0SOCKET1" };
    const ack = await socket.send("events_api", envelope);
    expect(ack.envelope_id).toMatch(/^env-/);
    await fake.waitFor(() => core.reactions.length === 1);
    expect(core.reactions[0]).toMatchObject({ change: "added", eventId: "Ev0SOCKET1" });
  });

  it("acks an interactive block_actions envelope and answers the button through response_url", async () => {
    const payload = { ...actionFixture("block-actions-share.json"), response_url: fake.responseUrl("sm-2") };
    const ack = await socket.send("interactive", payload);
    expect(ack.envelope_id).toMatch(/^env-/);
    await answerFor("sm-2");
    expect(core.actions).toHaveLength(1);
  });

  it("GIVEN Slack sends disconnect THEN it opens a new connection (apps.connections.open again) and keeps answering", async () => {
    socket.disconnect("refresh_requested");
    await socket.connected(2);
    expect(fake.callsOf("apps.connections.open")).toHaveLength(2);
    await socket.send("slash_commands", slashCommand("after reconnect", "sm-3"));
    expect((await answerFor("sm-3")).body).toMatchObject({ text: "echo: after reconnect" });
    expect(await slack.handle.platform.isHealthy()).toBe(true);
  }, 30_000);
});
