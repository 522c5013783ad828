// `npm run discord:register` writes exactly one scope; `npm run discord:invite` asks for exactly five permissions.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BOT_PERMISSIONS, inviteUrl } from "../../../adapters/discord/invite-url.js";
import { registerCommands } from "../../../adapters/discord/register-commands.js";
import { loadConfig } from "../../../src/index.js";
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const config = (guild?: string) =>
  loadConfig({
    DISCORD_TOKEN: "fake-token.for.tests",
    DISCORD_APPLICATION_ID: FAKE_IDS.application,
    DISCORD_API_URL: fake.apiUrl,
    ...(guild !== undefined ? { DISCORD_GUILD_ID: guild } : {}),
  });

describe("registerCommands", () => {
  it("GIVEN DISCORD_GUILD_ID THEN one PUT to that guild's commands and none globally", async () => {
    const result = await registerCommands(config(FAKE_IDS.guild));
    expect(result.scope).toBe("guild");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /applications/${FAKE_IDS.application}/guilds/${FAKE_IDS.guild}/commands`,
    ]);
    expect(fake.requests[0]?.headers.authorization).toBe("Bot fake-token.for.tests");
    const body = fake.requests[0]?.body as { name: string; type?: number; description?: string }[];
    expect(body.map((c) => [c.name, c.type])).toEqual([
      ["papers", 1],
      ["Paper card", 3], // MESSAGE: right-click a message → Apps → Paper card
    ]);
    expect(body[1]?.description ?? "").toBe("");
  });

  it("GIVEN no DISCORD_GUILD_ID THEN one PUT to the global commands and none per guild", async () => {
    const result = await registerCommands(config());
    expect(result.scope).toBe("global");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /applications/${FAKE_IDS.application}/commands`,
    ]);
  });
});

describe("inviteUrl", () => {
  it("asks for View Channel, Send Messages, Embed Links, Add Reactions and Read Message History only", () => {
    // 1024 + 2048 + 16384 + 64 + 65536
    expect(BOT_PERMISSIONS).toBe(85056n);
    expect(inviteUrl(FAKE_IDS.application)).toBe(
      `https://discord.com/oauth2/authorize?client_id=${FAKE_IDS.application}&scope=bot+applications.commands&permissions=85056`,
    );
  });
});

describe("npm run discord:register against an unreachable API", () => {
  it("names the URL it tried and the fix, not just ECONNREFUSED", async () => {
    const unreachable = loadConfig({
      DISCORD_TOKEN: "fake-token.for.tests",
      DISCORD_APPLICATION_ID: FAKE_IDS.application,
      DISCORD_API_URL: "http://127.0.0.1:9/api",
    });
    const error = await registerCommands(unreachable).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("Discord at http://127.0.0.1:9/api cannot be reached");
    expect(message).toContain(`PUT http://127.0.0.1:9/api/v10/applications/${FAKE_IDS.application}/commands`);
    expect(message).toContain("(ECONNREFUSED)");
    expect(message).toContain("check the network, or DISCORD_API_URL");
  });

  it("GIVEN Discord refuses the token THEN it says how to reset it", async () => {
    const remove = fake.route("PUT", /commands$/, () => ({
      status: 401,
      body: { message: "401: Unauthorized", code: 0 },
    }));
    try {
      await expect(registerCommands(config())).rejects.toThrow(/Discord refused DISCORD_TOKEN .*Reset Token/);
    } finally {
      remove();
    }
  });
});
