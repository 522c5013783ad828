// Discord API errors on posting → SendOutcome values whose hints tell the channel what to fix.
// @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
import { DiscordAPIError, HTTPError } from "discord.js";
import { AppError, networkFailure, UnreachableError, type SendOutcome } from "../../src/index.js";
import { DEFAULT_DISCORD_API_URL } from "./client.js";

/** JSON error codes paperboy treats as "this channel cannot take our posts" rather than a failure. */
export const DISCORD_ERROR_CODES = {
  unknownChannel: 10003,
  missingAccess: 50001,
  missingPermissions: 50013,
} as const;

const PERMISSIONS = "View Channel, Send Messages, Embed Links, Add Reactions and Read Message History";

/**
 * Missing Access / Missing Permissions / Unknown Channel (or a bare 403/404) are rejections with a fix hint,
 * so the core pauses the subscription instead of retrying into Discord's invalid-request ban (10,000 in 10 min).
 * A 401 means the token was reset. Anything else is a failure worth retrying next time.
 */
export function outcomeFromDiscordError(error: unknown, channelLabel: string): SendOutcome {
  const code = error instanceof DiscordAPIError ? Number(error.code) : undefined;
  const status = error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
  const accessHint = `Give paperboy ${PERMISSIONS} in ${channelLabel}, then run /papers subscribe again.`;
  if (
    code === DISCORD_ERROR_CODES.missingAccess ||
    code === DISCORD_ERROR_CODES.missingPermissions ||
    status === 403
  )
    return { status: "rejected", reason: "no-access", hint: accessHint };
  if (code === DISCORD_ERROR_CODES.unknownChannel || status === 404)
    return {
      status: "rejected",
      reason: "channel-gone",
      hint: `${channelLabel} was deleted or paperboy cannot see it; its digest is paused. Run /papers subscribe in a channel to start again.`,
    };
  if (status === 401)
    return {
      status: "rejected",
      reason: "auth",
      hint: "Discord refused DISCORD_TOKEN (reset or revoked); set a fresh bot token and restart paperboy.",
    };
  const message = error instanceof Error ? error.message : String(error);
  // 4xx other than the above means the payload itself was refused: trying again will not help.
  const retryable = status === undefined || status === 429 || status >= 500;
  return { status: "failed", error: `Discord post failed: ${message}`, retryable };
}

/** Set in the environment the bot runs with; the fix for a refused token. */
const TOKEN_FIX =
  "reset the bot token (Developer Portal → your app → Bot → Reset Token) and set DISCORD_TOKEN to it";

/**
 * A failed start-up or script call (login, gateway, command registration) → an UnreachableError when Discord at
 * `apiUrl` could not be reached (worth trying again), else an AppError naming the fix.
 */
export function discordStartFailure(error: unknown, apiUrl: string, doing: string): AppError {
  const status = error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (status === 401 || code === "TokenInvalid")
    return new AppError("discord-auth", `Discord refused DISCORD_TOKEN while ${doing} (401): ${TOKEN_FIX}`, {
      cause: error,
    });
  const network = networkFailure(error);
  if (network !== undefined)
    return new UnreachableError(
      "discord-unreachable",
      `Discord at ${apiUrl} cannot be reached while ${doing} (${network}): check the network, or DISCORD_API_URL if you set it (unset it for ${DEFAULT_DISCORD_API_URL})`,
      { cause: error },
    );
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404 || status === 403)
    return new AppError(
      "discord-start",
      `Discord answered ${String(status)} while ${doing} (${message}): check DISCORD_APPLICATION_ID (Developer Portal → General Information → Application ID) and DISCORD_GUILD_ID (the bot must be in that server)`,
      { cause: error },
    );
  return new AppError("discord-start", `Discord failed while ${doing}: ${message}`, { cause: error });
}
