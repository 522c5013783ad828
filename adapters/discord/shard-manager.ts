// Sharded entry point for installs past a few thousand servers: discord.js ShardingManager runs paperboy once per shard.
// @see https://discordjs.guide/sharding/ · https://discord.com/developers/docs/events/gateway#sharding
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { REST, Routes, ShardingManager } from "discord.js";
import { loadConfig, withEnvFile } from "../../src/index.js";
import { DEFAULT_DISCORD_API_URL } from "./client.js";

/** Discord's own figure: one shard per this many guilds (`shards` from GET /gateway/bot already applies it). */
interface GatewayBot {
  shards: number;
}

/**
 * Each child process runs the whole paperboy (`dist/src/main.js`, or `src/main.ts` under tsx when this file runs
 * from source); discord.js passes SHARDS / SHARD_COUNT in its environment and the child's Client picks them up, so
 * it only receives its own guilds' events. All children share the store (use STORE_URL=redis://… so votes and the
 * scheduler's work are shared) and need PORT=0 or distinct ports for their /healthz.
 * Run `npm run build` first; start with `node dist/adapters/discord/shard-manager.js`.
 */
export function createShardManager(options: {
  token: string;
  script?: string;
  totalShards?: number | "auto";
}): ShardingManager {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith(".ts");
  const root = join(dirname(here), "..", "..");
  const script = options.script ?? join(root, "src", fromSource ? "main.ts" : "main.js");
  return new ShardingManager(script, {
    token: options.token,
    totalShards: options.totalShards ?? "auto",
    respawn: true,
    // Run from source (tsx), the children need the same loader to run main.ts.
    execArgv: fromSource || script.endsWith(".ts") ? ["--import", "tsx"] : [],
  });
}

/**
 * The shard count Discord recommends, asked of DISCORD_API_URL (discord.js's own helper always asks discord.com,
 * which a test or a proxy setup does not want).
 */
export async function recommendedShards(token: string, apiUrl: string | undefined): Promise<number> {
  const rest = new REST({ api: apiUrl ?? DEFAULT_DISCORD_API_URL }).setToken(token);
  const answer = (await rest.get(Routes.gatewayBot())) as GatewayBot;
  return Math.max(1, answer.shards);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadConfig(withEnvFile().env);
  const token = config.DISCORD_TOKEN;
  if (token === undefined) {
    console.error("Set DISCORD_TOKEN to run the shard manager.");
    process.exit(1);
  }
  const manager = createShardManager({
    token,
    totalShards: await recommendedShards(token, config.DISCORD_API_URL),
  });
  manager.on("shardCreate", (shard) => {
    console.log(`launched shard ${String(shard.id)} of ${String(manager.totalShards)}`);
  });
  // A stopped manager stops its shards (each drains as on SIGTERM) instead of leaving them running unmanaged.
  const stop = (): void => {
    manager.respawn = false;
    for (const shard of manager.shards.values()) shard.kill();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  manager.spawn({ delay: 5_500 }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
