// `npm run discord:invite`: prints the install URL with exactly the permissions paperboy needs.
// @see https://discord.com/developers/docs/topics/oauth2#bot-authorization-flow
import { pathToFileURL } from "node:url";
import { PermissionFlagsBits } from "discord.js";
import { loadConfig, withEnvFile } from "../../src/index.js";

/** View Channel, Send Messages, Embed Links, Add Reactions (seeding keycaps), Read Message History (fetching old digests). */
export const BOT_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ReadMessageHistory;

export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${encodeURIComponent(applicationId)}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS.toString()}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const appId = loadConfig(withEnvFile().env).DISCORD_APPLICATION_ID;
  if (appId === undefined) {
    console.error("Set DISCORD_APPLICATION_ID (Developer Portal → General Information → Application ID).");
    process.exit(1);
  }
  console.log(inviteUrl(appId));
}
