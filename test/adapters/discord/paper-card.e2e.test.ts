// Paper links on Discord with the real core: the "Paper card" message command reads the link from the target message
// (no Message Content intent), posts the paper as a votable card with the channel's memory; `/papers search <link>` too.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import type { PlatformAdapter } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import {
  FAKE_IDS,
  startFakeDiscord,
  type FakeDiscord,
  type RecordedRequest,
} from "../../fakes/fake-discord.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { createRealCore, NOW, type RealCore } from "../real-core.js";
import { chatInput, discordConfig, paperCardOn, reaction, type InteractionPayload } from "./payloads.js";

let hf: PaperApiServer;
let fake: FakeDiscord;
let real: RealCore;
let discord: PlatformAdapter;

const EVOARENA = "2606.13681";
const EMPTY_FEED = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/empty</id><title>arXiv Query</title><updated>2026-06-13T15:00:00Z</updated>
  <opensearch:totalResults>0</opensearch:totalResults>
</feed>`;

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
  discord = createDiscordPlatform(discordConfig(fake.apiUrl), {
    core: real.core.paperboy,
    log: silentLogger,
    now: () => NOW,
  });
  real.core.paperboy.registerPlatform(discord.platform);
  await discord.start();
  await real.core.start();
});
afterEach(async () => {
  await discord.stop();
  await real.close();
});

const channelPosts = () =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`);

/** Dispatches an interaction; resolves with its deferral callback and the edit that answered it. */
async function interact(payload: InteractionPayload): Promise<{ callback: RecordedRequest; text: string }> {
  fake.dispatch("INTERACTION_CREATE", payload);
  const callback = await fake.waitFor(
    (r) => r.method === "POST" && r.path === `/interactions/${payload.id}/${payload.token}/callback`,
  );
  const edit = await fake.waitFor(
    (r) =>
      r.method === "PATCH" &&
      r.path === `/webhooks/${FAKE_IDS.application}/${payload.token}/messages/@original`,
  );
  return { callback, text: JSON.stringify(edit.body) };
}

describe('"Paper card" on a message', () => {
  it("GIVEN a message with a link among hostile text THEN an ephemeral confirmation, and the card with the channel's memory is posted with no mentions", async () => {
    const content =
      `@everyone @here <@&1278000000000000777> look [the paper](https://evil.example/x) ` +
      `${"𝔘".repeat(1500)} https://arxiv.org/pdf/${EVOARENA}v2 and also https://huggingface.co/papers/2407.21783`;
    const { callback, text } = await interact(paperCardOn(content));
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(text).toContain("Shared “EvoArena");
    expect(channelPosts()).toHaveLength(1);
    const posted = JSON.stringify(channelPosts()[0]?.body);
    expect(posted).toContain("EvoArena");
    expect(posted).toContain("New to this channel.");
    expect(posted).toContain('"allowed_mentions":{"parse":[]}');
    expect(posted).not.toMatch(/@everyone|@here|<@&|evil\.example|𝔘|Llama 3/);
    // Unknown to the archive: asked of Hugging Face once, then kept.
    expect(hf.requestsTo(`/api/papers/${EVOARENA}`)).toHaveLength(1);
  });

  it("GIVEN the card was posted before THEN the next card says so, costs no upstream request, and 👍 on it is a team vote", async () => {
    await interact(paperCardOn(`https://arxiv.org/abs/${EVOARENA}`));
    const card =
      fake
        .messagesIn(FAKE_IDS.channel)
        .filter((m) => fake.nonceOf(m.id) !== undefined)
        .at(-1)?.id ?? "";
    fake.dispatch(
      "MESSAGE_REACTION_ADD",
      reaction("add", { messageId: card, userId: "1278000000000000031", emoji: { id: null, name: "👍" } }),
    );
    let top = "";
    for (let i = 0; i < 100 && !top.includes("1 team vote"); i++) {
      top = (await interact(chatInput("top", { period: "week" }))).text;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(top).toMatch(/EvoArena[^}]*· 1 team vote/);
    hf.reset();

    await interact(paperCardOn(`see huggingface.co: https://huggingface.co/papers/${EVOARENA}`));
    expect(JSON.stringify(channelPosts().at(-1)?.body)).toContain(
      "This channel: shared once before, first on 13 Jun · 1 team vote.",
    );
    expect(hf.requests.filter((r) => r.path.startsWith("/api/papers/") || r.path === "/api/query")).toEqual(
      [],
    );
  });

  it("GIVEN a message with no paper link THEN only the asker is told, and nothing is posted", async () => {
    const { text } = await interact(
      paperCardOn("@everyone no links here, just https://example.com/abs/2606.13681"),
    );
    expect(text).toContain("That message has no paper link paperboy reads");
    expect(text).not.toContain("@everyone");
    expect(channelPosts()).toHaveLength(0);
  });

  it("GIVEN a link to an id arXiv does not have THEN the asker is told so", async () => {
    hf.respond("GET /api/query", () => ({
      body: EMPTY_FEED,
      headers: { "content-type": "application/atom+xml" },
    }));
    const { text } = await interact(paperCardOn("https://arxiv.org/abs/2601.99999"));
    expect(text).toContain("arXiv has no paper 2601.99999.");
    expect(channelPosts()).toHaveLength(0);
  });
});

describe("/papers search with a link or an id", () => {
  it("GIVEN an arXiv id as the whole query THEN it is a lookup: the card is posted, not a search answer", async () => {
    const { text } = await interact(chatInput("search", { query: `arXiv:${EVOARENA}v1` }));
    expect(text).toContain("Shared “EvoArena");
    expect(channelPosts()).toHaveLength(1);
    expect(hf.requestsTo("/api/papers/search")).toHaveLength(0);
  });
});
