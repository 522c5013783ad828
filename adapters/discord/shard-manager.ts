// Sharded entry point for installs past a few thousand servers: discord.js ShardingManager spawns dist/src/main.js per shard.
// @see https://discordjs.guide/sharding/
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ShardingManager } from "discord.js";
import { loadConfig, withEnvFile } from "../../src/index.js";

/**
 * Each child process runs the whole paperboy (`dist/src/main.js`); discord.js passes SHARDS / SHARD_COUNT in
 * its environment and the child's Client picks them up, so it only receives its own guilds' events. All
 * children share the store (use STORE_URL=redis://… so votes and the scheduler's leases are shared).
 * Run `npm run build` first; start with `node dist/adapters/discord/shard-manager.js`.
 */
export function createShardManager(options: {
  token: string;
  script?: string;
  totalShards?: number | "auto";
}): ShardingManager {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const script = options.script ?? join(root, "src", "main.js");
  return new ShardingManager(script, {
    token: options.token,
    totalShards: options.totalShards ?? "auto",
    respawn: true,
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const token = loadConfig(withEnvFile().env).DISCORD_TOKEN;
  if (token === undefined) {
    console.error("Set DISCORD_TOKEN to run the shard manager.");
    process.exit(1);
  }
  const manager = createShardManager({ token });
  manager.on("shardCreate", (shard) => {
    console.log(`launched shard ${String(shard.id)}`);
  });
  manager.spawn().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
