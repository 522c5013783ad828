// ChatPlatform.react and findPosted end to end: seeding by Slack name within Tier 3, and reading a channel back
// through conversations.history (message metadata, cursor pages) to find what a delivery already posted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { channelRef, type ChatPlatform, type Emoji, type PostHandle } from "../../../src/index.js";
import { createScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { compactDigest } from "./sample-messages.js";
import { ACME, startSlackHarness, type SlackHarness } from "./slack-harness.js";

let slack: SlackHarness;
let platform: ChatPlatform;
let channelNo = 0;
let deliveryNo = 0;
const freshChannel = () => channelRef("slack", ACME.teamId, `C0SEED${String(++channelNo).padStart(4, "0")}`);
const delivery = () => `d${String(++deliveryNo).padStart(16, "0")}`;
const keycaps = (n: number): Emoji[] =>
  Array.from({ length: n }, (_, i) => ({ kind: "keycap", number: i + 1 }) as const);
const MINUTE_AGO = () => new Date(Date.now() - 60_000);

async function sent(channel = freshChannel(), handle: PostHandle = { delivery: delivery(), index: 0 }) {
  const outcome = await platform.send(channel, compactDigest(3), handle);
  if (outcome.status !== "sent") throw new Error(`not sent: ${outcome.status}`);
  return outcome.message.ref;
}

beforeAll(async () => {
  const core = createScriptedPaperboy();
  slack = await startSlackHarness({ core, postIntervalMs: 10 });
  platform = core.platforms[0]!;
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.fake.calls.length = 0;
  slack.fake.reactionsPerMinute = 50;
  slack.fake.reactionBurst = 50;
  slack.fake.reactionRateViolations = 0;
  slack.fake.resetReactionBuckets();
  slack.fake.historyPageSize = 999;
});

describe("seeding reactions", () => {
  it("GIVEN keycaps THEN react adds one, two, three… in order on that message", async () => {
    const ref = await sent();
    await platform.react(ref, keycaps(5));
    expect(slack.fake.callsOf("reactions.add").map((c) => c.args)).toEqual(
      ["one", "two", "three", "four", "five"].map((name) => ({
        channel: ref.channel.channel,
        timestamp: ref.id,
        name,
      })),
    );
    expect(slack.fake.reactionsOn(ref.channel.channel, ref.id)).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);
  });

  it("GIVEN the cards' vote emoji THEN react adds them by Slack name", async () => {
    const ref = await sent();
    await platform.react(ref, [
      { kind: "unicode", value: "👍" },
      { kind: "unicode", value: "🔥" },
      { kind: "unicode", value: "❤️" },
    ]);
    expect(slack.fake.reactionsOn(ref.channel.channel, ref.id)).toEqual(["+1", "fire", "heart"]);
  });

  it("GIVEN the reactions are already there (a resumed delivery seeds again) THEN react resolves and each stays once", async () => {
    const ref = await sent();
    await platform.react(ref, keycaps(3));
    await platform.react(ref, keycaps(3));
    expect(slack.fake.reactionsOn(ref.channel.channel, ref.id)).toEqual(["one", "two", "three"]);
    expect(
      slack.fake
        .callsOf("reactions.add")
        .slice(3)
        .map((c) => c.answered?.error),
    ).toEqual(Array(3).fill("already_reacted"));
  });

  it("GIVEN one reaction is refused THEN react carries on with the next ones and never throws", async () => {
    const ref = await sent();
    slack.fake.failNext("reactions.add", { error: "too_many_reactions" });
    await expect(platform.react(ref, keycaps(3))).resolves.toBeUndefined();
    expect(slack.fake.reactionsOn(ref.channel.channel, ref.id)).toEqual(["two", "three"]);
  });

  it("GIVEN the workspace's Tier 3 bucket runs dry THEN the 429s are waited out and every keycap lands once", async () => {
    const ref = await sent();
    slack.fake.reactionBurst = 2;
    slack.fake.reactionsPerMinute = 120;
    await platform.react(ref, keycaps(4));
    expect(slack.fake.reactionRateViolations).toBeGreaterThan(0);
    expect(slack.fake.reactionsOn(ref.channel.channel, ref.id)).toEqual(["one", "two", "three", "four"]);
  });
});

