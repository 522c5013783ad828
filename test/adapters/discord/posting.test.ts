// End to end: ChatPlatform.send and react through a real discord.js Client: embeds with the delivery's nonce and
// footer reference, keycaps through the REST queue, pacing per channel, errors → outcomes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nonceFor } from "../../../adapters/discord/discord-platform.js";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import {
  channelRef,
  type Emoji,
  type Paperboy,
  type PostHandle,
  type PlatformAdapter,
} from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { digest } from "./messages.js";
import { discordConfig } from "./payloads.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
function makeCore(): ScriptedPaperboy & Paperboy {
  return createScriptedPaperboy();
}

let fake: FakeDiscord;
let discord: PlatformAdapter;
let deliveryNo = 0;
const channel = channelRef("discord", FAKE_IDS.guild, FAKE_IDS.channel);
const keycaps = (n: number): Emoji[] =>
  Array.from({ length: n }, (_, i) => ({ kind: "keycap", number: i + 1 }));
const handle = (index = 0): PostHandle => ({
  delivery: `d${(++deliveryNo).toString(16).padStart(16, "0")}`,
  index,
});
const posts = () =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);
const seeds = () => fake.requests.filter((r) => r.method === "PUT" && r.path.includes("/reactions/"));

async function sendOk(message = digest(3), h = handle()) {
  const outcome = await discord.platform.send(channel, message, h);
  if (outcome.status !== "sent") throw new Error(`not sent: ${JSON.stringify(outcome)}`);
  return outcome.message;
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  discord = createDiscordPlatform(discordConfig(fake.apiUrl), { core: makeCore(), log: silentLogger });
  await discord.start();
});

