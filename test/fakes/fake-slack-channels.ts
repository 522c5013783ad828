// What the fake Slack keeps per workspace: each channel's messages (ts, text, blocks, bot_id, metadata, reactions),
// conversations.history over them, reactions.add with already_reacted, and the Tier 3 bucket that paces reactions.
// @see https://docs.slack.dev/reference/methods/conversations.history · https://docs.slack.dev/reference/methods/reactions.add
// @see https://docs.slack.dev/messaging/message-metadata · https://docs.slack.dev/apis/web-api/rate-limits (Tier 3)

/** Slack's message metadata: what chat.postMessage was given, returned only with include_all_metadata. */
export interface SlackMetadata {
  readonly event_type: string;
  readonly event_payload: Record<string, unknown>;
}

export interface SlackMessage {
  readonly team: string;
  readonly channel: string;
  readonly ts: string;
  /** The bot user that posted it. */
  readonly user: string;
  readonly bot_id: string;
  readonly text: string;
  readonly blocks: readonly unknown[] | undefined;
  readonly metadata: SlackMetadata | undefined;
  /** Reaction name → users who added it, in order. */
  readonly reactions: Map<string, string[]>;
}

/** A Slack error answer (`ok: false`) or a 429 with the seconds to wait. */
export type SlackRefusal = { readonly error: string } | { readonly rateLimited: number };

/** ts as microseconds since the epoch: "1781362800.000001" → 1781362800000001n. Slack's ts sort as numbers. */
export function tsMicros(ts: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts.trim());
  if (m?.[1] === undefined) return undefined;
  return BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
}

function tsOf(micros: bigint): string {
  return `${String(micros / 1_000_000n)}.${String(micros % 1_000_000n).padStart(6, "0")}`;
}

/** A form or JSON field as text ("" when absent or not a scalar). */
export function field(value: unknown): string {
  return typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : "";
}

/** Slack takes "true" and "1" for a boolean form field (WebClient sends form fields as strings). */
export function flag(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

export interface HistoryArgs {
  readonly channel: string;
  readonly oldest?: unknown;
  readonly latest?: unknown;
  readonly inclusive?: unknown;
  readonly limit?: unknown;
  readonly cursor?: unknown;
  readonly include_all_metadata?: unknown;
}

export interface SlackChannels {
  /** Adds a message (ts from the clock, unique and increasing) and tells the listeners. */
  post(
    team: string,
    channel: string,
    by: { user: string; botId: string },
    args: Record<string, unknown>,
  ): SlackMessage | SlackRefusal;
  /** conversations.history: newest first, ts > oldest (≥ with inclusive), at most limit (and pageSize) a page. */
  history(team: string, args: HistoryArgs, pageSize: number): Record<string, unknown> | SlackRefusal;
  /** reactions.add by `user`: message_not_found, already_reacted, or stored. */
  react(team: string, user: string, args: Record<string, unknown>): SlackRefusal | undefined;
  /** Takes one reactions.add token of `team`'s Tier 3 bucket, or says how many seconds until one is there. */
  takeReactionToken(team: string, perMinute: number, burst: number, atMs: number): number | undefined;
  /** Every workspace's bucket full again. */
  resetBuckets(): void;
  messages(team: string | undefined, channel: string): SlackMessage[];
  onMessage(listener: (message: SlackMessage) => void): () => void;
}

const MAX_HISTORY_LIMIT = 999;
const DEFAULT_HISTORY_LIMIT = 100;
/** Slack's Block Kit limits for a message (PLATFORMS.md §3.7): more is `invalid_blocks`. */
const MAX_BLOCKS = 50;

export function invalidBlocks(blocks: unknown): boolean {
  if (blocks === undefined) return false;
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return true;
  return blocks.some((block: { type?: unknown; text?: { text?: unknown } }) => {
    const text = typeof block.text?.text === "string" ? block.text.text : "";
    return text.length > (block.type === "header" ? 150 : 3_000);
  });
}

function metadataOf(value: unknown): SlackMetadata | undefined | "invalid" {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") return "invalid";
  const m: { event_type?: unknown; event_payload?: unknown } = value;
  if (
    typeof m.event_type !== "string" ||
    !/^[A-Za-z0-9_]{1,255}$/.test(m.event_type) ||
    typeof m.event_payload !== "object" ||
    m.event_payload === null
  )
    return "invalid";
  return { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> };
}

/** The message as conversations.history shows it (metadata only when asked for). */
function historyView(m: SlackMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: "message",
    user: m.user,
    bot_id: m.bot_id,
    app_id: "A0PAPERBOY",
    text: m.text,
    ts: m.ts,
    team: m.team,
    ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
    ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    ...(m.reactions.size > 0
      ? { reactions: [...m.reactions].map(([name, users]) => ({ name, users, count: users.length })) }
      : {}),
  };
}

