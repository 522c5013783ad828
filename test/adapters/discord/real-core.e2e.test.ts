// Discord with the real core, what only Discord does: deferral visibility and follow-ups, Manage Channels, embeds and keycap
// PUTs, partial reactions after a client restart, Discord's error codes, paced seeding, autocomplete. What every adapter does
// (digest, votes, bot's reactions, hostile titles, share, settings, usage, errors) is contract.e2e.test.ts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import { type PlatformAdapter } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import {
  FAKE_IDS,
  startFakeDiscord,
  type FakeDiscord,
  type RecordedRequest,
} from "../../fakes/fake-discord.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { createRealCore, NOW, type RealCore } from "../real-core.js";
import { autocomplete, chatInput, discordConfig, reaction, type InteractionPayload } from "./payloads.js";

/** Permissions without Manage Channels (View Channel, Send Messages, Read Message History, Add Reactions). */
const NO_MANAGE = "68672";

let hf: PaperApiServer;
let fake: FakeDiscord;
let real: RealCore;
let discord: PlatformAdapter;

const startDiscord = async (): Promise<PlatformAdapter> => {
  const d = createDiscordPlatform(discordConfig(fake.apiUrl), {
    core: real.core.paperboy,
    log: silentLogger,
    now: () => NOW,
  });
  // Registered the way main.ts does it (adapters never register themselves).
  real.core.paperboy.registerPlatform(d.platform);
  await d.start();
  return d;
};

beforeAll(async () => {
  hf = await startPaperApiServer();
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake.close();
  await hf.close();
});

beforeEach(async () => {
  hf.reset();
  fake.requests.length = 0;
  real = await createRealCore(hf);
  discord = await startDiscord();
  await real.core.start();
});
afterEach(async () => {
  await discord.stop();
  await real.close();
});

const callbackOf = (p: InteractionPayload) => (r: RecordedRequest) =>
  r.method === "POST" && r.path === `/interactions/${p.id}/${p.token}/callback`;
const editOf = (p: InteractionPayload) => (r: RecordedRequest) =>
  r.method === "PATCH" && r.path === `/webhooks/${FAKE_IDS.application}/${p.token}/messages/@original`;

/** Dispatches `/papers <sub>` and returns the deferral callback and the edit that answered it. */
async function papers(
  sub: string,
  options: Record<string, string | number> = {},
  over: { permissions?: string } = {},
): Promise<{ callback: RecordedRequest; edit: RecordedRequest; text: string }> {
  const payload = chatInput(sub, options, over);
  fake.dispatch("INTERACTION_CREATE", payload);
  const callback = await fake.waitFor(callbackOf(payload));
  const edit = await fake.waitFor(editOf(payload));
  return { callback, edit, text: JSON.stringify(edit.body) };
}

const channelPosts = () =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);
const seeds = () => fake.requests.filter((r) => r.method === "PUT" && r.path.includes("/reactions/"));
/** The channel's messages paperboy sent with a nonce (digests and cards, not interaction replies). */
const sentWithNonce = () => fake.messagesIn(FAKE_IDS.channel).filter((m) => fake.nonceOf(m.id) !== undefined);

async function subscribeDaily(): Promise<string> {
  const { callback, text } = await papers("subscribe", { source: "daily", at: "09:00" });
  expect(callback.body).toEqual({ type: 5, data: { flags: 0 } });
  expect(text).toContain("Subscribed");
  return real.subscribedGroup();
}

const fire = (id: string): Promise<void> => real.fire(id, NOW);

