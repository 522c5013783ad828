// ChatPlatform.post end to end: digests through chat.postMessage, keycap seeding, 429s, rejections with fix hints, Share.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { channelRef, KEYCAPS, type ChatPlatform, type Emoji } from "../../../src/index.js";
import { createScriptedPaperboy, textMessage, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { findLiveMarkup } from "./live-markup.js";
import { card, compactDigest, paperId, searchAnswer } from "./sample-messages.js";
import type { SlackBlock } from "../../../adapters/slack/index.js";
import { ACME, startSlackHarness, actionFixture, type SlackHarness } from "./slack-harness.js";

/** The core under test: swap for the real createPaperboy() once it lands. */
const makeCore = (): ScriptedPaperboy => createScriptedPaperboy();

let core: ScriptedPaperboy;
let slack: SlackHarness;
let platform: ChatPlatform;
let channelNo = 0;
/** A fresh channel per test, so pacing from one test never delays another. */
const freshChannel = () => channelRef("slack", ACME.teamId, `C0TEST${String(++channelNo).padStart(4, "0")}`);
const keycaps = (n: number): Emoji[] =>
  Array.from({ length: n }, (_, i) => ({ kind: "keycap", number: i + 1 }) as const);

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

describe("posting a scheduled digest", () => {
  it("registers itself with the core as the slack platform and reports healthy once started", async () => {
    expect(platform.id).toBe("slack");
    expect(await platform.isHealthy()).toBe(true);
  });

  it("posts the Block Kit digest with chat.postMessage and seeds the keycaps in order", async () => {
    const channel = freshChannel();
    const outcome = await platform.post({ channel, messages: [compactDigest(5)], seed: [keycaps(5)] });
    expect(outcome.status).toBe("posted");
    if (outcome.status !== "posted") return;
    const [posted] = outcome.messages;
    const [call] = slack.fake.callsOf("chat.postMessage");
    expect(call?.token).toBe(ACME.token);
    expect(call?.args).toMatchObject({ channel: channel.channel, text: "5 trending papers" });
    expect(call?.args.link_names).toBeUndefined();
    expect(call?.args.parse).toBeUndefined();
    expect((call?.args.blocks as SlackBlock[])[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Trending on Hugging Face — Fri 12 Jun", emoji: true },
    });
    expect(posted?.ref).toEqual({ channel, id: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect([...(posted?.slots ?? [])]).toEqual([1, 2, 3, 4, 5].map((i) => [i, paperId(i)]));
    const seeds = slack.fake.callsOf("reactions.add");
    expect(seeds.map((c) => c.args.name)).toEqual(["one", "two", "three", "four", "five"]);
    expect(
      seeds.every((c) => c.args.timestamp === posted?.ref.id && c.args.channel === channel.channel),
    ).toBe(true);
  });

  it("returns only the slots really shown and seeds no keycap for a paper that did not fit", async () => {
    const big = compactDigest(10, (i) => card(i, { summary: "<".repeat(2_000), title: "&".repeat(2_000) }));
    const outcome = await platform.post({ channel: freshChannel(), messages: [big], seed: [keycaps(10)] });
    if (outcome.status !== "posted") throw new Error(outcome.status);
    const shown = outcome.messages[0]!.slots.size;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(slack.fake.callsOf("reactions.add")).toHaveLength(shown);
  });

  it("posts cards as several messages, each with its own slots, and seeds the vote emoji by Slack name", async () => {
    const votes: Emoji[] = [
      { kind: "unicode", value: "👍" },
      { kind: "unicode", value: "🔥" },
      { kind: "unicode", value: "❤️" },
    ];
    const outcome = await platform.post({
      channel: freshChannel(),
      messages: [textMessage("Today's papers"), compactDigest(1), compactDigest(1, (i) => card(i + 1))],
      seed: [[], votes, votes],
    });
    if (outcome.status !== "posted") throw new Error(outcome.status);
    expect(outcome.messages.map((m) => [...m.slots.values()])).toEqual([[], [paperId(1)], [paperId(2)]]);
    const seededOn = (ts: string) =>
      slack.fake
        .callsOf("reactions.add")
        .filter((c) => c.args.timestamp === ts)
        .map((c) => c.args.name);
    expect(outcome.messages.map((m) => seededOn(m.ref.id))).toEqual([
      [],
      ["+1", "fire", "heart"],
      ["+1", "fire", "heart"],
    ]);
  });

  it("still reports the post when seeding a reaction fails", async () => {
    slack.fake.failNext("reactions.add", { error: "too_many_reactions" });
    const outcome = await platform.post({
      channel: freshChannel(),
      messages: [compactDigest(3)],
      seed: [keycaps(3)],
    });
    expect(outcome.status).toBe("posted");
    expect(slack.fake.callsOf("reactions.add")).toHaveLength(3);
  });

  it("waits out a 429's Retry-After once, then posts", async () => {
    const channel = freshChannel();
    slack.fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, channel.channel);
    const outcome = await platform.post({ channel, messages: [compactDigest(2)] });
    expect(outcome.status).toBe("posted");
    const calls = slack.fake.callsOf("chat.postMessage");
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("retries a 500 and posts", async () => {
    slack.fake.failNext("chat.postMessage", { status: 500 });
    const outcome = await platform.post({ channel: freshChannel(), messages: [compactDigest(1)] });
    expect(outcome.status).toBe("posted");
    expect(slack.fake.callsOf("chat.postMessage")).toHaveLength(2);
  });

  it("renders hostile paper text inert in what reaches Slack", async () => {
    const evil = card(1, {
      title: "<!channel> Scaling <@U123> <https://evil.example|click here> @everyone",
      authors: "<!here> Mallory",
      organization: "<#C999|general> Org",
      summary: "See <https://evil.example> & @here \u202Egnp.exe",
    });
    await platform.post({ channel: freshChannel(), messages: [compactDigest(1, () => evil)] });
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
    const outcome = await platform.post({
      channel: channelRef("slack", ACME.teamId, "C0NOTIN"),
      messages: [compactDigest(3)],
      seed: [keycaps(3)],
    });
    expect(outcome).toEqual({
      status: "rejected",
      reason: "not-in-channel",
      hint: expect.stringContaining("invite @paperboy to #ml-papers"),
    });
    expect(slack.fake.callsOf("reactions.add")).toHaveLength(0);
  });

  it.each([
    ["channel_not_found", "channel-gone"],
    ["is_archived", "channel-gone"],
    ["account_inactive", "auth"],
    ["invalid_auth", "auth"],
  ])("reports %s as rejected (%s) with a hint", async (error, reason) => {
    slack.fake.failNext("chat.postMessage", { error });
    const outcome = await platform.post({ channel: freshChannel(), messages: [compactDigest(1)] });
    expect(outcome).toMatchObject({ status: "rejected", reason });
    if (outcome.status === "rejected") expect(outcome.hint.length).toBeGreaterThan(20);
  });

  it("reports an unknown Slack error as failed, not rejected", async () => {
    slack.fake.failNext("chat.postMessage", { error: "msg_blocks_too_long" });
    const outcome = await platform.post({ channel: freshChannel(), messages: [compactDigest(1)] });
    expect(outcome).toEqual({ status: "failed", error: 'Slack said "msg_blocks_too_long"' });
  });
});

describe("the Share button", () => {
  it("hands the paper id to the core, whose card is posted publicly, and confirms ephemerally", async () => {
    core.handleAction = async (action) => {
      core.actions.push(action);
      const outcome = await platform.post({
        channel: action.channel,
        messages: [compactDigest(1)],
        seed: [[{ kind: "unicode", value: "👍" }]],
      });
      return {
        visibility: "ephemeral",
        message: textMessage(outcome.status === "posted" ? "Shared to the channel." : "Could not share."),
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

it("keeps KEYCAPS and Slack's keycap names aligned", () => {
  expect(KEYCAPS).toHaveLength(10);
});
