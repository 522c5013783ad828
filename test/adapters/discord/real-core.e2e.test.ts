// Discord with the real core: a real discord.js Client on the fake REST + gateway, driving createCore end to end.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import type { Core } from "../../../src/create-core.js";
import { silentLogger, type PlatformAdapter } from "../../../src/index.js";
import type { Store } from "../../../src/storage/store.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord, type RecordedRequest } from "../../fakes/fake-discord.js";
import type { ManualScheduler } from "../../fakes/manual-scheduler.js";
import {
  FIXTURES,
  RECORDED_BATCH,
  recordedJson,
  startPaperApiServer,
  type PaperApiServer,
} from "../../fakes/paper-api-server.js";
import { autocomplete, chatInput, discordConfig, reaction, shareButton, type InteractionPayload } from "./payloads.js";
import { createTestCore } from "../../fakes/test-core.js";

// Saturday 13 June 2026, 15:00 UTC: the last completed Hugging Face day is Friday 12 June (the recorded batch).
const NOW = new Date("2026-06-13T15:00:00Z");
/** Permissions without Manage Channels (View Channel, Send Messages, Read Message History, Add Reactions). */
const NO_MANAGE = "68672";

let hf: PaperApiServer;
let fake: FakeDiscord;
let store: Store;
let core: Core;
let scheduler: ManualScheduler;
let discord: PlatformAdapter;

const startDiscord = async (): Promise<PlatformAdapter> => {
  const d = createDiscordPlatform(discordConfig(fake.apiUrl), { core: core.paperboy, log: silentLogger, now: () => NOW });
  // Registered the way main.ts does it (adapters never register themselves).
  core.paperboy.registerPlatform(d.platform);
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
  ({ core, store, scheduler } = await createTestCore(hf, () => NOW));
  await core.start();
  discord = await startDiscord();
});
afterEach(async () => {
  await discord.stop();
  await core.stop();
  await store.close();
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
  await core.schedules.sync();
  const id = [...scheduler.entries.keys()].find((k) => k !== "watch-poll");
  if (id === undefined) throw new Error("subscribe scheduled nothing");
  return id;
}

async function fire(id: string): Promise<void> {
  await scheduler.fire(id, NOW);
  await core.queue.idle();
}

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

function batchWithTopTitle(title: string): unknown[] {
  const items = recordedJson(FIXTURES.daily) as { paper: { upvotes: number; title: string }; title?: string }[];
  const top = items.reduce((best, item) => (item.paper.upvotes > best.paper.upvotes ? item : best));
  top.paper.title = title;
  if (top.title !== undefined) top.title = title;
  return items;
}

describe("subscriptions over interactions", () => {
  it("GIVEN a member with Manage Channels subscribes THEN the reply is deferred then edited, and settings shows it", async () => {
    await subscribeDaily();
    const settings = await papers("settings");
    expect(settings.callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(settings.text).toContain("Hugging Face daily papers");
    expect(settings.text).toContain("09:00");
    expect(settings.text).toContain("Europe/Berlin");
  });

  it("GIVEN a member without Manage Channels subscribes THEN it is refused privately, naming who can", async () => {
    const { callback, text } = await papers("subscribe", { source: "daily" }, { permissions: NO_MANAGE });
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(text).toContain("members with Manage Channels");
    expect([...scheduler.entries.keys()]).toEqual(["watch-poll"]);
  });
});

describe("a scheduled digest", () => {
  it("GIVEN the subscription fires THEN embeds are posted with no mentions allowed and keycaps 1–5 seeded", async () => {
    await fire(await subscribeDaily());
    expect(channelPosts()).toHaveLength(1);
    const body = channelPosts()[0]?.body as { embeds: { title: string }[]; allowed_mentions: unknown };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(5);
    expect(body.embeds[0]?.title).toContain("EvoArena");
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
    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: digestId, userId: "1278000000000000011", emoji: one }));
    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: digestId, userId: "1278000000000000012", emoji: one }));
    expect(await topShows(/2 team votes/)).toMatch(/"title":"1\. EvoArena[^}]*· 2 team votes"/);

    await discord.stop();
    discord = await startDiscord();
    const before = fake.requests.length;
    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: digestId, userId: "1278000000000000013", emoji: one }));
    expect(await topShows(/3 team votes/)).toMatch(/"title":"1\. EvoArena[^}]*· 3 team votes"/);
    // The new client had never seen the digest: it fetched it to resolve the partial reaction.
    expect(
      fake.requests.slice(before).some((r) => r.method === "GET" && r.path === `/channels/${FAKE_IDS.channel}/messages/${digestId}`),
    ).toBe(true);
  });

  it("GIVEN posting answers 403 Missing Permissions THEN the subscription pauses and settings shows the fix", async () => {
    const id = await subscribeDaily();
    const undo = fake.route("POST", /\/messages$/, () => ({ status: 403, body: { message: "Missing Permissions", code: 50013 } }));
    await fire(id);
    undo();
    expect(seeds()).toHaveLength(0);
    const { text } = await papers("settings");
    expect(text).toContain("Paused");
    expect(text).toContain("no-access");
    expect(text).toContain("Give paperboy View Channel, Send Messages, Embed Links, Add Reactions and Read Message History in #papers");
    const posted = channelPosts().length;
    await fire(id);
    expect(channelPosts()).toHaveLength(posted);
  });

  it("GIVEN @everyone in a paper title THEN the digest allows no mentions and the text is neutralised", async () => {
    const batch = batchWithTopTitle(`@everyone @here <@&1278000000000000001> read this now ${"@everyone ".repeat(1_000)}`);
    hf.respond("GET /api/daily_papers", (req) => (req.query.date === RECORDED_BATCH.date ? { json: batch } : undefined));
    await fire(await subscribeDaily());
    const body = channelPosts()[0]?.body;
    expect(body).toMatchObject({ allowed_mentions: { parse: [] } });
    const raw = JSON.stringify(body);
    expect(raw).toContain("read this now");
    expect(raw).not.toMatch(/(^|[^\u200b])@(everyone|here)|<@&\d/);
    expect(raw).toContain("@\u200beveryone");
    // …and Discord's limits hold with a 10,000-character title.
    const { content, embeds } = body as { content?: string; embeds: { title?: string; description?: string; footer?: { text: string } }[] };
    expect(content?.length ?? 0).toBeLessThanOrEqual(2_000);
    expect(embeds.every((e) => (e.title?.length ?? 0) <= 256 && (e.description?.length ?? 0) <= 4_096)).toBe(true);
    expect(embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0)).toBeLessThanOrEqual(6_000);
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
        fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: m.id, userId: "1278000000000000021", emoji: { id: null, name: "2️⃣" } }));
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
  it("GIVEN /papers today THEN the digest is posted to the channel with keycaps and only the asker sees the confirmation", async () => {
    const { callback, text } = await papers("today");
    expect(channelPosts()).toHaveLength(1);
    expect(fake.reactionsOn(sentWithNonce().at(-1)?.id ?? "")).toHaveLength(5);
    expect(text).toContain("Posted 5 papers");
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
  });

  it("GIVEN the bot may not post in the channel THEN the digest reaches the channel as a public follow-up with the reason", async () => {
    const undo = fake.route("POST", /^\/channels\/\d+\/messages$/, () => ({ status: 403, body: { message: "Missing Permissions", code: 50013 } }));
    const payload = chatInput("today");
    fake.dispatch("INTERACTION_CREATE", payload);
    const followUp = await fake.waitFor((r) => r.method === "POST" && r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}`);
    const deleted = await fake.waitFor((r) => r.method === "DELETE" && r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}/messages/@original`);
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
    const followUp = await fake.waitFor((r) => r.method === "POST" && r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}`);
    await fake.waitFor((r) => r.method === "DELETE" && r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}/messages/@original`);
    expect(followUp.body).toMatchObject({ flags: 64, allowed_mentions: { parse: [] } });
    expect(JSON.stringify(followUp.body)).toContain("25:00");
    expect(fake.requests.some(editOf(payload))).toBe(false);
    expect([...scheduler.entries.keys()]).toEqual(["watch-poll"]);
  });
});