/** Polls /papers top until `expected` shows up (reactions arrive over the gateway, asynchronously). */
async function topShows(expected: RegExp): Promise<string> {
  let last = "";
  for (let i = 0; i < 100; i++) {
    last = (await papers("top", { period: "week" })).text;
    if (expected.test(last)) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  return last;
}

describe("subscriptions over interactions", () => {
  it("GIVEN a member without Manage Channels subscribes THEN it is refused privately, naming who can", async () => {
    const { callback, text } = await papers("subscribe", { source: "daily" }, { permissions: NO_MANAGE });
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(text).toContain("members with Manage Channels");
    expect([...real.scheduler.entries.keys()]).toEqual(["watch-poll"]);
  });
});

describe("a scheduled digest", () => {
  it("GIVEN the subscription fires THEN one message of 5 embeds is posted and keycaps 1–5 are PUT as @me, in order", async () => {
    await fire(await subscribeDaily());
    expect(channelPosts()).toHaveLength(1);
    const body = channelPosts()[0]?.body as { embeds: { title: string }[] };
    expect(body.embeds).toHaveLength(5);
    // Discord holds each keycap once, in order (a PUT answered 429 is sent again by discord.js).
    expect(fake.reactionsOn(sentWithNonce().at(-1)?.id ?? "")).toEqual(["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]);
    expect(seeds().every((r) => r.path.endsWith("/@me"))).toBe(true);
  });

  it("GIVEN two users react 1️⃣ THEN /papers top shows 2; after a client restart a 1️⃣ on the uncached digest makes it 3", async () => {
    const id = await subscribeDaily();
    const known = new Set(fake.messages.keys());
    await fire(id);
    const created = [...fake.messages.keys()].filter((k) => !known.has(k));
    expect(created).toHaveLength(1);
    const digestId = created[0] ?? "";
    const one = { id: null, name: "1️⃣" };
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: digestId, userId: "1278000000000000011", emoji: one }),
    );
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: digestId, userId: "1278000000000000012", emoji: one }),
    );
    expect(await topShows(/2 team votes/)).toMatch(/"title":"1\. EvoArena[^}]*· 2 team votes"/);

    await discord.stop();
    discord = await startDiscord();
    const before = fake.requests.length;
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: digestId, userId: "1278000000000000013", emoji: one }),
    );
    expect(await topShows(/3 team votes/)).toMatch(/"title":"1\. EvoArena[^}]*· 3 team votes"/);
    // The new client had never seen the digest: it fetched it to resolve the partial reaction.
    expect(
      fake.requests
        .slice(before)
        .some((r) => r.method === "GET" && r.path === `/channels/${FAKE_IDS.channel}/messages/${digestId}`),
    ).toBe(true);
  });

  it("GIVEN posting answers 403 Missing Permissions THEN the subscription pauses and settings shows the fix", async () => {
    const id = await subscribeDaily();
    const undo = fake.route("POST", /\/messages$/, () => ({
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    }));
    await fire(id);
    undo();
    expect(seeds()).toHaveLength(0);
    const { text } = await papers("settings");
    expect(text).toContain("Paused");
    expect(text).toContain("no-access");
    expect(text).toContain(
      "Give paperboy View Channel, Send Messages, Embed Links, Add Reactions and Read Message History in #papers",
    );
    const posted = channelPosts().length;
    await fire(id);
    expect(channelPosts()).toHaveLength(posted);
  });
});