afterAll(async () => {
  await discord.stop();
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

describe("sending a scheduled digest", () => {
  it("GIVEN a compact digest THEN one message of paper embeds goes out with the delivery's nonce, enforce_nonce and a footer reference", async () => {
    const h = handle();
    const sent = await sendOk(digest(5), h);
    const [post] = posts();
    const body = post?.body as {
      embeds: { title: string; url: string; footer?: { text: string } }[];
      allowed_mentions: unknown;
      content: string;
      nonce: string;
      enforce_nonce: boolean;
    };
    expect(body.embeds).toHaveLength(5);
    expect(body.embeds[0]).toMatchObject({
      title: "1. Paper number 1",
      url: "https://huggingface.co/papers/2606.00001",
    });
    expect(body.embeds[0]?.footer?.text).toContain(`ref ${h.delivery}/0`);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toContain("Trending papers, 12 June");
    expect(body).toMatchObject({ nonce: nonceFor(h), enforce_nonce: true });
    expect(nonceFor(h).length).toBeLessThanOrEqual(25);
    expect(fake.nonceOf(sent.ref.id)).toBe(nonceFor(h));
    expect(sent.ref).toEqual({ channel, id: expect.stringMatching(/^\d{17,20}$/) });
    expect([...sent.slots.entries()]).toEqual([1, 2, 3, 4, 5].map((n) => [n, `2606.0000${String(n)}`]));
  });

  it("GIVEN keycaps THEN react PUTs 1️⃣…5️⃣ in order on the message (paced per channel) and Discord holds each once", async () => {
    const sent = await sendOk(digest(5));
    await discord.platform.react(sent.ref, keycaps(5));
    // A PUT Discord answered 429 is sent again by discord.js once the bucket resets: collapse those repeats.
    const puts = seeds().map((r) => r.path.split("/")[6]);
    expect(puts.filter((e, i) => puts[i - 1] !== e)).toEqual(["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]);
    expect(seeds().every((r) => r.path.endsWith("/@me"))).toBe(true);
    expect(fake.reactionsOn(sent.ref.id)).toEqual(["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]);
  });

  it("GIVEN cards THEN each send is one message holding its own slot", async () => {
    const cards = [1, 2, 3].map((n) => ({
      ...digest(1),
      blocks: digest(3).blocks.filter((b) => b.type === "paper" && b.slot === n),
    }));
    const h = handle();
    const slots = [];
    for (const [index, card] of cards.entries())
      slots.push([...(await sendOk(card, { delivery: h.delivery, index })).slots.keys()]);
    expect(posts()).toHaveLength(3);
    expect(slots).toEqual([[1], [2], [3]]);
  });

  it("GIVEN 60 papers THEN one message of at most 10 embeds and 6000 characters summarises the other 50, and only shown slots come back", async () => {
    const sent = await sendOk(digest(60));
    const body = posts()[0]?.body as {
      embeds: { title?: string; description?: string; footer?: { text: string } }[];
      content: string;
    };
    expect(body.embeds.length).toBeLessThanOrEqual(10);
    const total = body.embeds.reduce(
      (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0),
      0,
    );
    expect(total).toBeLessThanOrEqual(6000);
    expect(body.content).toContain(`+${String(60 - body.embeds.length)} more: /papers today`);
    expect(sent.slots.size).toBe(body.embeds.length);
  });

  it("GIVEN a title with @everyone THEN the post pings nobody", async () => {
    await sendOk(digest(1, () => ({ title: "@everyone <@&1278000000000000001> read this" })));
    const raw = JSON.stringify(posts()[0]?.body);
    expect(posts()[0]?.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(raw).not.toMatch(/@everyone|<@&\d/);
    expect(raw).toContain("@\u200beveryone");
  });

  it("keeps a channel's posts in order: a second send waits for the first one's answer", async () => {
    const first = handle();
    const second = handle();
    const release: (() => void)[] = [];
    const undo = fake.route(
      "POST",
      /^\/channels\/\d+\/messages$/,
      () =>
        new Promise((resolve) =>
          release.push(() => resolve({ status: 500, body: { message: "slow", code: 0 } })),
        ),
    );
    const both = Promise.all([
      discord.platform.send(channel, digest(1), first),
      discord.platform.send(channel, digest(1), second),
    ]);
    await fake.waitFor((r) => r.method === "POST");
    await new Promise((r) => setTimeout(r, 50));
    expect(posts().map((r) => (r.body as { nonce: string }).nonce)).toEqual([nonceFor(first)]);
    undo();
    for (const r of release.splice(0)) r();
    await both;
    const nonces = posts().map((r) => (r.body as { nonce: string }).nonce);
    expect(nonces[0]).toBe(nonceFor(first));
    expect(nonces.at(-1)).toBe(nonceFor(second));
  });

  it("GIVEN seeding is refused THEN react still resolves (seeding is a convenience)", async () => {
    const sent = await sendOk(digest(2));
    const undo = fake.route("PUT", /\/reactions\//, () => ({
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    }));
    await expect(discord.platform.react(sent.ref, keycaps(2))).resolves.toBeUndefined();
    undo();
    expect(fake.reactionsOn(sent.ref.id)).toEqual([]);
  });
});

describe("posting errors", () => {
  it("GIVEN a 403 Missing Access THEN the post is rejected with a fix hint that pauses the subscription", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({
      status: 403,
      body: { message: "Missing Access", code: 50001 },
    }));
    const outcome = await discord.platform.send(channel, digest(3), handle());
    undo();
    expect(outcome).toEqual({
      status: "rejected",
      reason: "no-access",
      hint: "Give paperboy View Channel, Send Messages, Embed Links, Add Reactions and Read Message History in #papers, then run /papers subscribe again.",
    });
  });

  it("GIVEN 50013 Missing Permissions THEN the post is rejected as no-access", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    }));
    const outcome = await discord.platform.send(channel, digest(1), handle());
    undo();
    expect(outcome).toMatchObject({ status: "rejected", reason: "no-access" });
  });

  it("GIVEN a channel Discord does not know THEN the post is rejected as channel-gone", async () => {
    const outcome = await discord.platform.send(
      channelRef("discord", FAKE_IDS.guild, "1278000000000009999"),
      digest(1),
      handle(),
    );
    expect(outcome).toMatchObject({ status: "rejected", reason: "channel-gone" });
    expect(outcome.status === "rejected" ? outcome.hint : "").toContain("paused");
  });

  it("GIVEN a 400 Invalid Form Body THEN the post failed for good (the payload, not the channel)", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({
      status: 400,
      body: { message: "Invalid Form Body", code: 50035 },
    }));
    const outcome = await discord.platform.send(channel, digest(1), handle());
    undo();
    expect(outcome).toMatchObject({ status: "failed", retryable: false });
  });

  it("GIVEN Discord keeps answering 500 THEN the post failed and may be retried later", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({
      status: 500,
      body: { message: "500: Internal Server Error", code: 0 },
    }));
    const outcome = await discord.platform.send(channel, digest(1), handle());
    undo();
    expect(outcome).toMatchObject({ status: "failed", retryable: true });
  });
});
