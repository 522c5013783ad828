// End to end: a real discord.js Client against the fake Discord; /papers, autocomplete and Share through defer + edit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import { type Paperboy, type PlatformAdapter } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import {
  FAKE_IDS,
  startFakeDiscord,
  type FakeDiscord,
  type RecordedRequest,
} from "../../fakes/fake-discord.js";
import { createScriptedPaperboy, textMessage, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { autocomplete, chatInput, discordConfig, shareButton, type InteractionPayload } from "./payloads.js";
import { matchedSearchAnswer } from "../../fakes/matched-search-answer.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
function makeCore(): ScriptedPaperboy & Paperboy {
  return createScriptedPaperboy();
}

let fake: FakeDiscord;
let core: ReturnType<typeof makeCore>;
let discord: PlatformAdapter;

beforeAll(async () => {
  fake = await startFakeDiscord();
  core = makeCore();
  discord = createDiscordPlatform(discordConfig(fake.apiUrl), { core, log: silentLogger });
  await discord.start();
});

afterAll(async () => {
  await discord.stop();
  await fake.close();
});

const callbackOf = (p: InteractionPayload) => (r: RecordedRequest) =>
  r.method === "POST" && r.path === `/interactions/${p.id}/${p.token}/callback`;
const editOf = (p: InteractionPayload) => (r: RecordedRequest) =>
  r.method === "PATCH" && r.path === `/webhooks/${FAKE_IDS.application}/${p.token}/messages/@original`;

async function interact(
  payload: InteractionPayload,
): Promise<{ callback: RecordedRequest; edit: RecordedRequest }> {
  fake.dispatch("INTERACTION_CREATE", payload);
  const callback = await fake.waitFor(callbackOf(payload));
  const edit = await fake.waitFor(editOf(payload));
  return { callback, edit };
}

describe("Discord gateway session", () => {
  it("identifies with only Guilds and GuildMessageReactions (intents 1025, nothing privileged)", () => {
    expect(fake.identifies.at(-1)?.intents).toBe(1025);
    expect(discord.platform.isHealthy()).toBe(true);
  });
});

describe("/papers subcommands", () => {
  const cases: [string, Record<string, string | number>, string, "ephemeral" | "public"][] = [
    ["search", { query: "llama herd" }, "search llama herd", "ephemeral"],
    // today/week/month post the digest themselves; the asker alone gets "Posted N papers".
    ["today", {}, "today", "ephemeral"],
    ["week", {}, "week", "ephemeral"],
    ["month", {}, "month", "ephemeral"],
    [
      "subscribe",
      { source: "daily", at: "09:30", tz: "Europe/Berlin", topic: "rlhf", top: 5, min: 10, layout: "cards" },
      'subscribe daily at 09:30 tz Europe/Berlin topic "rlhf" top 5 min 10 layout cards',
      "public",
    ],
    ["unsubscribe", { source: "daily" }, "unsubscribe daily", "public"],
    ["settings", {}, "settings", "ephemeral"],
    ["top", { period: "month" }, "top month", "public"],
    ["catchup", { days: 3 }, "catchup 3", "ephemeral"],
    ["watch", { topic: "diffusion", threshold: 20 }, 'watch "diffusion" above 20', "public"],
    ["unwatch", { topic: "diffusion" }, 'unwatch "diffusion"', "public"],
    ["help", {}, "help", "ephemeral"],
  ];

  it.each(cases)(
    "GIVEN /papers %s THEN it defers, hands the core the Command (and its text for logs) and edits the reply",
    async (sub, options, text, visibility) => {
      const payload = chatInput(sub, options);
      let deferredBeforeCore = false;
      core.replyWith = (inv) => {
        deferredBeforeCore = fake.requests.some(callbackOf(payload));
        return { visibility, message: textMessage(`answer to ${inv.text}`) };
      };
      const { callback, edit } = await interact(payload);
      expect(callback.body).toEqual(
        visibility === "ephemeral" ? { type: 5, data: { flags: 64 } } : { type: 5, data: { flags: 0 } },
      );
      expect(deferredBeforeCore).toBe(true);
      const invocation = core.commands.at(-1);
      expect(invocation).toMatchObject({
        text,
        parsed: { ok: true, value: { name: sub } },
        userId: FAKE_IDS.user,
        canManage: true,
        channel: { platform: "discord", workspace: FAKE_IDS.guild, channel: FAKE_IDS.channel },
        managersHint: "members with Manage Channels",
        channelName: "papers",
      });
      expect(edit.body).toMatchObject({ content: `answer to ${text}`, allowed_mentions: { parse: [] } });
    },
  );

  it("GIVEN a member without Manage Channels runs subscribe THEN the core is told canManage=false and the refusal is ephemeral", async () => {
    core.replyWith = () => ({
      visibility: "ephemeral",
      message: textMessage("Only members with Manage Channels can do that."),
    });
    const { callback } = await interact(
      chatInput("subscribe", { source: "weekly" }, { permissions: "68672" }),
    );
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(core.commands.at(-1)).toMatchObject({ text: "subscribe weekly", canManage: false });
  });

  it("GIVEN the core throws THEN the deferred reply is edited into an apology, not left spinning", async () => {
    core.replyWith = () => {
      throw new Error("boom");
    };
    const { edit } = await interact(chatInput("today"));
    expect(JSON.stringify(edit.body)).toContain("paperboy hit an error");
  });
});

describe("autocomplete and buttons", () => {
  it("GIVEN a search hit that matched in a hostile abstract THEN its embed shows the fragment, matched words bold, escaped, mentioning nobody", async () => {
    const payload = chatInput("search", { query: "quadratic kernels" });
    core.replyWith = () => ({ visibility: "ephemeral", message: matchedSearchAnswer() });
    const { edit } = await interact(payload);
    const body = edit.body as { embeds: { description?: string }[]; allowed_mentions: unknown };
    const description = body.embeds.map((e) => e.description ?? "").find((d) => d.includes("🔎")) ?? "";
    expect(description).toMatch(/🔎 ….*\*\*kernels\*\* .*make @.*here \*\*quadratic\*\*/);
    expect(description.length).toBeLessThanOrEqual(4_096);
    // The forged link is escaped text, not a masked link; the mention syntax is inert with no allowed mentions.
    expect(description).not.toContain("<https://evil.example|click>");
    expect(description).not.toMatch(/\]\(https:\/\/evil/);
    expect(description).toContain("\\*\\*cheap\\*\\*");
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("answers search autocomplete with archive titles as choices (type 8)", async () => {
    const payload = autocomplete("lla");
    fake.dispatch("INTERACTION_CREATE", payload);
    const callback = await fake.waitFor(callbackOf(payload));
    expect(callback.body).toEqual({
      type: 8,
      data: { choices: [{ name: "The Llama 3 Herd of Models", value: "2407.21783" }] },
    });
  });

  it("GIVEN Share is pressed THEN it defers ephemerally and hands the core a share action for the paper", async () => {
    const payload = shareButton("2407.21783");
    const { callback, edit } = await interact(payload);
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(core.actions.at(-1)).toMatchObject({
      actionId: "share",
      value: "2407.21783",
      userId: FAKE_IDS.user,
    });
    expect(edit.body).toMatchObject({ content: "action share" });
  });
});
