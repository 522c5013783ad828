// Slack with the real core: signed commands, events and button presses through Bolt into createCore, posts to the fake Web API.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SlackBlock } from "../../../adapters/slack/index.js";
import type { Core } from "../../../src/create-core.js";
import { channelRef } from "../../../src/index.js";
import type { Store } from "../../../src/storage/store.js";
import { startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from "../../fakes/fake-slack-api.js";
import type { ManualScheduler } from "../../fakes/manual-scheduler.js";
import {
  FIXTURES,
  RECORDED_BATCH,
  recordedJson,
  startPaperApiServer,
  type PaperApiServer,
} from "../../fakes/paper-api-server.js";
import { findLiveMarkup } from "./live-markup.js";
import {
  ACME,
  actionFixture,
  eventFixture,
  startSlackHarness,
  type EventEnvelope,
  type SlackHarness,
} from "./slack-harness.js";
import { createTestCore } from "../../fakes/test-core.js";

// Saturday 13 June 2026, 15:00 UTC: the last completed Hugging Face day is Friday 12 June (the recorded batch).
const NOW = new Date("2026-06-13T15:00:00Z");
/** The channel the slash-command fixture comes from (#ml-papers). */
const CHANNEL = "C2147483705";
const ADMIN = "U0ADMIN";
const MEMBER = "U0MEMBER";

let hf: PaperApiServer;
let fake: FakeSlackApi;
let store: Store;
let core: Core;
let scheduler: ManualScheduler;
let slack: SlackHarness;
let eventNo = 0;

beforeAll(async () => {
  hf = await startPaperApiServer();
  fake = await startFakeSlackApi();
  fake.users.set(ADMIN, { is_admin: true });
});
afterAll(async () => {
  await fake.close();
  await hf.close();
});

beforeEach(async () => {
  hf.reset();
  fake.calls.length = 0;
  fake.responses.length = 0;
  fake.resetReactionBuckets();
  ({ core, store, scheduler } = await createTestCore(hf, () => NOW));
  await core.start();
  // The Slack adapter registers itself with the core it is given.
  slack = await startSlackHarness({ core: core.paperboy, fake, store, postIntervalMs: 10 });
});
afterEach(async () => {
  await slack.close();
  await core.stop();
  await store.close();
});

/** Runs a signed `/papers <text>` and returns what came back through its response_url. */
async function papers(text: string, user = ADMIN): Promise<Record<string, unknown>> {
  const { status, responseId } = await slack.command(text, { user_id: user });
  expect(status).toBe(200);
  return (await fake.waitFor(() => fake.responses.find((r) => r.id === responseId))).body;
}

/** Every string in a Slack payload, joined: what a reader could see. */
const visible = (payload: unknown): string => JSON.stringify(payload);

/** Subscribes #ml-papers as an admin and returns the subscription's scheduler id. */
async function subscribeDaily(): Promise<string> {
  const answer = await papers("subscribe daily at 09:00");
  expect(answer.response_type).toBe("in_channel");
  expect(visible(answer)).toContain("Subscribed");
  await core.schedules.sync();
  const id = [...scheduler.entries.keys()].find((k) => k !== "watch-poll");
  if (id === undefined) throw new Error("subscribe scheduled nothing");
  return id;
}

async function fire(id: string): Promise<void> {
  await scheduler.fire(id, NOW);
  await core.queue.idle();
}

/** A reaction event on a message, with a fresh event_id and an event_time at the core's `now`. */
function reactionEvent(
  ts: string,
  user: string,
  reaction: string,
  type: "reaction_added" | "reaction_removed" = "reaction_added",
): EventEnvelope {
  const body = eventFixture("reaction-added-keycap-3.json");
  body.event_id = `Ev0CORE${String(++eventNo)}`;
  body.event_time = Math.floor(NOW.getTime() / 1000) + eventNo;
  body.event.type = type;
  body.event.user = user;
  body.event.reaction = reaction;
  body.event.item = { type: "message", channel: CHANNEL, ts };
  return body;
}

/**
 * Polls the core's leaderboard (directly, unsigned) until it matches, so the signed `/papers top` that follows sees
 * every vote (a vote on a message not recorded yet is held and applied later). Returns the last fallback text.
 */
async function votesReach(expected: RegExp): Promise<string> {
  let last = "";
  for (let i = 0; i < 200; i++) {
    const reply = await core.paperboy.handleCommand({
      channel: channelRef("slack", ACME.teamId, CHANNEL),
      userId: MEMBER,
      text: "top week",
      canManage: false,
    });
    last = reply.message.fallbackText;
    if (expected.test(last)) return last;
    await new Promise((r) => setTimeout(r, 10));
  }
  return last;
}

const posts = (): SlackApiCall[] => fake.callsOf("chat.postMessage");
const blocksOf = (call: SlackApiCall | undefined): SlackBlock[] => (call?.args.blocks ?? []) as SlackBlock[];

/** The recorded batch with its most upvoted paper renamed `title`. */
function batchWithTopTitle(title: string): unknown[] {
  const items = recordedJson(FIXTURES.daily) as { paper: { upvotes: number; title: string }; title?: string }[];
  const top = items.reduce((best, item) => (item.paper.upvotes > best.paper.upvotes ? item : best));
  top.paper.title = title;
  if (top.title !== undefined) top.title = title;
  return items;
}

describe("subscriptions over signed slash commands", () => {
  it("GIVEN an admin subscribes THEN /papers settings shows the daily 09:00 schedule", async () => {
    await subscribeDaily();
    const settings = await papers("settings", MEMBER);
    expect(settings.response_type).toBe("ephemeral");
    const text = visible(settings);
    expect(text).toContain("Hugging Face daily papers");
    expect(text).toContain("weekdays at 09:00 `0 9 * * 1-5`");
    expect(text).toContain("Europe/Berlin");
    expect(fake.callsOf("users.info").map((c) => c.args.user)).toEqual([ADMIN]);
  });

  it("GIVEN a member who is not an admin subscribes THEN it is refused, naming who can, and nothing is scheduled", async () => {
    const answer = await papers("subscribe daily at 09:00", MEMBER);
    expect(answer.response_type).toBe("ephemeral");
    expect(visible(answer)).toContain("only workspace admins and owners can");
    expect([...scheduler.entries.keys()]).toEqual(["watch-poll"]);
    expect(visible(await papers("settings", MEMBER))).toContain("no subscriptions");
  });
});

describe("a scheduled digest", () => {
  it("GIVEN the subscription fires THEN the digest is posted with chat.postMessage, keycaps 1–5 seeded, nothing live in it", async () => {
    await fire(await subscribeDaily());
    const [post] = posts();
    expect(posts()).toHaveLength(1);
    expect(post?.token).toBe(ACME.token);
    expect(post?.args.channel).toBe(CHANNEL);
    expect(visible(blocksOf(post))).toContain("EvoArena");
    const seeds = fake.callsOf("reactions.add");
    expect(seeds.map((c) => c.args.name)).toEqual(["one", "two", "three", "four", "five"]);
    expect(post?.ts).toBeDefined();
    expect(seeds.every((c) => c.args.timestamp === post?.ts && c.args.channel === CHANNEL)).toBe(true);
    expect(findLiveMarkup({ text: post?.args.text, blocks: post?.args.blocks })).toEqual([]);
  });

  it("GIVEN keycap reactions (one duplicated delivery) THEN /papers top counts them, and a removal takes one back", async () => {
    await fire(await subscribeDaily());
    const ts = posts()[0]?.ts ?? "";
    const first = reactionEvent(ts, "U0ANN", "one");
    await slack.event(first);
    await slack.event(first); // Slack redelivers with the same event_id
    await slack.event(reactionEvent(ts, "U0BOB", "two"));
    await slack.event(reactionEvent(ts, "U0CAT", "two"));
    await slack.event(reactionEvent(ts, ACME.botUserId, "two")); // the bot's own seed never counts
    await votesReach(/\(2 votes\)[^]*\(1 vote\)/);

    const top = await papers("top week", MEMBER);
    expect(top.response_type).toBe("in_channel");
    const lines = String(top.text).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1\. .+ \(2 votes\)$/);
    expect(lines[2]).toMatch(/^2\. .+ \(1 vote\)$/);

    await slack.event(reactionEvent(ts, "U0CAT", "two", "reaction_removed"));
    await votesReach(/^[^(]*\(1 vote\)[^(]*\(1 vote\)$/);
    const after = String((await papers("top week", MEMBER)).text).split("\n");
    expect(after.slice(1).map((l) => /\((\d+) votes?\)$/.exec(l)?.[1])).toEqual(["1", "1"]);
  });

  it("GIVEN chat.postMessage says not_in_channel THEN the subscription pauses, settings says to invite @paperboy, and a later fire posts nothing", async () => {
    const id = await subscribeDaily();
    fake.failNext("chat.postMessage", { error: "not_in_channel" });
    await fire(id);
    expect(posts()).toHaveLength(1);
    expect(fake.callsOf("reactions.add")).toHaveLength(0);
    const settings = visible(await papers("settings", MEMBER));
    expect(settings).toContain("Paused");
    expect(settings).toContain("not-in-channel");
    expect(settings).toContain("invite @paperboy to #ml-papers");

    await fire(id);
    expect(posts()).toHaveLength(1);
  });

  it("GIVEN one 429 with Retry-After: 1 THEN the digest is posted once after the wait, without a duplicate", async () => {
    const id = await subscribeDaily();
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, CHANNEL);
    await fire(id);
    const calls = posts();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.callsOf("reactions.add")).toHaveLength(5);
    await fire(id); // the period is delivered: a second fire posts nothing
    expect(posts()).toHaveLength(2);
    expect(visible(await papers("settings", MEMBER))).not.toContain("Paused");
  });

  it("GIVEN a paper title full of Slack markup THEN the posted blocks ping nobody, link nowhere and stay within Slack's limits", async () => {
    const hostile = `<!channel> @here <@U123> <https://evil.example|click> *bold* ${"<!here> <@U999> &amp; ".repeat(500).slice(0, 10_000)}`;
    const batch = batchWithTopTitle(hostile);
    hf.respond("GET /api/daily_papers", (req) =>
      req.query.date === RECORDED_BATCH.date ? { json: batch } : undefined,
    );
    await fire(await subscribeDaily());
    const [post] = posts();
    const raw = visible({ text: post?.args.text, blocks: post?.args.blocks });
    for (const live of ["<!channel>", "<!here>", "<@U123>", "<@U999>", "<https://evil.example|"])
      expect(raw).not.toContain(live);
    expect(findLiveMarkup({ text: post?.args.text, blocks: post?.args.blocks })).toEqual([]);
    expect(raw).toContain("&lt;!channel&gt;");

    const blocks = blocksOf(post);
    expect(blocks.length).toBeLessThanOrEqual(50);
    let total = 0;
    const texts = (v: unknown): string[] =>
      v !== null && typeof v === "object"
        ? Object.entries(v).flatMap(([k, x]) => (k === "text" && typeof x === "string" ? [x] : texts(x)))
        : [];
    for (const block of blocks) {
      for (const t of texts(block)) {
        total += t.length;
        expect(t.length).toBeLessThanOrEqual(block.type === "header" ? 150 : 3_000);
      }
    }
    expect(total).toBeLessThanOrEqual(11_500);
    expect(String(post?.args.text).length).toBeLessThanOrEqual(3_000);
    expect(fake.callsOf("reactions.add").length).toBeGreaterThan(0);

    // The title comes back in /papers top once someone votes for it: still inert there.
    await slack.event(reactionEvent(post?.ts ?? "", "U0ANN", "one"));
    await votesReach(/\(1 vote\)/);
    const top = await papers("top week", MEMBER);
    expect(visible(top)).toContain("&lt;!channel&gt;");
    expect(findLiveMarkup(top)).toEqual([]);
  });
});

