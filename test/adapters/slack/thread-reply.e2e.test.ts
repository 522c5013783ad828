// A paper's update as a Slack thread reply, end to end: chat.postMessage with thread_ts, the title inert, the reply
// kept out of the channel's history (as Slack does) and read back from conversations.replies after a crash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelRef, type ChatPlatform, type PostHandle } from "../../../src/index.js";
import { createScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { hostileCodeReply } from "../../updates/sample-updates.js";
import { findLiveMarkup } from "./live-markup.js";
import { compactDigest } from "./sample-messages.js";
import { ACME, startSlackHarness, type SlackHarness } from "./slack-harness.js";

let slack: SlackHarness;
let platform: ChatPlatform;
let channelNo = 0;
const freshChannel = () => channelRef("slack", ACME.teamId, `C0THRD${String(++channelNo).padStart(4, "0")}`);
const handle = (delivery: string, index = 0): PostHandle => ({ delivery, index });
const MINUTE_AGO = () => new Date(Date.now() - 60_000);

beforeAll(async () => {
  const core = createScriptedPaperboy();
  slack = await startSlackHarness({ core });
  platform = core.platforms[0]!;
});
afterAll(async () => {
  await slack.close();
});

async function postDigest(channel: ReturnType<typeof freshChannel>): Promise<string> {
  const outcome = await platform.send(channel, compactDigest(5), handle("d0000000000000aaa"));
  if (outcome.status !== "sent") throw new Error(outcome.status);
  return outcome.message.ref.id;
}

describe("a paper's update as a Slack thread reply", () => {
  it("GIVEN an update on a digest THEN chat.postMessage carries thread_ts of the digest, its metadata, and the hostile title stays inert", async () => {
    const channel = freshChannel();
    const digestTs = await postDigest(channel);
    slack.fake.calls.length = 0;
    const outcome = await platform.send(
      channel,
      hostileCodeReply(channel, digestTs),
      handle("d0000000000000bbb"),
    );
    if (outcome.status !== "sent") throw new Error(outcome.status);
    const [call] = slack.fake.callsOf("chat.postMessage");
    expect(call?.args).toMatchObject({
      channel: channel.channel,
      thread_ts: digestTs,
      metadata: { event_type: "paperboy_post", event_payload: { delivery: "d0000000000000bbb", index: 0 } },
    });
    expect(call?.args.reply_broadcast).toBeUndefined();
    expect(findLiveMarkup(call?.args)).toEqual([]);
    const payload = JSON.stringify(call?.args.blocks);
    expect(payload).toContain("&lt;!channel&gt;");
    expect(payload).toContain("<https://github.com/acme/tool|github.com/acme/tool>");
    expect(payload).toContain("<https://huggingface.co/papers/2606.13289|");
    // In Slack the reply lives in the digest's thread, not in the channel.
    const reply = slack.fake
      .messagesIn(channel.channel, ACME.teamId)
      .find((m) => m.ts === outcome.message.ref.id);
    expect(reply?.thread_ts).toBe(digestTs);
  });

  it("GIVEN a reply posted before a crash THEN findPosted finds it only among the thread's replies (conversations.replies)", async () => {
    const channel = freshChannel();
    const digestTs = await postDigest(channel);
    const outcome = await platform.send(
      channel,
      hostileCodeReply(channel, digestTs),
      handle("d0000000000000ccc"),
    );
    if (outcome.status !== "sent") throw new Error(outcome.status);
    slack.fake.calls.length = 0;
    expect(await platform.findPosted(channel, "d0000000000000ccc", MINUTE_AGO())).toEqual({
      status: "found",
      messages: [],
    });
    expect(await platform.findPosted(channel, "d0000000000000ccc", MINUTE_AGO(), digestTs)).toEqual({
      status: "found",
      messages: [{ index: 0, ref: { channel, id: outcome.message.ref.id } }],
    });
    expect(slack.fake.calls.map((c) => c.method)).toEqual(["conversations.history", "conversations.replies"]);
  });
});
