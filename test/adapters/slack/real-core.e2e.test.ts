// Slack with the real core, what only Slack does: who may manage (users.info), chat.postMessage with the workspace token and
// seeded keycap names, Events API redelivery, its error codes and 429s, Share's response_url, App Home and uninstall.
// What every adapter does (digest, votes, bot's reactions, hostile titles, share, settings, usage, errors) is contract.e2e.test.ts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SlackBlock } from "../../../adapters/slack/index.js";
import { startFakeSlackApi, type FakeSlackApi, type SlackApiCall } from "../../fakes/fake-slack-api.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { NOW } from "../real-core.js";
import { ACME, actionFixture, eventFixture } from "./slack-harness.js";
import { ADMIN, CHANNEL, MEMBER, reactionEvent, startSlackCore, type SlackCore } from "./slack-core.js";

let hf: PaperApiServer;
let fake: FakeSlackApi;
let s: SlackCore;
let eventNo = 0;

beforeAll(async () => {
  hf = await startPaperApiServer();
  fake = await startFakeSlackApi();
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
  s = await startSlackCore({ hf, fake, now: () => NOW });
});
afterEach(() => s.close());

/** Every string in a Slack payload, joined: what a reader could see. */
const visible = (payload: unknown): string => JSON.stringify(payload);
const posts = (): SlackApiCall[] => fake.callsOf("chat.postMessage");
const subscribeDaily = () => s.subscribe("daily at 09:00");
const fire = async (id: string) => s.fire(id, NOW);

describe("subscriptions over signed slash commands", () => {
  it("GIVEN an admin subscribes and a member reads settings THEN users.info is asked about the admin only", async () => {
    await subscribeDaily();
    const settings = await s.papers("settings", MEMBER);
    expect(settings.response_type).toBe("ephemeral");
    expect(visible(settings)).toContain("Hugging Face daily papers");
    expect(fake.callsOf("users.info").map((c) => c.args.user)).toEqual([ADMIN]);
  });

  it("GIVEN a member who is not an admin subscribes THEN it is refused, naming who can, and nothing is scheduled", async () => {
    const answer = await s.papers("subscribe daily at 09:00", MEMBER);
    expect(answer.response_type).toBe("ephemeral");
    expect(visible(answer)).toContain("only workspace admins and owners can");
    expect([...s.scheduler.entries.keys()]).toEqual(["watch-poll"]);
    expect(visible(await s.papers("settings", MEMBER))).toContain("no subscriptions");
  });
});

describe("a scheduled digest", () => {
  it("GIVEN the subscription fires THEN chat.postMessage carries the workspace's token and keycaps one…five are seeded on its ts", async () => {
    await fire(await subscribeDaily());
    const [post] = posts();
    expect(posts()).toHaveLength(1);
    expect(post?.token).toBe(ACME.token);
    expect(post?.args.channel).toBe(CHANNEL);
    const seeds = fake.callsOf("reactions.add");
    expect(seeds.map((c) => c.args.name)).toEqual(["one", "two", "three", "four", "five"]);
    expect(post?.ts).toBeDefined();
    expect(seeds.every((c) => c.args.timestamp === post?.ts && c.args.channel === CHANNEL)).toBe(true);
  });

  it("GIVEN keycaps from three users, one event delivered twice with its event_id THEN /papers top counts 2 and 1", async () => {
    await fire(await subscribeDaily());
    const ts = posts()[0]?.ts ?? "";
    const first = reactionEvent(ts, "U0ANN", "one", NOW);
    await s.slack.event(first);
    await s.slack.event(first); // Slack redelivers with the same event_id
    await s.slack.event(reactionEvent(ts, "U0BOB", "two", NOW));
    await s.slack.event(reactionEvent(ts, "U0CAT", "two", NOW));
    await s.topShows(/\(2 votes\)[^]*\(1 vote\)/);

    const top = await s.papers("top week", MEMBER);
    expect(top.response_type).toBe("in_channel");
    const lines = String(top.text).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1\. .+ \(2 votes\)$/);
    expect(lines[2]).toMatch(/^2\. .+ \(1 vote\)$/);
  });

  it("GIVEN chat.postMessage says not_in_channel THEN the subscription pauses, settings says to invite @paperboy, and a later fire posts nothing", async () => {
    const id = await subscribeDaily();
    fake.failNext("chat.postMessage", { error: "not_in_channel" });
    await fire(id);
    expect(posts()).toHaveLength(1);
    expect(fake.callsOf("reactions.add")).toHaveLength(0);
    const settings = visible(await s.papers("settings", MEMBER));
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
    expect(visible(await s.papers("settings", MEMBER))).not.toContain("Paused");
  });
});

describe("Share over response_url", () => {
  it("GIVEN Share is pressed THEN the confirmation is ephemeral beside the search answer (not replacing it), and a skin-toned 👍 on the card counts", async () => {
    const answer = await s.papers("kazakh", MEMBER);
    const value = (answer.blocks as SlackBlock[])
      .flatMap((b) => (b.type === "actions" ? b.elements : []))
      .find((e) => e.action_id === "paperboy:share")?.value;
    const press = actionFixture("block-actions-share.json");
    press.response_url = fake.responseUrl("share-1");
    press.actions = [{ ...press.actions[0]!, action_id: "paperboy:share", value: value! }];
    expect((await s.slack.action(press)).status).toBe(200);
    const confirmation = await fake.waitFor(() => fake.responses.find((r) => r.id === "share-1"));
    expect(confirmation.body).toMatchObject({ response_type: "ephemeral", replace_original: false });

    await s.slack.event(reactionEvent(posts()[0]?.ts ?? "", "U0ANN", "+1::skin-tone-3", NOW));
    expect(await s.topShows(/\(1 vote\)/)).toMatch(/\(1 vote\)/);
  });
});

