// Exactly-once posting on Discord through a real discord.js Client: the delivery's nonce with enforce_nonce (a resend
// gets the first message back), the footer reference a read-back finds after the nonce window, and reaction 429s.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { footerRef, nonceFor } from "../../../adapters/discord/discord-platform.js";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import { channelRef, type PostHandle, type PlatformAdapter } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";
import { createScriptedPaperboy, textMessage } from "../../fakes/scripted-paperboy.js";
import { digest } from "./messages.js";
import { discordConfig } from "./payloads.js";

/** Discord's clock runs this far ahead of the wall clock (a test moves it past the nonce window). */
let skewMs = 0;
const NONCE_WINDOW_MS = 120_000;
let fake: FakeDiscord;
let discord: PlatformAdapter;
let deliveryNo = 0;
const channel = channelRef("discord", FAKE_IDS.guild, FAKE_IDS.channel);
const handle = (index = 0): PostHandle => ({
  delivery: `d${(++deliveryNo + 0xe0).toString(16).padStart(16, "0")}`,
  index,
});
const discordNow = () => new Date(Date.now() + skewMs);
const creates = () =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);

async function sentId(h: PostHandle, message = digest(2)): Promise<string> {
  const outcome = await discord.platform.send(channel, message, h);
  if (outcome.status !== "sent") throw new Error(`not sent: ${JSON.stringify(outcome)}`);
  return outcome.message.ref.id;
}

beforeAll(async () => {
  fake = await startFakeDiscord({ now: () => Date.now() + skewMs, nonceWindowMs: NONCE_WINDOW_MS });
  discord = createDiscordPlatform(discordConfig(fake.apiUrl), {
    core: createScriptedPaperboy(),
    log: silentLogger,
  });
  await discord.start();
});
afterAll(async () => {
  await discord.stop();
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("the delivery's nonce", () => {
  it("GIVEN the same handle is sent twice within Discord's window THEN both sends answer the first message's id and the channel holds one", async () => {
    const h = handle();
    const before = fake.messagesIn(FAKE_IDS.channel).length;
    const first = await sentId(h);
    const again = await sentId(h);
    expect(again).toBe(first);
    expect(creates().map((r) => r.body)).toEqual([
      expect.objectContaining({ nonce: nonceFor(h), enforce_nonce: true }),
      expect.objectContaining({ nonce: nonceFor(h), enforce_nonce: true }),
    ]);
    expect(fake.messagesIn(FAKE_IDS.channel)).toHaveLength(before + 1);
  });

  it("GIVEN Discord created the message but its answer was lost (500) THEN discord.js's retry carries the same nonce and gets that message back", async () => {
    const before = fake.messagesIn(FAKE_IDS.channel).length;
    fake.loseNextAnswer("POST", /^\/channels\/\d+\/messages$/);
    const h = handle();
    const id = await sentId(h);
    expect(creates()).toHaveLength(2);
    expect(fake.messagesIn(FAKE_IDS.channel)).toHaveLength(before + 1);
    expect(fake.nonceOf(id)).toBe(nonceFor(h));
  });

  it("GIVEN another index of the same delivery THEN it is a message of its own (each message has its own nonce)", async () => {
    const h = handle(0);
    const first = await sentId(h);
    const second = await sentId({ ...h, index: 1 });
    expect(second).not.toBe(first);
    expect(nonceFor({ ...h, index: 1 })).not.toBe(nonceFor(h));
  });

  it("GIVEN Discord's nonce window has passed THEN a resend is a second message: only the read-back can tell", async () => {
    const h = handle();
    const first = await sentId(h);
    skewMs += NONCE_WINDOW_MS + 1_000;
    const second = await sentId(h);
    expect(second).not.toBe(first);
  });
});

describe("reading a channel back (findPosted)", () => {
  it("GIVEN two deliveries and a forged footer by someone else THEN only this delivery's own messages come back, by their footer reference", async () => {
    const since = discordNow();
    const h = handle();
    const ids = [await sentId(h), await sentId({ ...h, index: 1 })];
    await sentId(handle());
    fake.seedMessage(FAKE_IDS.channel, {
      author: { id: "1278000000000000066", username: "mallory", bot: false },
      embeds: [{ title: "fake", footer: { text: footerRef(h) } }],
    });
    skewMs += NONCE_WINDOW_MS + 1_000; // Discord has forgotten the nonces: only the footers say whose messages these are
    const found = await discord.platform.findPosted(channel, h.delivery, new Date(since.getTime() - 1_000));
    expect(found.status).toBe("found");
    if (found.status !== "found") return;
    expect([...found.messages].sort((a, b) => a.index - b.index)).toEqual(
      ids.map((id, index) => ({ index, ref: { channel, id } })),
    );
    const [list] = fake.requests.filter(
      (r) => r.method === "GET" && r.path === `/channels/${FAKE_IDS.channel}/messages`,
    );
    expect(list?.query.get("limit")).toBe("100");
    expect(BigInt(list?.query.get("after") ?? "0")).toBeGreaterThan(0n);
  });

  it("GIVEN a message without embeds THEN its reference rides in the content and the read-back finds it", async () => {
    const since = discordNow();
    const h = handle();
    const id = await sentId(h, textMessage("No papers today."));
    expect(String((creates().at(-1)?.body as { content?: string }).content)).toContain(footerRef(h));
    const found = await discord.platform.findPosted(channel, h.delivery, new Date(since.getTime() - 1_000));
    expect(found).toEqual({ status: "found", messages: [{ index: 0, ref: { channel, id } }] });
  });

  it("GIVEN 150 messages after `since` THEN the read-back pages through them (100 a page) to the delivery's message", async () => {
    const since = discordNow();
    for (let i = 0; i < 120; i++) fake.seedMessage(FAKE_IDS.channel, { content: `chatter ${String(i)}` });
    const h = handle();
    const id = await sentId(h);
    for (let i = 0; i < 30; i++) fake.seedMessage(FAKE_IDS.channel, { content: `more chatter ${String(i)}` });
    const found = await discord.platform.findPosted(channel, h.delivery, new Date(since.getTime() - 1_000));
    expect(found).toEqual({ status: "found", messages: [{ index: 0, ref: { channel, id } }] });
    expect(
      fake.requests.filter((r) => r.method === "GET" && r.path === `/channels/${FAKE_IDS.channel}/messages`),
    ).toHaveLength(2);
  });

  it("GIVEN the delivery's message is older than `since` THEN it is not found", async () => {
    const h = handle();
    await sentId(h);
    const found = await discord.platform.findPosted(
      channel,
      h.delivery,
      new Date(discordNow().getTime() + 60_000),
    );
    expect(found).toEqual({ status: "found", messages: [] });
  });
});

describe("reaction rate limits", () => {
  it("GIVEN another client just used the channel's reaction bucket THEN discord.js gets a 429, waits it out and the reaction still lands", async () => {
    const id = await sentId(handle());
    const limitedBefore = fake.reactionRateLimited();
    // Another replica of the bot reacts in the same channel a moment earlier.
    const other = await fetch(
      `${fake.apiUrl}/v10/channels/${FAKE_IDS.channel}/messages/${id}/reactions/${encodeURIComponent("🔥")}/@me`,
      {
        method: "PUT",
        headers: { authorization: "Bot fake-token.for.tests" },
      },
    );
    expect(other.status).toBe(204);
    await discord.platform.react({ channel, id }, [{ kind: "keycap", number: 1 }]);
    expect(fake.reactionRateLimited()).toBeGreaterThan(limitedBefore);
    expect(fake.reactionsOn(id)).toEqual(["🔥", "1️⃣"]);
  });
});
