// `npm run discord:register`: PUTs /papers and the "Paper card" message command to one guild (DISCORD_GUILD_ID, instant) or globally — never both.
// @see https://discord.com/developers/docs/interactions/application-commands#registering-a-command
import { pathToFileURL } from "node:url";
import { REST, Routes } from "discord.js";
import { loadConfig, withEnvFile, type Config } from "../../src/index.js";
import { DEFAULT_DISCORD_API_URL } from "./client.js";
import { paperCardCommand, papersCommand } from "./commands/definition.js";
import { discordStartFailure } from "./errors.js";

export interface Registration {
  readonly scope: "guild" | "global";
  readonly route: string;
}

/**
 * PUT is a bulk overwrite of the application's commands in that scope. Registering the same command both
 * per guild and globally makes members see it twice, so exactly one scope is written per run.
 */
export async function registerCommands(config: Config): Promise<Registration> {
  const token = config.DISCORD_TOKEN;
  const appId = config.DISCORD_APPLICATION_ID;
  if (token === undefined || appId === undefined)
    throw new Error(
      "Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal → your app) before registering commands.",
    );
  // Two retries (REST's default is three, each with a 15 s timeout): an unreachable API is reported within seconds.
  const rest = new REST({
    version: "10",
    api: config.DISCORD_API_URL ?? DEFAULT_DISCORD_API_URL,
    retries: 2,
    timeout: 10_000,
  }).setToken(token);
  const guildId = config.DISCORD_GUILD_ID;
  const route =
    guildId !== undefined
      ? Routes.applicationGuildCommands(appId, guildId)
      : Routes.applicationCommands(appId);
  const apiUrl = config.DISCORD_API_URL ?? DEFAULT_DISCORD_API_URL;
  try {
    await rest.put(route, { body: [papersCommand(), paperCardCommand()] });
  } catch (error) {
    throw discordStartFailure(error, apiUrl, `registering /papers (PUT ${apiUrl}/v10${route})`);
  }
  return { scope: guildId !== undefined ? "guild" : "global", route };
}

async function main(): Promise<void> {
  const config = loadConfig(withEnvFile().env);
  const { scope } = await registerCommands(config);
  console.log(
    scope === "guild"
      ? `Registered /papers and "Paper card" in server ${config.DISCORD_GUILD_ID ?? ""} (visible at once). Unset DISCORD_GUILD_ID to register globally for production.`
      : 'Registered /papers and "Paper card" globally (every server the bot is in; Discord may take a few minutes to show it).',
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
