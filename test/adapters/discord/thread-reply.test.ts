// A paper's update as a Discord message reply, end to end through a real discord.js Client: message_reference to the
// digest (Send Messages and Read Message History suffice; no thread permissions), no pings, the title inert.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import { channelRef, type PlatformAdapter, type PostHandle } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";
import { createScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { hostileCodeReply } from "../../updates/sample-updates.js";
import { digest } from "./messages.js";
import { discordConfig } from "./payloads.js";

let fake: FakeDiscord;
let discord: PlatformAdapter;
let deliveryNo = 0;
const channel = channelRef("discord", FAKE_IDS.guild, FAKE_IDS.channel);
const handle = (index = 0): PostHandle => ({
  delivery: `d${(++deliveryNo).toString(16).padStart(16, "0")}`,
  index,
});
const posts = () =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);

beforeAll(async () => {
  fake = await startFakeDiscord();
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

async function send(message: Parameters<PlatformAdapter["platform"]["send"]>[1], h = handle()) {
  const outcome = await discord.platform.send(channel, message, h);
  if (outcome.status !== "sent") throw new Error(`not sent: ${JSON.stringify(outcome)}`);
  return outcome.message;
}

describe("a paper's update as a Discord reply", () => {
  it("GIVEN an update on a digest THEN it is posted as a reply to the digest message, pinging nobody, the title inert", async () => {
    const posted = await send(digest(3));
    fake.requests.length = 0;
    const h = handle();
    const reply = await send(hostileCodeReply(channel, posted.ref.id), h);
    const body = posts()[0]?.body as {
      content?: string;
      message_reference?: unknown;
      allowed_mentions?: unknown;
    };
    expect(body.message_reference).toEqual({ message_id: posted.ref.id, fail_if_not_exists: false });
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    const content = body.content ?? "";
    // Mentions carry a zero-width space, the forged masked links are escaped; only our links are live.
    expect(content).not.toMatch(/(^|[^\u200b])@everyone/);
    expect(content).not.toMatch(/<@U0ADMIN>/);
    expect(content).not.toMatch(/(?<!\\)\[click\]\(https:\/\/evil\.example\)/);
    expect(content).toContain("(https://huggingface.co/papers/2606.13289)");
    expect(content).toContain("[github.com/acme/tool](https://github.com/acme/tool)");
    expect(content).toContain(`ref ${h.delivery}/0`);
    // Discord keeps it as a reply (type 19) to the digest.
    expect(fake.messages.get(reply.ref.id)).toMatchObject({
      type: 19,
      message_reference: { message_id: posted.ref.id },
    });
  });

  it("GIVEN the digest was deleted THEN the update still goes out, as a plain message", async () => {
    const reply = await send(hostileCodeReply(channel, "1234567890123456789"));
    expect(fake.messages.get(reply.ref.id)?.type).not.toBe(19);
    expect(fake.messages.get(reply.ref.id)?.message_reference).toBeUndefined();
  });

  it("GIVEN a reply sent before a crash THEN findPosted finds it in the channel by its reference", async () => {
    const posted = await send(digest(2));
    const h = handle();
    const reply = await send(hostileCodeReply(channel, posted.ref.id), h);
    expect(
      await discord.platform.findPosted(channel, h.delivery, new Date(Date.now() - 60_000), posted.ref.id),
    ).toEqual({ status: "found", messages: [{ index: 0, ref: { channel, id: reply.ref.id } }] });
  });
});