describe("search, Share and votes on the shared card", () => {
  it("GIVEN /papers kazakh THEN an ephemeral answer has Share buttons; a press posts a card; a +1 on it counts", async () => {
    const answer = await papers("kazakh", MEMBER);
    expect(answer.response_type).toBe("ephemeral");
    const buttons = (answer.blocks as SlackBlock[])
      .flatMap((b) => (b.type === "actions" ? b.elements : []))
      .filter((e) => e.action_id === "paperboy:share");
    const value = buttons[0]?.value;
    expect(value).toMatch(/^\d{4}\.\d{4,5}$/);

    const press = actionFixture("block-actions-share.json");
    press.response_url = fake.responseUrl("share-1");
    press.actions = [{ ...press.actions[0]!, action_id: "paperboy:share", value: value! }];
    expect((await slack.action(press)).status).toBe(200);
    const confirmation = await fake.waitFor(() => fake.responses.find((r) => r.id === "share-1"));
    expect(confirmation.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(confirmation.body.text)).toContain("Shared");

    const [card] = posts();
    expect(posts()).toHaveLength(1);
    expect(card?.args.channel).toBe(CHANNEL);
    expect(visible(blocksOf(card))).toContain(value);
    const ts = card?.ts ?? "";
    await slack.event(reactionEvent(ts, "U0ANN", "+1::skin-tone-3"));
    await votesReach(/\(1 vote\)/);
    const top = String((await papers("top week", MEMBER)).text).split("\n");
    expect(top).toHaveLength(2);
    expect(top[1]).toMatch(/\(1 vote\)$/);
  });
});