describe("the platform's own reaction budget", () => {
  it("GIVEN reactionsPerMinute 2 THEN the third and fourth reaction wait ~30 s each on the workspace's gate and Slack never answers 429", async () => {
    let t = Date.now();
    const slept: number[] = [];
    const core = createScriptedPaperboy();
    const paced = await startSlackHarness({
      core,
      fake: slack.fake,
      reactionsPerMinute: 2,
      now: () => new Date(t),
      sleep: (ms) => {
        slept.push(ms);
        t += ms;
        return Promise.resolve();
      },
    });
    try {
      const outcome = await core.platforms[0]!.send(freshChannel(), compactDigest(4), {
        delivery: delivery(),
        index: 0,
      });
      if (outcome.status !== "sent") throw new Error(outcome.status);
      await core.platforms[0]!.react(outcome.message.ref, keycaps(4));
      expect(
        slack.fake.reactionsOn(outcome.message.ref.channel.channel, outcome.message.ref.id),
      ).toHaveLength(4);
      expect(slept.filter((ms) => ms > 29_000 && ms <= 30_000)).toHaveLength(2);
      expect(slack.fake.reactionRateViolations).toBe(0);
    } finally {
      await paced.close();
    }
  });
});

describe("reading a channel back", () => {
  it("GIVEN two deliveries' messages in a channel THEN findPosted returns this delivery's, each with its index and ts", async () => {
    const channel = freshChannel();
    const mine = delivery();
    const refs = [];
    for (const index of [0, 1, 2]) refs.push(await sent(channel, { delivery: mine, index }));
    await sent(channel, { delivery: delivery(), index: 0 });
    const found = await platform.findPosted(channel, mine, MINUTE_AGO());
    expect(found.status).toBe("found");
    if (found.status !== "found") return;
    expect([...found.messages].sort((a, b) => a.index - b.index)).toEqual(
      refs.map((ref, index) => ({ index, ref })),
    );
    const [history] = slack.fake.callsOf("conversations.history");
    expect(history?.args).toMatchObject({ channel: channel.channel, include_all_metadata: "true" });
    expect(Number(history?.args.oldest)).toBeCloseTo(MINUTE_AGO().getTime() / 1000, -1);
  });

  it("GIVEN Slack returns two messages a page THEN findPosted follows next_cursor to the end", async () => {
    const channel = freshChannel();
    const mine = delivery();
    for (const index of [0, 1, 2, 3, 4]) await sent(channel, { delivery: mine, index });
    slack.fake.historyPageSize = 2;
    const found = await platform.findPosted(channel, mine, MINUTE_AGO());
    expect(found.status === "found" ? found.messages.map((m) => m.index).sort() : found).toEqual([
      0, 1, 2, 3, 4,
    ]);
    const pages = slack.fake.callsOf("conversations.history");
    expect(pages).toHaveLength(3);
    expect(pages.slice(1).every((c) => typeof c.args.cursor === "string" && c.args.cursor !== "")).toBe(true);
  });

  it("GIVEN the delivery's message is older than `since` THEN findPosted does not return it", async () => {
    const channel = freshChannel();
    const mine = delivery();
    await sent(channel, { delivery: mine, index: 0 });
    const found = await platform.findPosted(channel, mine, new Date(Date.now() + 60_000));
    expect(found).toEqual({ status: "found", messages: [] });
  });

  it("GIVEN conversations.history is refused (missing_scope) THEN findPosted fails naming the error instead of finding nothing", async () => {
    slack.fake.failNext("conversations.history", { error: "missing_scope" });
    const found = await platform.findPosted(freshChannel(), delivery(), MINUTE_AGO());
    expect(found).toEqual({ status: "failed", error: expect.stringContaining("missing_scope") });
  });
});
