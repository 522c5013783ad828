// ChatPlatform.send end to end: digests through chat.postMessage with their delivery handle, 429s, rejections with
// fix hints, and the Share button. Seeding and read-back are in seeding-readback.e2e.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { channelRef, type ChatPlatform, type PostHandle } from "../../../src/index.js";
import { createScriptedPaperboy, textMessage, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { findLiveMarkup } from "./live-markup.js";
import { card, compactDigest, paperId, searchAnswer } from "./sample-messages.js";
import type { SlackBlock } from "../../../adapters/slack/index.js";
import { ACME, startSlackHarness, actionFixture, type SlackHarness } from "./slack-harness.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
const makeCore = (): ScriptedPaperboy => createScriptedPaperboy();

let core: ScriptedPaperboy;
let slack: SlackHarness;
let platform: ChatPlatform;
let channelNo = 0;
let deliveryNo = 0;
/** A fresh channel per test, so pacing from one test never delays another. */
const freshChannel = () => channelRef("slack", ACME.teamId, `C0TEST${String(++channelNo).padStart(4, "0")}`);
/** A fresh delivery handle ("d" + 16 hex, as the deliverer makes them). */
const handle = (index = 0): PostHandle => ({ delivery: `d${String(++deliveryNo).padStart(16, "0")}`, index });

beforeAll(async () => {
  core = makeCore();
  slack = await startSlackHarness({ core });
  platform = core.platforms[0]!;
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.fake.calls.length = 0;
});

describe("sending a scheduled digest", () => {
  it("registers itself with the core as the slack platform and reports healthy once started", async () => {
    expect(platform.id).toBe("slack");
    expect(await platform.isHealthy()).toBe(true);
  });

  it("GIVEN a compact digest THEN chat.postMessage carries the Block Kit, the fallback text and the delivery handle as metadata", async () => {
    const channel = freshChannel();
    const h = handle(0);
    const outcome = await platform.send(channel, compactDigest(5), h);
    if (outcome.status !== "sent") throw new Error(outcome.status);
    const [call] = slack.fake.callsOf("chat.postMessage");
    expect(call?.token).toBe(ACME.token);
    expect(call?.args).toMatchObject({
      channel: channel.channel,
      text: "5 trending papers",
      unfurl_links: false,
    });
    expect(call?.args.link_names).toBeUndefined();
    expect(call?.args.parse).toBeUndefined();
    expect(call?.args.metadata).toEqual({
      event_type: "paperboy_post",
      event_payload: { delivery: h.delivery, index: 0 },
    });
    expect((call?.args.blocks as SlackBlock[])[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Trending on Hugging Face — Fri 12 Jun", emoji: true },
    });
    expect(outcome.message.ref).toEqual({ channel, id: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect([...outcome.message.slots]).toEqual([1, 2, 3, 4, 5].map((i) => [i, paperId(i)]));
    // Slack keeps the message with its metadata: that is what a read-back after a crash finds.
    const [kept] = slack.fake.messagesIn(channel.channel, ACME.teamId);
    expect(kept).toMatchObject({
      ts: outcome.message.ref.id,
      bot_id: ACME.botId,
      metadata: { event_payload: { delivery: h.delivery } },
    });
  });

  it("GIVEN papers too long for one message THEN only the slots really shown come back", async () => {
    const big = compactDigest(10, (i) => card(i, { summary: "<".repeat(2_000), title: "&".repeat(2_000) }));
    const outcome = await platform.send(freshChannel(), big, handle());
    if (outcome.status !== "sent") throw new Error(outcome.status);
    const shown = outcome.message.slots.size;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
  });

  it("GIVEN cards THEN each message is its own post with its own index in the metadata and its own slot", async () => {
    const channel = freshChannel();
    const h = handle();
    const messages = [textMessage("Today's papers"), compactDigest(1), compactDigest(1, (i) => card(i + 1))];
    const outcomes = [];
    for (const [index, message] of messages.entries())
      outcomes.push(await platform.send(channel, message, { delivery: h.delivery, index }));
    expect(outcomes.map((o) => (o.status === "sent" ? [...o.message.slots.values()] : o.status))).toEqual([
      [],
      [paperId(1)],
      [paperId(2)],
    ]);
    expect(slack.fake.messagesIn(channel.channel).map((m) => m.metadata?.event_payload.index)).toEqual([
      0, 1, 2,
    ]);
  });

  it("waits out a 429's Retry-After once, then posts one message", async () => {
    const channel = freshChannel();
    slack.fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, channel.channel);
    const outcome = await platform.send(channel, compactDigest(2), handle());
    expect(outcome.status).toBe("sent");
    const calls = slack.fake.callsOf("chat.postMessage");
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(slack.fake.messagesIn(channel.channel)).toHaveLength(1);
  });

  it("GIVEN Slack answers a post with 500 THEN it is not sent again in process (Slack may have created it): the send failed, retryable", async () => {
    const channel = freshChannel();
    slack.fake.failNext("chat.postMessage", { status: 500 });
    const outcome = await platform.send(channel, compactDigest(1), handle());
    expect(outcome).toMatchObject({ status: "failed", retryable: true });
    expect(slack.fake.callsOf("chat.postMessage")).toHaveLength(1);
    // The delivery's next attempt reads the channel back before it posts again.
    expect(await platform.findPosted(channel, "d0000000000000001", new Date(0))).toEqual({
      status: "found",
      messages: [],
    });
  });

  it("renders hostile paper text inert in what reaches Slack", async () => {
    const evil = card(1, {
      title: "<!channel> Scaling <@U123> <https://evil.example|click here> @everyone",
      authors: "<!here> Mallory",
      organization: "<#C999|general> Org",
      summary: "See <https://evil.example> & @here \u202Egnp.exe",
    });
    await platform.send(
      freshChannel(),
      compactDigest(1, () => evil),
      handle(),
    );
    const [call] = slack.fake.callsOf("chat.postMessage");
    expect(findLiveMarkup({ text: call?.args.text, blocks: call?.args.blocks })).toEqual([]);
  });
});

describe("a post Slack refuses", () => {
  it("reports not_in_channel as rejected with an invite hint naming the channel (the core pauses it)", async () => {
    // A command from the channel teaches the adapter its name.
    await slack.command("settings", { channel_id: "C0NOTIN", channel_name: "ml-papers" });
    await slack.fake.waitFor(() => core.commands.some((c) => c.channel.channel === "C0NOTIN"));
    slack.fake.failNext("chat.postMessage", { error: "not_in_channel" });
    const outcome = await platform.send(
      channelRef("slack", ACME.teamId, "C0NOTIN"),
      compactDigest(3),
      handle(),
    );
    expect(outcome).toEqual({
      status: "rejected",
      reason: "not-in-channel",
      hint: expect.stringContaining("invite @paperboy to #ml-papers"),
    });
    expect(slack.fake.messagesIn("C0NOTIN")).toHaveLength(0);
  });

  it.each([
    ["channel_not_found", "channel-gone"],
    ["is_archived", "channel-gone"],
    ["restricted_action", "no-access"],
    ["account_inactive", "auth"],
    ["invalid_auth", "auth"],
  ])("reports %s as rejected (%s) with a hint", async (error, reason) => {
    slack.fake.failNext("chat.postMessage", { error });
    const outcome = await platform.send(freshChannel(), compactDigest(1), handle());
    expect(outcome).toMatchObject({ status: "rejected", reason });
    if (outcome.status === "rejected") expect(outcome.hint.length).toBeGreaterThan(20);
  });

  it("reports an unknown Slack error as failed for good, not rejected", async () => {
    slack.fake.failNext("chat.postMessage", { error: "msg_blocks_too_long" });
    const outcome = await platform.send(freshChannel(), compactDigest(1), handle());
    expect(outcome).toEqual({
      status: "failed",
      error: 'Slack said "msg_blocks_too_long"',
      retryable: false,
    });
  });

  it("reports a transient Slack error (ok:false internal_error) as failed and retryable", async () => {
    slack.fake.failNext("chat.postMessage", { error: "internal_error" });
    const outcome = await platform.send(freshChannel(), compactDigest(1), handle());
    expect(outcome).toMatchObject({ status: "failed", retryable: true });
  });
});

describe("the Share button", () => {
  it("hands the paper id to the core, whose card is posted publicly, and confirms ephemerally", async () => {
    core.handleAction = async (action) => {
      core.actions.push(action);
      const outcome = await platform.send(action.channel, compactDigest(1), handle());
      return {
        visibility: "ephemeral",
        message: textMessage(outcome.status === "sent" ? "Shared to the channel." : "Could not share."),
      };
    };
    const payload = actionFixture("block-actions-share.json");
    payload.response_url = slack.fake.responseUrl("share-1");
    const res = await slack.action(payload);
    expect(res.status).toBe(200);
    const confirmation = await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === "share-1"));
    expect(core.actions.at(-1)).toEqual({
      channel: { platform: "slack", workspace: ACME.teamId, channel: "C2147483705" },
      userId: "U2147483697",
      actionId: "share",
      value: "2606.00467",
    });
    expect(confirmation.body).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
      text: "Shared to the channel.",
    });
    expect(slack.fake.callsOf("chat.postMessage")[0]?.args.channel).toBe("C2147483705");
  });

  it("GIVEN the core takes its time on a Share THEN Slack gets its 200 at once and the confirmation follows", async () => {
    let finish!: () => void;
    core.handleAction = async (action) => {
      core.actions.push(action);
      await new Promise<void>((resolve) => (finish = resolve));
      return { visibility: "ephemeral", message: textMessage("Shared late.") };
    };
    const payload = actionFixture("block-actions-share.json");
    payload.response_url = slack.fake.responseUrl("share-slow");
    const res = await slack.action(payload);
    expect(res.status).toBe(200);
    expect(slack.fake.responses.some((r) => r.id === "share-slow")).toBe(false);
    await slack.fake.waitFor(() => finish as (() => void) | undefined);
    finish();
    const confirmation = await slack.fake.waitFor(() =>
      slack.fake.responses.find((r) => r.id === "share-slow"),
    );
    expect(confirmation.body).toMatchObject({ text: "Shared late.", replace_original: false });
  });

  it("renders search answers with a Share button per paper carrying the paper id", async () => {
    core.replyWith = () => ({ visibility: "ephemeral", message: searchAnswer("diffusion", 3) });
    const { responseId } = await slack.command("diffusion");
    const answer = await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === responseId));
    const shares = (answer.body.blocks as SlackBlock[])
      .flatMap((b) => (b.type === "actions" ? b.elements : []))
      .filter((e) => e.action_id === "paperboy:share");
    expect(shares.map((e) => e.value)).toEqual([paperId(1), paperId(2), paperId(3)]);
    expect(answer.body.response_type).toBe("ephemeral");
  });

  it("acknowledges link buttons so Slack shows no error", async () => {
    const payload = actionFixture("block-actions-share.json");
    payload.actions[0]!.action_id = "paperboy:link:101";
    payload.actions[0]!.url = "https://arxiv.org/pdf/2606.00467";
    const res = await slack.action(payload);
    expect(res.status).toBe(200);
  });
});