describe("search, autocomplete, Share and votes on the shared card", () => {
  it("GIVEN /papers search THEN the private answer carries Share buttons; a press posts a card whose 👍 counts and whose removal takes it back", async () => {
    const found = await papers("search", { query: "kazakh" });
    expect(found.callback.body).toEqual({ type: 5, data: { flags: 64 } });
    const shareId = /"custom_id":"(paperboy:share:[^"]+)"/.exec(found.text)?.[1];
    expect(shareId).toBeDefined();
    const paperId = shareId!.slice("paperboy:share:".length);

    const press = shareButton(paperId);
    const known = new Set(fake.messages.keys());
    fake.dispatch("INTERACTION_CREATE", press);
    const confirmation = await fake.waitFor(editOf(press));
    expect((await fake.waitFor(callbackOf(press))).body).toEqual({ type: 5, data: { flags: 64 } });
    expect(JSON.stringify(confirmation.body)).toContain("Shared");
    expect(channelPosts()).toHaveLength(1);
    expect(JSON.stringify(channelPosts()[0]?.body)).toContain(paperId);
    // The card is the new message linking the paper (the confirmation edit is a message too, without the link).
    const isCard = (k: string) => !known.has(k) && JSON.stringify(fake.messages.get(k)).includes(`huggingface.co/papers/${paperId}`);
    const cardId = [...fake.messages.keys()].find(isCard) ?? "";

    fake.dispatch("MESSAGE_REACTION_ADD", reaction("add", { messageId: cardId, emoji: { id: null, name: "👍" } }));
    expect(await topShows(/1 team vote\b/)).toContain(paperId);
    fake.dispatch("MESSAGE_REACTION_REMOVE", reaction("remove", { messageId: cardId, emoji: { id: null, name: "👍" } }));
    expect(await topShows(/No votes yet/)).toContain("No votes yet");
  });

  it("GIVEN the archive holds the recorded batch THEN autocomplete suggests its titles", async () => {
    await papers("today"); // archives the batch
    const payload = autocomplete("evoar");
    fake.dispatch("INTERACTION_CREATE", payload);
    const callback = await fake.waitFor(callbackOf(payload));
    expect(callback.body).toMatchObject({ type: 8, data: { choices: [{ value: "2606.13681" }] } });
    expect(JSON.stringify(callback.body)).toContain("EvoArena");
  });
});