describe("how a search answer and a shared card read", () => {
  it("GIVEN a search with the most results Slack shows THEN each paper has one set of buttons, numbered with it, within Block Kit's limits, and its picture", async () => {
    const answer = await s.papers("kazakh", MEMBER);
    const blocks = answer.blocks as SlackBlock[];
    const sections = blocks.filter((b) => b.type === "section" && /^\*\d+\.\*/.test(b.text.text));
    expect(sections).toHaveLength(5); // the search's maximum
    const actions = blocks.flatMap((b) => (b.type === "actions" ? [b] : []));
    expect(actions).toHaveLength(5);
    expect(blocks.length).toBeLessThanOrEqual(50);
    actions.forEach((block, i) => {
      const n = String(i + 1);
      const labels = block.elements.map((e) => e.text.text);
      // Hugging Face, PDF (and Code when the paper has a repository) once each, then Share, all named "… n".
      expect(labels.slice(0, 2)).toEqual([`Hugging Face ${n}`, `PDF ${n}`]);
      expect(labels.at(-1)).toBe(`Share ${n}`);
      expect(labels.every((l) => l.endsWith(` ${n}`) && l.length <= 75)).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
      expect(block.elements.length).toBeLessThanOrEqual(25);
      const ids = block.elements.map((e) => e.action_id);
      expect(new Set(ids).size).toBe(ids.length);
    });
    const linkIds = actions.flatMap((b) =>
      b.elements.filter((e) => e.url !== undefined).map((e) => e.action_id),
    );
    expect(new Set(linkIds).size).toBe(linkIds.length);
    for (const section of sections) {
      if (section.type !== "section") continue;
      expect(section.accessory).toMatchObject({
        type: "image",
        image_url: expect.stringMatching(/^https:\/\/cdn-thumbnails\.huggingface\.co\/.+\.png$/) as unknown,
      });
      expect(section.accessory?.alt_text).not.toBe("");
    }
  });

  it("GIVEN a cards subscription fires THEN each card shows its paper's thumbnail with the title as alt text, and one set of link buttons", async () => {
    await fire(await s.subscribe("daily at 09:00 layout cards top 2"));
    const cards = posts().slice(1);
    expect(cards).toHaveLength(2);
    for (const call of cards) {
      const blocks = call.args.blocks as SlackBlock[];
      const section = blocks[0];
      if (section?.type !== "section") throw new Error("a card opens with its section");
      expect(section.accessory?.image_url).toMatch(/^https:\/\/cdn-thumbnails\.huggingface\.co\//);
      expect(section.text.text).toContain(section.accessory?.alt_text.slice(0, 20));
      const actions = blocks.filter((b) => b.type === "actions");
      expect(actions).toHaveLength(1);
      const labels = actions.flatMap((b) => (b.type === "actions" ? b.elements.map((e) => e.text.text) : []));
      expect(labels.filter((l) => l === "Hugging Face")).toHaveLength(1);
      expect(labels.filter((l) => l === "PDF")).toHaveLength(1);
    }
  });
});

describe("a subscribe that changes nothing", () => {
  it("GIVEN an admin subscribes twice alike THEN the second answer is private, says 'Nothing changed' and shows the settings", async () => {
    await subscribeDaily();
    const again = await s.papers("subscribe daily at 09:00", ADMIN);
    expect(again.response_type).toBe("ephemeral");
    expect(visible(again)).toContain("Nothing changed: Hugging Face daily papers");
    expect(visible(again)).toContain("weekdays at 09:00");
    expect(visible(again)).not.toContain("Updated");
  });
});

describe("/papers week", () => {
  it("GIVEN more papers than a digest shows THEN the '+25 more' line links Hugging Face's page of the week", async () => {
    const answer = await s.papers("week", MEMBER);
    expect(JSON.stringify(answer)).toContain("Posted 5 papers to the channel");
    const digest = posts().at(-1)?.args.blocks as SlackBlock[];
    const more = digest.flatMap((b) => (b.type === "context" ? [b.elements[0]?.text ?? ""] : []));
    expect(more).toContain(
      "+25 more on Hugging Face: <https://huggingface.co/papers/week/2026-W24|2026-W24>",
    );
    expect(visible(digest)).not.toContain("/papers week");
    expect(visible(digest)).not.toContain("/papers month");
  });
});

describe("App Home and uninstall", () => {
  it("GIVEN a subscription and a vote THEN App Home lists the channel and the user's vote", async () => {
    await fire(await subscribeDaily());
    await s.slack.event(reactionEvent(posts()[0]?.ts ?? "", "U2147483697", "one", NOW));
    await s.topShows(/\(1 vote\)/);
    const opened = eventFixture("app-home-opened.json");
    opened.event_id = `Ev0CORE${String(++eventNo)}`;
    await s.slack.event(opened);
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
    expect((await s.slack.event(uninstalled)).status).toBe(200);
    await fake.waitFor(() => s.scheduler.entries.size === 1);
    expect([...s.scheduler.entries.keys()]).toEqual(["watch-poll"]);
    expect(visible(await s.papers("settings", MEMBER))).toContain("no subscriptions");
  });
});
