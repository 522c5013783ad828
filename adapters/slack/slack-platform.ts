// The Slack ChatPlatform: render, post through the per-channel pacer, seed vote reactions, report what was shown.
// @see https://docs.slack.dev/reference/methods/chat.postMessage · https://docs.slack.dev/reference/methods/reactions.add
import type {
  ChannelRef,
  ChatPlatform,
  DeliveryOutcome,
  Emoji,
  Logger,
  OutboundMessage,
  PostRequest,
  PostedMessage,
} from "../../src/index.js";
import { channelKey } from "../../src/index.js";
import { createChannelPacer } from "./channel-pacer.js";
import { emojiToSlackName } from "./emoji.js";
import { postFailureOutcome, slackErrorCode } from "./errors.js";
import { renderSlackBlocks } from "./render/block-kit.js";
import type { SlackApiCaller } from "./slack-api-caller.js";

export interface SlackPlatformDeps {
  /** The workspace's bot token; undefined when the workspace is not installed. */
  tokenFor(teamId: string): Promise<string | undefined>;
  /** chat.postMessage and reactions.add go through this (see slack-api-caller.ts). */
  api: SlackApiCaller;
  /** reactions.add calls in flight per workspace (Slack: Tier 3, ~50/min/workspace). */
  seedConcurrency: number;
  /** "#ml-papers" when known, for fix hints. */
  channelName(ref: ChannelRef): Promise<string | undefined>;
  /** The bot's @name in a workspace, for fix hints ("@paperboy"). */
  botName(teamId: string): string;
  isHealthy(): boolean;
  log: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Minimum time between two posts to one channel (Slack: about 1 s). */
  intervalMs: number;
}

export interface SlackChatPlatform extends ChatPlatform {
  /** Channels with posts queued or in flight (for metrics and tests). */
  readonly queuedChannels: number;
}

type Rendered = ReturnType<typeof renderSlackBlocks>;

/** At most `limit` tasks per key at once; the rest wait in order. */
function createKeyedGate(limit: number) {
  const gates = new Map<string, { running: number; waiting: (() => void)[] }>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    let gate = gates.get(key);
    if (gate === undefined) gates.set(key, (gate = { running: 0, waiting: [] }));
    const g = gate;
    if (g.running >= limit) await new Promise<void>((resolve) => g.waiting.push(resolve));
    else g.running++;
    try {
      return await task();
    } finally {
      const next = g.waiting.shift();
      if (next !== undefined) next();
      else if (--g.running === 0) gates.delete(key);
    }
  };
}

export function createSlackChatPlatform(deps: SlackPlatformDeps): SlackChatPlatform {
  const pacer = createChannelPacer(deps);
  const log = deps.log.child({ platform: "slack" });
  const seedGate = createKeyedGate(Math.max(1, deps.seedConcurrency));
  /** The same message object posted to many channels (one digest, many subscribers) is rendered once. */
  const renders = new WeakMap<OutboundMessage, Rendered>();
  const render = (message: OutboundMessage): Rendered => {
    let rendered = renders.get(message);
    if (rendered === undefined) renders.set(message, (rendered = renderSlackBlocks(message)));
    return rendered;
  };

  async function seed(
    token: string,
    workspace: string,
    channel: string,
    ts: string,
    emoji: readonly Emoji[],
  ): Promise<void> {
    for (const e of emoji) {
      const name = emojiToSlackName(e);
      if (name === undefined) {
        log.warn({ channel, emoji: e }, "no Slack name for a seed emoji; skipped");
        continue;
      }
      try {
        // In order, one at a time per message (so 1️⃣…5️⃣ show in order); a few per workspace at once.
        await seedGate(workspace, () =>
          deps.api.call("reactions.add", token, { channel, timestamp: ts, name }),
        );
      } catch (error) {
        // Seeding is a convenience: people can still add the reaction themselves.
        const code = slackErrorCode(error);
        if (code !== "already_reacted")
          log.warn({ channel, ts, name, code, err: String(error) }, "could not seed a reaction");
      }
    }
  }

  async function label(ref: ChannelRef): Promise<{ channel: string; bot: string }> {
    const name = await deps.channelName(ref).catch(() => undefined);
    return {
      channel: name === undefined ? `channel ${ref.channel}` : `#${name}`,
      bot: deps.botName(ref.workspace),
    };
  }

  async function post(request: PostRequest): Promise<DeliveryOutcome> {
    const ref = request.channel;
    let token: string | undefined;
    try {
      token = await deps.tokenFor(ref.workspace);
    } catch (error) {
      return {
        status: "failed",
        error: `cannot load the Slack installation of ${ref.workspace}: ${String(error)}`,
      };
    }
    if (token === undefined) {
      return {
        status: "rejected",
        reason: "auth",
        hint: `paperboy is not installed in Slack workspace ${ref.workspace}; install it again from /slack/install`,
      };
    }
    const posted: PostedMessage[] = [];
    const seeding: Promise<void>[] = [];
    try {
      for (const [index, message] of request.messages.entries()) {
        const rendered = render(message);
        const answer = await pacer.run(channelKey(ref), () =>
          // Never link_names or parse:full: mentions are only what we build (none).
          deps.api.call("chat.postMessage", token, {
            channel: ref.channel,
            text: rendered.text,
            blocks: rendered.blocks,
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        const ts = typeof answer.ts === "string" ? answer.ts : undefined;
        if (ts === undefined) return { status: "failed", error: "chat.postMessage answered without a ts" };
        posted.push({ ref: { channel: ref, id: ts }, slots: rendered.slots });
        // Seed only the keycaps of papers really shown; seeding does not hold up the channel's next post.
        const wanted = (request.seed?.[index] ?? []).filter(
          (e) => e.kind !== "keycap" || rendered.slots.has(e.number),
        );
        const at = typeof answer.channel === "string" ? answer.channel : ref.channel;
        if (wanted.length > 0) seeding.push(seed(token, ref.workspace, at, ts, wanted));
      }
    } catch (error) {
      await Promise.all(seeding);
      const outcome = postFailureOutcome(error, await label(ref));
      if (posted.length > 0 && outcome.status !== "posted")
        log.warn(
          { channel: channelKey(ref), posted: posted.length },
          "a multi-message post stopped part-way",
        );
      log.warn({ channel: channelKey(ref), outcome }, "Slack post not delivered");
      return outcome;
    }
    await Promise.all(seeding);
    return { status: "posted", messages: posted };
  }

  return {
    id: "slack",
    post,
    isHealthy: () => deps.isHealthy(),
    get queuedChannels() {
      return pacer.busy;
    },
  };
}
