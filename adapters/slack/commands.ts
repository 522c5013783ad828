// `/papers …` → CommandInvocation → core → Block Kit through response_url; ack first, always.
// @see https://docs.slack.dev/interactivity/implementing-slash-commands · PLATFORMS.md §3.3–3.4
import type { App, webApi } from "@slack/bolt";
import PQueue from "p-queue";
import type { CommandInvocation, CommandReply, Logger, Paperboy } from "../../src/index.js";
import { channelRef, MANAGING_COMMANDS } from "../../src/index.js";
import { renderSlackMessage } from "./render/block-kit.js";

const ADMIN_CACHE_MS = 5 * 60_000;

export interface CommandDeps {
  core: Paperboy;
  /** SLACK_ADMIN_USERS: user ids that may manage subscriptions in any workspace. */
  adminUsers: readonly string[];
  log: Logger;
  now: () => Date;
  /** Remembers channel names from payloads, for fix hints when a post fails later. */
  rememberChannel(teamId: string, channelId: string, name: string): void;
  /** A line to add under the answer to the command `word` in this channel (membership.ts), if any. */
  noteFor?(word: string, teamId: string, channelId: string, canManage: boolean): Promise<string | undefined>;
}

export const APOLOGY = "Sorry, paperboy hit a problem answering that. Please try again in a minute.";

/** The command's first word, lower-cased: "subscribe", "top", … */
export function firstWord(text: string): string {
  return (text.trim().split(/\s+/)[0] ?? "").toLowerCase();
}

export function managersHint(adminUsers: readonly string[]): string {
  return adminUsers.length > 0
    ? "workspace admins and owners and the users in SLACK_ADMIN_USERS"
    : "workspace admins and owners";
}

/**
 * Decides `canManage`: SLACK_ADMIN_USERS, else users.info's is_admin/is_owner, cached for a few minutes. Two commands
 * of one user in flight at once share one lookup; a failed lookup is not cached.
 */
export function createManagerCheck(deps: Pick<CommandDeps, "adminUsers" | "log" | "now">) {
  const cache = new Map<string, { value: Promise<boolean>; at: number }>();
  const lookup = async (
    client: webApi.WebClient,
    teamId: string,
    userId: string,
    key: string,
  ): Promise<boolean> => {
    try {
      const info = await client.users.info({ user: userId });
      const u = info.user;
      return u?.is_admin === true || u?.is_owner === true || u?.is_primary_owner === true;
    } catch (error) {
      cache.delete(key);
      deps.log.warn(
        { teamId, userId, err: String(error) },
        "users.info failed; treating the user as not a manager",
      );
      return false;
    }
  };
  return (client: webApi.WebClient, teamId: string, userId: string): Promise<boolean> => {
    if (deps.adminUsers.includes(userId)) return Promise.resolve(true);
    const key = `${teamId}:${userId}`;
    const at = deps.now().getTime();
    const hit = cache.get(key);
    if (hit !== undefined && at - hit.at < ADMIN_CACHE_MS) return hit.value;
    const value = lookup(client, teamId, userId, key);
    cache.set(key, { value, at });
    if (cache.size > 5_000) cache.delete(cache.keys().next().value ?? key);
    return value;
  };
}

/** The reply with one more context line under it. */
function withNote(reply: CommandReply, note: string): CommandReply {
  return {
    ...reply,
    message: {
      ...reply.message,
      fallbackText: `${reply.message.fallbackText}\n${note}`,
      blocks: [...reply.message.blocks, { type: "context", content: [{ type: "text", text: note }] }],
    },
  };
}

/** The response_url body for a core reply. */
export function replyBody(reply: CommandReply) {
  const { text, blocks } = renderSlackMessage(reply.message);
  return {
    response_type: reply.visibility === "public" ? ("in_channel" as const) : ("ephemeral" as const),
    text,
    blocks,
  };
}

/**
 * Answers worked on at once. A burst of commands is acked at once and answered a few at a time: the work (a search,
 * a digest) would otherwise hold the event loop while the acks of the rest wait behind it, past Slack's 3 s.
 */
export const ANSWERS_IN_FLIGHT = 4;
/**
 * While a burst of commands is still arriving, acks go first: an answer waits until no command was acked for this
 * long, but never more than MAX_ANSWER_DEFER_MS after its own ack (a user waits at most that much longer).
 */
const BURST_QUIET_MS = 20;
const MAX_ANSWER_DEFER_MS = 500;

export function registerCommands(app: App, deps: CommandDeps): void {
  const canManage = createManagerCheck(deps);
  const answers = new PQueue({ concurrency: ANSWERS_IN_FLIGHT });
  const hint = managersHint(deps.adminUsers);
  let lastAck = 0;
  app.command("/papers", async ({ command, ack, respond, client }) => {
    // Ack first and empty: Slack wants the 200 within 3 s; the answer follows through response_url. The work runs
    // after the listener returns (the receiver answers Slack only then, see slack-app.ts).
    await ack();
    const acked = (lastAck = performance.now());
    void answers.add(async () => {
      // A turn of the event loop first, then a pause while a burst is still being acked (bounded).
      await new Promise((r) => setImmediate(r));
      while (performance.now() - lastAck < BURST_QUIET_MS && performance.now() - acked < MAX_ANSWER_DEFER_MS)
        await new Promise((r) => setTimeout(r, BURST_QUIET_MS));
      await answer(command, respond, client);
    });
  });

  async function answer(
    command: Parameters<Parameters<App["command"]>[1]>[0]["command"],
    respond: Parameters<Parameters<App["command"]>[1]>[0]["respond"],
    client: webApi.WebClient,
  ): Promise<void> {
    const log = deps.log.child({ team: command.team_id, channel: command.channel_id, user: command.user_id });
    try {
      if (command.channel_name !== "")
        deps.rememberChannel(command.team_id, command.channel_id, command.channel_name);
      const managing = MANAGING_COMMANDS.has(firstWord(command.text) as never);
      const invocation: CommandInvocation = {
        channel: channelRef("slack", command.team_id, command.channel_id),
        userId: command.user_id,
        text: command.text,
        canManage: managing
          ? await canManage(client, command.team_id, command.user_id)
          : deps.adminUsers.includes(command.user_id),
        managersHint: hint,
        ...(command.channel_name !== "" ? { channelName: command.channel_name } : {}),
      };
      let body;
      try {
        const reply = await deps.core.handleCommand(invocation);
        const note = await deps
          .noteFor?.(firstWord(command.text), command.team_id, command.channel_id, invocation.canManage)
          .catch(() => undefined);
        body = replyBody(note === undefined ? reply : withNote(reply, note));
      } catch (error) {
        log.error({ err: String(error) }, "/papers failed in the core");
        body = { response_type: "ephemeral" as const, text: APOLOGY };
      }
      await respond(body);
    } catch (error) {
      // respond() throws RespondError on an expired response_url (Bolt 5); nothing more can be said then.
      log.error({ err: String(error) }, "could not answer /papers");
    }
  }
}