describe("/papers today", () => {
  it("GIVEN /papers today THEN the digest is posted to the channel with keycaps and the asker alone gets the confirmation", async () => {
    const answer = await papers("today", MEMBER);
    expect(answer.response_type).toBe("ephemeral");
    expect(String(answer.text)).toContain("Posted 5 papers");
    expect(posts()).toHaveLength(1);
    expect(posts()[0]?.args.channel).toBe(CHANNEL);
    expect(fake.callsOf("reactions.add").map((c) => c.args.name)).toEqual(["one", "two", "three", "four", "five"]);
  });
});

describe("App Home and uninstall", () => {
  it("GIVEN a subscription and a vote THEN App Home lists the channel and the user's vote", async () => {
    await fire(await subscribeDaily());
    await slack.event(reactionEvent(posts()[0]?.ts ?? "", "U2147483697", "one"));
    await votesReach(/\(1 vote\)/);
    const opened = eventFixture("app-home-opened.json");
    opened.event_id = `Ev0CORE${String(++eventNo)}`;
    await slack.event(opened);
    const publish = await fake.waitFor(() => fake.callsOf("views.publish")[0]);
    expect(publish.args.user_id).toBe("U2147483697");
    const view = publish.args.view as { type: string; blocks: SlackBlock[] };
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeGreaterThan(0);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = visible(view);
    expect(text).toContain(CHANNEL);
    expect(text).toContain("EvoArena");
  });

  it("GIVEN the app is uninstalled THEN the workspace's subscriptions are forgotten and no longer scheduled", async () => {
    await subscribeDaily();
    const uninstalled = eventFixture("app-uninstalled.json");
    uninstalled.event_id = `Ev0CORE${String(++eventNo)}`;
    expect((await slack.event(uninstalled)).status).toBe(200);
    await fake.waitFor(() => scheduler.entries.size === 1);
    expect([...scheduler.entries.keys()]).toEqual(["watch-poll"]);
    expect(visible(await papers("settings", MEMBER))).toContain("no subscriptions");
  });
});