export function createSlackChannels(clockMs: () => number): SlackChannels {
  /** "team:channel" → messages, oldest first. */
  const channels = new Map<string, SlackMessage[]>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const listeners = new Set<(message: SlackMessage) => void>();
  let lastMicros = 0n;

  const list = (team: string, channel: string): SlackMessage[] => {
    const key = `${team}:${channel}`;
    let found = channels.get(key);
    if (found === undefined) channels.set(key, (found = []));
    return found;
  };

  return {
    post(team, channel, by, args) {
      const text = typeof args.text === "string" ? args.text : "";
      const blocks = args.blocks;
      if (text === "" && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0)))
        return { error: "no_text" };
      if (invalidBlocks(blocks)) return { error: "invalid_blocks" };
      const metadata = metadataOf(args.metadata);
      if (metadata === "invalid") return { error: "invalid_metadata_format" };
      // ts are unique per channel and increase: microseconds of the clock, bumped past the last one handed out.
      const now = BigInt(Math.floor(clockMs())) * 1_000n;
      lastMicros = now > lastMicros ? now : lastMicros + 1n;
      const message: SlackMessage = {
        team,
        channel,
        ts: tsOf(lastMicros),
        user: by.user,
        bot_id: by.botId,
        text,
        blocks: Array.isArray(blocks) ? blocks : undefined,
        metadata,
        reactions: new Map(),
      };
      list(team, channel).push(message);
      for (const listener of listeners) listener(message);
      return message;
    },

    history(team, args, pageSize) {
      const limit = Math.min(
        Number.parseInt(field(args.limit), 10) || DEFAULT_HISTORY_LIMIT,
        MAX_HISTORY_LIMIT,
        pageSize,
      );
      const oldest = args.oldest === undefined ? 0n : tsMicros(field(args.oldest));
      const latest = args.latest === undefined ? undefined : tsMicros(field(args.latest));
      if (oldest === undefined || (args.latest !== undefined && latest === undefined))
        return { error: "invalid_ts_oldest" };
      const inclusive = flag(args.inclusive);
      // The cursor is opaque to clients; here it is the ts the next page starts below.
      let below: bigint | undefined;
      if (args.cursor !== undefined && args.cursor !== "") {
        const decoded = Buffer.from(field(args.cursor), "base64url").toString("utf8");
        below = /^next:\d+$/.test(decoded) ? BigInt(decoded.slice(5)) : undefined;
        if (below === undefined) return { error: "invalid_cursor" };
      }
      const matching = list(team, args.channel)
        .filter((m) => {
          const t = tsMicros(m.ts) ?? 0n;
          if (inclusive ? t < oldest : t <= oldest) return false;
          if (latest !== undefined && (inclusive ? t > latest : t >= latest)) return false;
          return below === undefined || t < below;
        })
        .reverse();
      const page = matching.slice(0, limit);
      const hasMore = matching.length > page.length;
      const last = page.at(-1);
      const next =
        hasMore && last ? Buffer.from(`next:${String(tsMicros(last.ts))}`).toString("base64url") : "";
      const withMetadata = flag(args.include_all_metadata);
      return {
        ok: true,
        messages: page.map((m) => historyView(m, withMetadata)),
        has_more: hasMore,
        pin_count: 0,
        response_metadata: { next_cursor: next },
      };
    },

    react(team, user, args) {
      const channel = field(args.channel);
      const name = typeof args.name === "string" ? args.name.replace(/^:|:$/g, "") : "";
      if (!/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name)) return { error: "invalid_name" };
      const message = list(team, channel).find((m) => m.ts === args.timestamp);
      if (message === undefined) return { error: "message_not_found" };
      const users = message.reactions.get(name) ?? [];
      if (users.includes(user)) return { error: "already_reacted" };
      message.reactions.set(name, [...users, user]);
      return undefined;
    },

    takeReactionToken(team, perMinute, burst, atMs) {
      const perMs = perMinute / 60_000;
      const bucket = buckets.get(team) ?? { tokens: burst, at: atMs };
      bucket.tokens = Math.min(burst, bucket.tokens + (atMs - bucket.at) * perMs);
      bucket.at = atMs;
      buckets.set(team, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return undefined;
      }
      // Slack's Retry-After is whole seconds.
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1_000));
    },

    resetBuckets() {
      buckets.clear();
    },

    messages(team, channel) {
      if (team !== undefined) return [...list(team, channel)];
      return [...channels].filter(([key]) => key.endsWith(`:${channel}`)).flatMap(([, ms]) => ms);
    },

    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
