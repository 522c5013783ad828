// Channel membership: Slack sends reaction events (votes) only from channels the bot is a member of, but
// chat:write.public lets paperboy post into a public channel without being in it. So paperboy joins a public channel
// when it is subscribed or posted to (conversations.join, scope channels:join), and where it cannot (private
// channels) it tells the user to invite it. `/papers settings` says whether it is a member (conversations.info).
// @see https://docs.slack.dev/reference/methods/conversations.join · https://docs.slack.dev/reference/methods/conversations.info
import type { webApi } from "@slack/bolt";
import PQueue from "p-queue";
import type { Logger } from "../../src/index.js";
import { slackErrorCode } from "./errors.js";

/**
 * After a join: in the channel; what the user has to do because paperboy cannot join by itself; or rate limited
 * (Slack's Tier 3), to be tried again after `retryAfterSec` (a command's join then continues in the background).
 */
export type JoinResult =
  | { readonly status: "member" }
  | { readonly status: "cannot-join"; readonly note: string }
  | { readonly status: "rate-limited"; readonly retryAfterSec: number };

export interface MembershipDeps {
  /** Bolt's WebClient; every call passes the workspace's token. */
  readonly client: webApi.WebClient;
  readonly log: Logger;
  /** "@paperboy" in that workspace. */
  botName(teamId: string): string;
  sleep(ms: number): Promise<void>;
}

export interface Membership {
  /**
   * Joins the channel unless this process knows it is a member; a private channel answers with an invite note, and a
   * rate-limited join goes on in the background.
   */
  join(teamId: string, channel: string, token: string): Promise<JoinResult>;
  /** Joins in the background after a post (at most two joins at once; errors are logged). */
  joinSoon(teamId: string, channel: string, token: string): void;
  /** The line `/papers settings` adds: member or not, and how to fix it; undefined when Slack did not say. */
  settingsNote(teamId: string, channel: string, token: string): Promise<string | undefined>;
  /** Background joins still queued or running (for tests). */
  readonly pending: number;
  /** Drops the background joins not started yet (the adapter stops). */
  close(): void;
}

/** Joins in the background run this many at once; conversations.join is Tier 3 (about 50 a minute per workspace). */
const BACKGROUND_JOINS = 2;
/** A background join rate-limited this many times in a row is given up (logged); the next post tries again. */
const BACKGROUND_ATTEMPTS = 10;

export function createMembership(deps: MembershipDeps): Membership {
  const joined = new Set<string>();
  const queued = new Set<string>();
  const background = new PQueue({ concurrency: BACKGROUND_JOINS });
  const inviteNote = (teamId: string, why: string) =>
    `${deps.botName(teamId)} is not in this channel (${why}), so votes here do not reach it: type /invite ${deps.botName(teamId)} here.`;

  async function join(teamId: string, channel: string, token: string): Promise<JoinResult> {
    const key = `${teamId}:${channel}`;
    if (joined.has(key)) return { status: "member" };
    try {
      await deps.client.conversations.join({ token, channel });
      joined.add(key);
      deps.log.info({ team: teamId, channel }, "joined the channel so its votes reach paperboy");
      return { status: "member" };
    } catch (error) {
      // WebClient's RateLimitedError, once its own retries are spent.
      const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
      if (typeof retryAfter === "number") return { status: "rate-limited", retryAfterSec: retryAfter };
      const code = slackErrorCode(error);
      deps.log.warn({ team: teamId, channel, code, err: String(error) }, "could not join the channel");
      switch (code) {
        case "method_not_supported_for_channel_type":
        case "channel_not_found":
          return {
            status: "cannot-join",
            note: inviteNote(teamId, "a private channel is joined only by invitation"),
          };
        case "missing_scope":
          return {
            status: "cannot-join",
            note: inviteNote(
              teamId,
              "the app lacks the channels:join scope; reinstall it to let paperboy join by itself",
            ),
          };
        case "is_archived":
          return {
            status: "cannot-join",
            note: "This channel is archived: unarchive it, or subscribe another channel.",
          };
        case undefined:
        default:
          return {
            status: "cannot-join",
            note: inviteNote(teamId, `Slack said ${code ?? "nothing"} when paperboy tried to join`),
          };
      }
    }
  }

  function joinSoon(teamId: string, channel: string, token: string): void {
    const key = `${teamId}:${channel}`;
    if (joined.has(key) || queued.has(key)) return;
    queued.add(key);
    void background.add(async () => {
      try {
        // A Tier 3 refusal waits Retry-After and tries again, a few times; the next post starts over.
        for (let attempt = 1; attempt <= BACKGROUND_ATTEMPTS; attempt++) {
          const result = await join(teamId, channel, token);
          if (result.status !== "rate-limited") return;
          await deps.sleep(result.retryAfterSec * 1_000);
        }
      } finally {
        queued.delete(key);
      }
    });
  }

  return {
    async join(teamId, channel, token) {
      const result = await join(teamId, channel, token);
      if (result.status === "rate-limited") joinSoon(teamId, channel, token);
      return result;
    },
    joinSoon,
    async settingsNote(teamId, channel, token) {
      try {
        const info = await deps.client.conversations.info({ token, channel });
        if (info.channel?.is_member === true) {
          joined.add(`${teamId}:${channel}`);
          return `${deps.botName(teamId)} is a member of this channel: votes (reactions) here reach it.`;
        }
        return inviteNote(teamId, "it can post here but does not see reactions");
      } catch (error) {
        const code = slackErrorCode(error);
        // A private channel the bot is not in looks like no channel at all to it.
        if (code === "channel_not_found")
          return inviteNote(teamId, "a private channel is joined only by invitation");
        deps.log.warn({ team: teamId, channel, code, err: String(error) }, "conversations.info failed");
        return undefined;
      }
    },
    get pending() {
      return background.size + background.pending;
    },
    close() {
      background.clear();
    },
  };
}
