// Slack Web API failures → SendOutcome values whose hints tell the operator what to do next.
// @see https://docs.slack.dev/reference/methods/chat.postMessage#errors
import { webApi } from "@slack/bolt";
import { AppError, networkFailure, UnreachableError, type SendOutcome } from "../../src/index.js";
import { SlackTransportError } from "./slack-api-caller.js";

/** Slack error codes that say "not now" rather than "not this": the delivery is tried again later. */
const TRANSIENT = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

export interface ChannelLabel {
  /** "#ml-papers" when the name is known, else "channel C0123". */
  readonly channel: string;
  /** The bot's @name in that workspace, e.g. "@paperboy". */
  readonly bot: string;
}

function isPlatformError(error: unknown): error is webApi.WebAPIPlatformError {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === webApi.ErrorCode.PlatformError &&
    typeof (error as { data?: { error?: unknown } }).data?.error === "string"
  );
}

/** The Slack error code (`not_in_channel`, …) of a failed call, when Slack gave one. */
export function slackErrorCode(error: unknown): string | undefined {
  return isPlatformError(error) ? error.data.error : undefined;
}

/** Maps a failed chat.postMessage to a rejected outcome (subscription paused) or a failed one (retryable or not). */
export function postFailureOutcome(error: unknown, label: ChannelLabel): SendOutcome {
  const code = slackErrorCode(error);
  const { channel, bot } = label;
  switch (code) {
    case "not_in_channel":
      return {
        status: "rejected",
        reason: "not-in-channel",
        hint: `invite ${bot} to ${channel} (type /invite ${bot} there), or grant the chat:write.public scope`,
      };
    case "channel_not_found":
      return {
        status: "rejected",
        reason: "channel-gone",
        hint: `${channel} was deleted or is private and ${bot} is not in it; invite ${bot}, then /papers subscribe again`,
      };
    case "is_archived":
      return {
        status: "rejected",
        reason: "channel-gone",
        hint: `${channel} is archived; unarchive it and run /papers subscribe there again`,
      };
    case "restricted_action":
    case "restricted_action_read_only_channel":
    case "restricted_action_thread_only_channel":
    case "restricted_action_non_threadable_channel":
    case "ekm_access_denied":
    case "missing_scope":
      return {
        status: "rejected",
        reason: "no-access",
        hint: `${bot} may not post in ${channel} (${code}); ask a workspace admin to allow it or reinstall the app`,
      };
    case "account_inactive":
    case "invalid_auth":
    case "not_authed":
    case "token_revoked":
    case "token_expired":
      return {
        status: "rejected",
        reason: "auth",
        hint: `Slack refused ${bot}'s token (${code}): reinstall the app in this workspace (or update SLACK_BOT_TOKEN)`,
      };
    case undefined:
      return {
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
        retryable: error instanceof SlackTransportError,
      };
    default:
      return { status: "failed", error: `Slack said "${code}"`, retryable: TRANSIENT.has(code) };
  }
}

/** Codes with which Slack refuses the token itself: start-up stops, since trying again cannot help. */
const TOKEN_REFUSED = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
]);

const CREDENTIAL_FIX = {
  SLACK_BOT_TOKEN: "copy the Bot User OAuth Token again from your Slack app → OAuth & Permissions",
  SLACK_APP_TOKEN: "generate an app-level token with connections:write again (Slack app → Basic Information)",
  SLACK_CLIENT_ID: "check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Slack app → Basic Information)",
} as const;

/**
 * A failed start-up call (auth.test, app init, Socket Mode connect) → an UnreachableError (network, timeout, 5xx,
 * rate limit: start-up tries again) or an AppError that stops start-up with the fix.
 */
export function startFailure(
  error: unknown,
  apiUrl: string,
  credential: keyof typeof CREDENTIAL_FIX,
): AppError {
  const code = slackErrorCode(error);
  if (code !== undefined && TOKEN_REFUSED.has(code))
    return new AppError(
      "slack-auth",
      `Slack refused ${credential} (${code}): ${CREDENTIAL_FIX[credential]}`,
      {
        cause: error,
      },
    );
  const network = networkFailure(error);
  if (network !== undefined || (code !== undefined && TRANSIENT.has(code)))
    return new UnreachableError(
      "slack-unreachable",
      `Slack's Web API at ${apiUrl} cannot be reached (${network ?? code ?? "no answer"})`,
      { cause: error },
    );
  return new AppError(
    "slack-start",
    `Slack start-up failed (${code ?? (error instanceof Error ? error.message : String(error))})`,
    { cause: error },
  );
}
