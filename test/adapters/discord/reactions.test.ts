// End to end: MESSAGE_REACTION_ADD/REMOVE through a real discord.js Client → ReactionChanged, across a client restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import { channelRef, type Paperboy, type PlatformAdapter } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import { FAKE_IDS, discordFixture, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";
import { createScriptedPaperboy, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { digest } from "./messages.js";
import { discordConfig, reaction } from "./payloads.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
function makeCore(): ScriptedPaperboy & Paperboy {
  return createScriptedPaperboy();
}

let fake: FakeDiscord;
let core: ReturnType<typeof makeCore>;
let discord: PlatformAdapter;
const channel = channelRef("discord", FAKE_IDS.guild, FAKE_IDS.channel);
const startClient = async () => {
  const d = createDiscordPlatform(discordConfig(fake.apiUrl), {
    core,
    log: silentLogger,
    now: () => new Date("2026-06-12T14:00:00Z"),
  });
  await d.start();
  return d;
};

/** Waits (polling, no timing assertion) until the core has seen `count` reactions. */
async function reactionsReach(count: number): Promise<void> {
  for (let i = 0; i < 500 && core.reactions.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  expect(core.reactions).toHaveLength(count);
}

beforeAll(async () => {
  fake = await startFakeDiscord();
  core = makeCore();
  discord = await startClient();
});

afterAll(async () => {
  await discord.stop();
  await fake.close();
});

describe("reaction votes", () => {
  it("turns a 3️⃣ on a digest the bot just posted into a keycap-3 vote from that user", async () => {
    const outcome = await discord.platform.send(channel, digest(3), {
      delivery: "d00000000000000r1",
      index: 0,
    });
    const id = outcome.status === "sent" ? outcome.message.ref.id : "";
    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: id }));
    await reactionsReach(1);
    expect(core.reactions[0]).toEqual({
      message: { channel, id },
      userId: FAKE_IDS.user,
      emoji: { kind: "keycap", number: 3 },
      change: "added",
      at: new Date("2026-06-12T14:00:00Z"),
      byBot: false,
    });
  });

  it("ignores the bot's own seed reactions", async () => {
    const before = core.reactions.length;
    const id = [...fake.messages.keys()][0] ?? "";
    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: id, userId: FAKE_IDS.application }));
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: id, emoji: { id: null, name: "🔥" } }),
    );
    await reactionsReach(before + 1);
    expect(core.reactions.at(-1)).toMatchObject({
      userId: FAKE_IDS.user,
      emoji: { kind: "unicode", value: "🔥" },
    });
  });

  it("passes custom server emoji through by id", async () => {
    const before = core.reactions.length;
    const id = [...fake.messages.keys()][0] ?? "";
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: id, emoji: { id: "1278000000000000777", name: "paperclap" } }),
    );
    await reactionsReach(before + 1);
    expect(core.reactions.at(-1)?.emoji).toEqual({
      kind: "custom",
      id: "1278000000000000777",
      name: "paperclap",
    });
  });

  it("GIVEN a client restart THEN reactions on a digest the new client never saw are fetched and counted, and removals too", async () => {
    await discord.stop();
    discord = await startClient();
    // Posted before the restart: the new client has never seen this message.
    const old = {
      ...discordFixture("message.json"),
      id: "1278000000000000900",
      reactions: [{ count: 2, me: true, emoji: { id: null, name: "2️⃣" } }],
    };
    fake.messages.set(old.id, old);
    const before = core.reactions.length;
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: old.id, emoji: { id: null, name: "2️⃣" } }),
    );
    await reactionsReach(before + 1);
    expect(
      fake.requests.some(
        (r) => r.method === "GET" && r.path === `/channels/${FAKE_IDS.channel}/messages/${old.id}`,
      ),
    ).toBe(true);
    expect(core.reactions.at(-1)).toMatchObject({
      message: { channel, id: old.id },
      emoji: { kind: "keycap", number: 2 },
      change: "added",
    });

    fake.dispatch(
      "MESSAGE_REACTION_REMOVE",
      reaction("remove", { messageId: old.id, emoji: { id: null, name: "2️⃣" } }),
    );
    await reactionsReach(before + 2);
    expect(core.reactions.at(-1)).toMatchObject({
      userId: FAKE_IDS.user,
      emoji: { kind: "keycap", number: 2 },
      change: "removed",
    });
  });

  it("GIVEN the reacted message was deleted THEN the vote is dropped quietly", async () => {
    const before = core.reactions.length;
    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: "1278000000000000999" }));
    const id = [...fake.messages.keys()][0] ?? "";
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: id, emoji: { id: null, name: "👍" } }),
    );
    await reactionsReach(before + 1);
    expect(core.reactions.at(-1)?.message.id).toBe(id);
    expect(discord.platform.isHealthy()).toBe(true);
  });
});
