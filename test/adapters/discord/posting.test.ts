// End to end: ChatPlatform.post through a real discord.js Client: embeds, seeded keycaps, pacing, errors → outcomes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscordPlatform, type DiscordPlatform } from "../../../adapters/discord/index.js";
import { channelRef, silentLogger, type Emoji, type Paperboy } from "../../../src/index.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { digest } from "./messages.js";
import { discordConfig } from "./payloads.js";

/** The one place the core comes from: swap for the real createPaperboy when it lands. */
function makeCore(): ScriptedPaperboy & Paperboy {
  return createScriptedPaperboy();
}

let fake: FakeDiscord;
let discord: DiscordPlatform;
const channel = channelRef("discord", FAKE_IDS.guild, FAKE_IDS.channel);
const keycaps = (n: number): Emoji[] => Array.from({ length: n }, (_, i) => ({ kind: "keycap", number: i + 1 }));
const posts = () => fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);
const seeds = () => fake.requests.filter((r) => r.method === "PUT" && r.path.includes("/reactions/"));

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

describe("posting a scheduled digest", () => {
  it("posts a compact digest as one message of paper embeds and seeds its keycaps in order", async () => {
    const outcome = await discord.platform.post({ channel, messages: [digest(5)], seed: [keycaps(5)] });
    expect(outcome.status).toBe("posted");
    const [post] = posts();
    const body = post?.body as { embeds: { title: string; url: string }[]; allowed_mentions: unknown; content: string };
    expect(body.embeds).toHaveLength(5);
    expect(body.embeds[0]).toMatchObject({ title: "1. Paper number 1", url: "https://huggingface.co/papers/2606.00001" });
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toContain("Trending papers, 12 June");
    expect(seeds().map((r) => r.path.split("/")[6])).toEqual(["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]);
    if (outcome.status !== "posted") return;
    expect(outcome.messages).toHaveLength(1);
    expect([...(outcome.messages[0]?.slots.entries() ?? [])]).toEqual([1, 2, 3, 4, 5].map((n) => [n, `2606.0000${String(n)}`]));
  });

  it("posts a cards digest as one message per paper and reports each message's slot", async () => {
    const cards = [1, 2, 3].map((n) => ({ ...digest(1), blocks: digest(3).blocks.filter((b) => b.type === "paper" && b.slot === n) }));
    const outcome = await discord.platform.post({ channel, messages: cards });
    expect(posts()).toHaveLength(3);
    expect(outcome.status === "posted" ? outcome.messages.map((m) => [...m.slots.keys()]) : outcome).toEqual([[1], [2], [3]]);
  });

  it("GIVEN 60 papers THEN one message of at most 10 embeds and 6000 characters summarises the other 50, and seeds only shown keycaps", async () => {
    const outcome = await discord.platform.post({ channel, messages: [digest(60)], seed: [keycaps(10)] });
    const body = posts()[0]?.body as { embeds: { title?: string; description?: string; footer?: { text: string } }[]; content: string };
    expect(body.embeds.length).toBeLessThanOrEqual(10);
    const total = body.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(body.content).toContain(`+${String(60 - body.embeds.length)} more: /papers today`);
    expect(seeds()).toHaveLength(body.embeds.length);
    expect(outcome.status === "posted" ? outcome.messages[0]?.slots.size : -1).toBe(body.embeds.length);
  });

  it("GIVEN a title with @everyone THEN the post pings nobody", async () => {
    await discord.platform.post({ channel, messages: [digest(1, () => ({ title: "@everyone <@&1278000000000000001> read this" }))] });
    const raw = JSON.stringify(posts()[0]?.body);
    expect(posts()[0]?.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(raw).not.toMatch(/@everyone|<@&\d/);
    expect(raw).toContain("@\u200beveryone");
  });

  it("keeps a channel's posts in order: the second digest waits for the first one's seeding", async () => {
    await Promise.all([
      discord.platform.post({ channel, messages: [digest(3)], seed: [keycaps(3)] }),
      discord.platform.post({ channel, messages: [digest(2)], seed: [keycaps(2)] }),
    ]);
    const order = fake.requests.filter((r) => r.path.startsWith(`/channels/${FAKE_IDS.channel}/messages`)).map((r) => r.method);
    expect(order).toEqual(["POST", "PUT", "PUT", "PUT", "POST", "PUT", "PUT"]);
  });

  it("GIVEN seeding is refused THEN the digest still counts as posted", async () => {
    const undo = fake.route("PUT", /\/reactions\//, () => ({ status: 403, body: { message: "Missing Permissions", code: 50013 } }));
    const outcome = await discord.platform.post({ channel, messages: [digest(2)], seed: [keycaps(2)] });
    undo();
    expect(outcome.status).toBe("posted");
  });
});

describe("posting errors", () => {
  it("GIVEN a 403 Missing Access THEN the post is rejected with a fix hint that pauses the subscription", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({ status: 403, body: { message: "Missing Access", code: 50001 } }));
    const outcome = await discord.platform.post({ channel, messages: [digest(3)], seed: [keycaps(3)] });
    undo();
    expect(outcome).toEqual({
      status: "rejected",
      reason: "no-access",
      hint: "Give paperboy View Channel, Send Messages, Embed Links, Add Reactions and Read Message History in #papers, then run /papers subscribe again.",
    });
    expect(seeds()).toHaveLength(0);
  });

  it("GIVEN 50013 Missing Permissions THEN the post is rejected as no-access", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({ status: 403, body: { message: "Missing Permissions", code: 50013 } }));
    const outcome = await discord.platform.post({ channel, messages: [digest(1)] });
    undo();
    expect(outcome).toMatchObject({ status: "rejected", reason: "no-access" });
  });

  it("GIVEN a channel Discord does not know THEN the post is rejected as channel-gone", async () => {
    const outcome = await discord.platform.post({ channel: channelRef("discord", FAKE_IDS.guild, "1278000000000009999"), messages: [digest(1)] });
    expect(outcome).toMatchObject({ status: "rejected", reason: "channel-gone" });
    expect(outcome.status === "rejected" ? outcome.hint : "").toContain("paused");
  });

  it("GIVEN a 400 Invalid Form Body THEN the post failed (retry next time) rather than being rejected", async () => {
    const undo = fake.route("POST", /\/messages$/, () => ({ status: 400, body: { message: "Invalid Form Body", code: 50035 } }));
    const outcome = await discord.platform.post({ channel, messages: [digest(1)] });
    undo();
    expect(outcome).toMatchObject({ status: "failed" });
  });
});