describe("a vote while the keycaps are still being seeded", () => {
  it("GIVEN reactions paced one per 250 ms per channel WHEN a 2️⃣ comes 20 ms after the digest appears THEN it counts", async () => {
    const id = await subscribeDaily();
    let votedAt = Number.POSITIVE_INFINITY;
    const off = fake.onMessage((m) => {
      if (fake.nonceOf(m.id) === undefined) return;
      off();
      setTimeout(() => {
        votedAt = performance.now();
        fake.dispatch(
          "MESSAGE_REACTION_ADD",
          reaction("add", {
            messageId: m.id,
            userId: "1278000000000000021",
            emoji: { id: null, name: "2️⃣" },
          }),
        );
      }, 20);
    });
    await fire(id);
    // The vote went out while the bot was still adding its keycaps.
    expect(votedAt).toBeLessThan(seeds().at(-1)?.receivedAt ?? 0);
    expect(fake.reactionsOn(sentWithNonce().at(-1)?.id ?? "")).toEqual(["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]);
    expect(await topShows(/1 team vote\b/)).toMatch(/1 team vote\b/);
  });
});

describe("/papers today", () => {
  it("GIVEN the bot may not post in the channel THEN the digest reaches the channel as a public follow-up with the reason", async () => {
    const undo = fake.route("POST", /^\/channels\/\d+\/messages$/, () => ({
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    }));
    const payload = chatInput("today");
    fake.dispatch("INTERACTION_CREATE", payload);
    const followUp = await fake.waitFor(
      (r) => r.method === "POST" && r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}`,
    );
    const deleted = await fake.waitFor(
      (r) =>
        r.method === "DELETE" &&
        r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}/messages/@original`,
    );
    undo();
    expect((await fake.waitFor(callbackOf(payload))).body).toEqual({ type: 5, data: { flags: 64 } });
    const body = followUp.body as { flags?: number; embeds: unknown[]; allowed_mentions: unknown };
    expect((body.flags ?? 0) & 64).toBe(0);
    expect(body.embeds.length).toBeGreaterThan(0);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(body)).toContain("Votes are off for this copy: Give paperboy View Channel");
    expect(deleted).toBeDefined();
    expect(fake.requests.some(editOf(payload))).toBe(false);
  });
});

describe("answers whose visibility differs from the deferral", () => {
  it("GIVEN a manager gives a bad time THEN the problem is a private follow-up and the public placeholder is deleted", async () => {
    const payload = chatInput("subscribe", { source: "daily", at: "25:00" });
    fake.dispatch("INTERACTION_CREATE", payload);
    expect((await fake.waitFor(callbackOf(payload))).body).toEqual({ type: 5, data: { flags: 0 } });
    const followUp = await fake.waitFor(
      (r) => r.method === "POST" && r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}`,
    );
    await fake.waitFor(
      (r) =>
        r.method === "DELETE" &&
        r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}/messages/@original`,
    );
    expect(followUp.body).toMatchObject({ flags: 64, allowed_mentions: { parse: [] } });
    expect(JSON.stringify(followUp.body)).toContain("25:00");
    expect(fake.requests.some(editOf(payload))).toBe(false);
    expect([...real.scheduler.entries.keys()]).toEqual(["watch-poll"]);
  });
});

describe("autocomplete", () => {
  it("GIVEN the archive holds the recorded batch THEN autocomplete suggests its titles", async () => {
    await papers("today"); // archives the batch
    const payload = autocomplete("evoar");
    fake.dispatch("INTERACTION_CREATE", payload);
    const callback = await fake.waitFor(callbackOf(payload));
    expect(callback.body).toMatchObject({ type: 8, data: { choices: [{ value: "2606.13681" }] } });
    expect(JSON.stringify(callback.body)).toContain("EvoArena");
  });
});

describe("how a search answer reads", () => {
  it("GIVEN a search with the most results it shows THEN each paper has its own button row, each button numbered with it, within Discord's limits", async () => {
    const { edit } = await papers("search", { query: "kazakh" });
    const body = edit.body as {
      embeds: { title: string }[];
      components: { type: number; components: { label: string; custom_id?: string; url?: string }[] }[];
    };
    expect(body.embeds).toHaveLength(5); // the search's maximum
    expect(body.components.length).toBeLessThanOrEqual(5);
    expect(body.components).toHaveLength(5);
    body.components.forEach((row, i) => {
      const n = String(i + 1);
      expect(row.type).toBe(1);
      expect(row.components.length).toBeLessThanOrEqual(5);
      // The row of paper n holds its Share, and says so; the embed titled "n. …" is the paper it shares.
      expect(row.components.map((b) => b.label)).toEqual([`Share ${n}`]);
      expect(body.embeds[i]?.title.startsWith(`${n}. `)).toBe(true);
      for (const b of row.components) expect(b.label.length).toBeLessThanOrEqual(80);
    });
    const ids = body.components.flatMap((r) => r.components.map((b) => b.custom_id));
    expect(new Set(ids).size).toBe(5);
  });
});
