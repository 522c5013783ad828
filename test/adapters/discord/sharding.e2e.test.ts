// The sharded entry point, run for real: adapters/discord/shard-manager.ts (under tsx) asks the fake Discord how many
// shards to use, spawns paperboy's main once per shard, each identifies with its own [shard_id, num_shards], gets only
// its own guilds, and answers the commands of its guilds.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_IDS, shardOf, startFakeDiscord, type FakeDiscord } from "../../fakes/fake-discord.js";
import { killHard, root, within, type RunningMain } from "../../fakes/main-process.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { chatInput } from "./payloads.js";

// Two guilds on different shards of two: the fixture's guild, and one whose id lands on the other shard.
const GUILD_A = FAKE_IDS.guild;
const GUILD_B = (BigInt(FAKE_IDS.guild) + (1n << 22n)).toString();
const CHANNEL_B = (BigInt(GUILD_B) + 1n).toString();

let discord: FakeDiscord;
let hf: PaperApiServer;
let manager: RunningMain;

/** The manager in its own process group, so the test can end it and every shard it forked at once. */
function startManager(env: Record<string, string>): RunningMain {
  const child = spawn(process.execPath, ["--import", "tsx", "adapters/discord/shard-manager.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on("exit", (code, signal) => done({ code, signal }));
  });
  return { child, exited, output: () => output };
}

async function until(probe: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen; manager output:\n${manager.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  discord = await startFakeDiscord({
    extraGuilds: [{ id: GUILD_B, channelId: CHANNEL_B }],
    recommendedShards: 2,
  });
  hf = await startPaperApiServer();
  manager = startManager({
    DISCORD_TOKEN: "fake-discord-token",
    DISCORD_APPLICATION_ID: FAKE_IDS.application,
    DISCORD_API_URL: discord.apiUrl,
    HF_API_URL: hf.url,
    ARXIV_API_URL: hf.arxivUrl,
    STORE_URL: "memory://",
    PORT: "0",
    LOG_LEVEL: "warn",
  });
  await until(() => discord.sessions() === 2, 90_000, "two identified shards");
}, 120_000);

afterAll(async () => {
  if (manager.child.pid !== undefined && manager.child.exitCode === null) {
    // SIGTERM first: the manager stops its shards; then make sure nothing of the group is left.
    manager.child.kill("SIGTERM");
    await within(manager.exited, 10_000, "the shard manager exiting").catch(() => undefined);
  }
  await killHard(manager);
  await discord.close();
  await hf.close();
}, 30_000);

describe("the shard manager with two shards", () => {
  it("uses the shard count Discord recommends and identifies shard [0, 2] and shard [1, 2]", () => {
    expect(discord.identifies.map((d) => d.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(manager.output()).toContain("launched shard 0 of 2");
    expect(manager.output()).toContain("launched shard 1 of 2");
  });

  it("routes each guild to one shard: each shard was sent only its own guild", () => {
    expect(shardOf(GUILD_A, 2)).not.toBe(shardOf(GUILD_B, 2));
    const byShard = Object.fromEntries(discord.shardGuilds.map((s) => [s.shard[0], s.guilds]));
    expect(byShard).toEqual({ [shardOf(GUILD_A, 2)]: [GUILD_A], [shardOf(GUILD_B, 2)]: [GUILD_B] });
  });

  it("answers a /papers command in a guild of each shard", async () => {
    const inA = chatInput("help");
    const inB = chatInput("help");
    Object.assign(inB, { guild_id: GUILD_B, channel_id: CHANNEL_B });
    const channel = inB.channel as Record<string, unknown> | undefined;
    if (channel) Object.assign(channel, { id: CHANNEL_B, guild_id: GUILD_B });
    expect(discord.dispatchToGuild(GUILD_A, "INTERACTION_CREATE", inA)).toBe(1);
    expect(discord.dispatchToGuild(GUILD_B, "INTERACTION_CREATE", inB)).toBe(1);
    for (const interaction of [inA, inB]) {
      // Deferred (ephemeral) first, then the help text edited into the deferred answer.
      const deferred = await discord.waitFor(
        (r) =>
          r.method === "POST" && r.path === `/interactions/${interaction.id}/${interaction.token}/callback`,
        30_000,
      );
      expect(deferred.body).toMatchObject({ type: 5 });
      const answer = await discord.waitFor(
        (r) => r.method === "PATCH" && r.path.includes(`/${interaction.token}/messages/@original`),
        30_000,
      );
      expect(JSON.stringify(answer.body)).toContain("/papers subscribe");
    }
  }, 60_000);
});
