// What the fake Discord keeps per channel: messages with snowflake ids, Create Message's nonce + enforce_nonce,
// Get Channel Messages (after/before/limit, newest first), and the bot's reactions behind a per-channel bucket.
// @see https://discord.com/developers/docs/resources/message#create-message (nonce, enforce_nonce)
// @see https://discord.com/developers/docs/resources/message#get-channel-messages
// @see https://discord.com/developers/docs/topics/rate-limits (X-RateLimit-* headers, 429 body)

/** Discord's epoch (2015-01-01T00:00:00Z): a snowflake's top bits are milliseconds since it. */
const DISCORD_EPOCH = 1_420_070_400_000n;
const EPHEMERAL = 64;

export type DiscordMessage = Record<string, unknown> & { id: string; channel_id: string };

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface DiscordMessagesOptions {
  /** Clock for snowflakes, nonce windows and buckets (default Date.now). */
  readonly now?: () => number;
  /** How long Discord remembers a nonce with enforce_nonce (docs: "the past few minutes"; default 2 min). */
  readonly nonceWindowMs?: number;
  /** One reaction per channel per this many ms (Discord: about 250). */
  readonly reactionIntervalMs?: number;
}

export interface DiscordMessages {
  /** Every message the fake knows, by id (posted through it, or seeded by a test as "posted before a restart"). */
  readonly map: Map<string, DiscordMessage>;
  /** A snowflake for now, larger than every one handed out before. */
  newId(): string;
  /** Stores a message (webhook edits, follow-ups): `body` is what the client sent. */
  store(channelId: string, body: Record<string, unknown>, base: Record<string, unknown>): DiscordMessage;
  /** POST /channels/{c}/messages with nonce + enforce_nonce. */
  create(channelId: string, body: Record<string, unknown>, base: Record<string, unknown>): FakeAnswer;
  /** GET /channels/{c}/messages?after|before&limit */
  list(channelId: string, query: URLSearchParams): FakeAnswer;
  /** PUT /channels/{c}/messages/{m}/reactions/{emoji}/@me by the bot. */
  react(channelId: string, messageId: string, emoji: string): FakeAnswer;
  nonceOf(messageId: string): string | undefined;
  /** The emoji the bot reacted with on a message, in order ("1️⃣", "name:id" for custom emoji). */
  reactionsOn(messageId: string): string[];
  /** Reaction PUTs answered 429 because they came within the channel's interval. */
  readonly rateLimited: { count: number };
  onMessage(listener: (message: DiscordMessage) => void): () => void;
}

const idOrder = (a: DiscordMessage, b: DiscordMessage): number =>
  BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0;

const unknownMessage: FakeAnswer = { status: 404, body: { message: "Unknown Message", code: 10008 } };
const invalidForm = (field: string, message: string): FakeAnswer => ({
  status: 400,
  body: {
    message: "Invalid Form Body",
    code: 50035,
    errors: { [field]: { _errors: [{ code: "BASE_TYPE_BAD", message }] } },
  },
});

export function createDiscordMessages(options: DiscordMessagesOptions = {}): DiscordMessages {
  const now = options.now ?? Date.now;
  const nonceWindowMs = options.nonceWindowMs ?? 120_000;
  const intervalMs = options.reactionIntervalMs ?? 250;
  const map = new Map<string, DiscordMessage>();
  const nonces = new Map<string, { id: string; at: number }>();
  const nonceById = new Map<string, string>();
  const reactions = new Map<string, string[]>();
  const lastReaction = new Map<string, number>();
  const listeners = new Set<(message: DiscordMessage) => void>();
  const rateLimited = { count: 0 };
  let last = 0n;

  function newId(): string {
    const fresh = (BigInt(Math.floor(now())) - DISCORD_EPOCH) << 22n;
    last = fresh > last ? fresh : last + 1n;
    return last.toString();
  }

  function store(
    channelId: string,
    body: Record<string, unknown>,
    base: Record<string, unknown>,
  ): DiscordMessage {
    // What the client sends about a message that a message object does not hold.
    const { nonce: _n, enforce_nonce: _e, allowed_mentions: _a, attachments: _at, ...shown } = body;
    const message: DiscordMessage = {
      ...base,
      ...shown,
      id: newId(),
      channel_id: channelId,
      timestamp: new Date(now()).toISOString(),
    };
    map.set(message.id, message);
    if (typeof body.nonce === "string" || typeof body.nonce === "number")
      nonceById.set(message.id, String(body.nonce));
    for (const listener of listeners) listener(message);
    return message;
  }

  function bucketHeaders(channelId: string, resetAfterMs: number): Record<string, string> {
    return {
      "x-ratelimit-limit": "1",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": ((now() + resetAfterMs) / 1_000).toFixed(3),
      "x-ratelimit-reset-after": (resetAfterMs / 1_000).toFixed(3),
      "x-ratelimit-bucket": `reactions-${channelId}`,
    };
  }

  return {
    map,
    newId,
    store,
    rateLimited,

    create(channelId, body, base) {
      const nonce = body.nonce;
      if (nonce !== undefined && (typeof nonce === "string" ? nonce.length > 25 : !Number.isInteger(nonce)))
        return invalidForm("nonce", "Nonce must be an integer or a string of at most 25 characters.");
      const author = (base.author as { id?: string } | undefined)?.id ?? "";
      const key =
        typeof nonce === "string" || typeof nonce === "number" ? `${author}:${String(nonce)}` : undefined;
      if (body.enforce_nonce === true) {
        if (key === undefined) return invalidForm("nonce", "enforce_nonce needs a nonce.");
        const seen = nonces.get(key);
        const first = seen !== undefined && now() - seen.at < nonceWindowMs ? map.get(seen.id) : undefined;
        // The same author and nonce within the window: the first message comes back and nothing new is created.
        if (first !== undefined) return { status: 200, body: { ...first, nonce } };
      }
      // A reply (message_reference): type 19 pointing at a message of the same channel; an unknown one is refused
      // unless fail_if_not_exists is false, when the message goes out as a plain one.
      const { message_reference: reference, ...rest } = body;
      let replyTo: Record<string, unknown> = {};
      if (reference !== undefined && reference !== null && typeof reference === "object") {
        const ref = reference as { message_id?: unknown; fail_if_not_exists?: unknown };
        const target = typeof ref.message_id === "string" ? map.get(ref.message_id) : undefined;
        if (target?.channel_id === channelId)
          replyTo = {
            type: 19,
            message_reference: { type: 0, message_id: target.id, channel_id: channelId },
            referenced_message: target,
          };
        else if (ref.fail_if_not_exists !== false) return invalidForm("message_reference", "Unknown message");
      }
      const message = store(channelId, { ...rest, ...replyTo }, base);
      if (key !== undefined) nonces.set(key, { id: message.id, at: now() });
      // The nonce is echoed in the create answer (and MESSAGE_CREATE), never in later fetches.
      return { status: 200, body: nonce === undefined ? message : { ...message, nonce } };
    },

    list(channelId, query) {
      const limit = Number(query.get("limit") ?? "50");
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        return invalidForm("limit", "Must be between 1 and 100.");
      const after = query.get("after");
      const before = query.get("before");
      const visible = [...map.values()]
        .filter(
          (m) => m.channel_id === channelId && (((m.flags as number | undefined) ?? 0) & EPHEMERAL) === 0,
        )
        .sort(idOrder);
      let page: DiscordMessage[];
      if (after !== null) {
        // The `limit` messages right after `after` (the oldest of those newer), answered newest first.
        page = visible
          .filter((m) => BigInt(m.id) > BigInt(after))
          .slice(0, limit)
          .reverse();
      } else {
        const older = before === null ? visible : visible.filter((m) => BigInt(m.id) < BigInt(before));
        page = older.slice(-limit).reverse();
      }
      return { status: 200, body: page };
    },

    react(channelId, messageId, emoji) {
      const message = map.get(messageId);
      if (message === undefined || message.channel_id !== channelId) return unknownMessage;
      const at = now();
      const previous = lastReaction.get(channelId);
      if (previous !== undefined && at - previous < intervalMs) {
        rateLimited.count++;
        const waitMs = intervalMs - (at - previous);
        return {
          status: 429,
          body: { message: "You are being rate limited.", retry_after: waitMs / 1_000, global: false },
          headers: {
            ...bucketHeaders(channelId, waitMs),
            "retry-after": (waitMs / 1_000).toFixed(3),
            "x-ratelimit-scope": "user",
          },
        };
      }
      lastReaction.set(channelId, at);
      const mine = reactions.get(messageId) ?? [];
      if (!mine.includes(emoji)) {
        mine.push(emoji);
        reactions.set(messageId, mine);
        const [name, id] = emoji.includes(":") ? emoji.split(":") : [emoji, null];
        const listed =
          (message.reactions as
            { emoji: { id: string | null; name: string }; count: number; me: boolean }[] | undefined) ?? [];
        const existing = listed.find((r) => r.emoji.name === name && r.emoji.id === (id ?? null));
        if (existing) {
          existing.count += existing.me ? 0 : 1;
          existing.me = true;
        } else listed.push({ emoji: { id: id ?? null, name: name ?? emoji }, count: 1, me: true });
        message.reactions = listed;
      }
      return { status: 204, headers: bucketHeaders(channelId, intervalMs) };
    },

    nonceOf: (id) => nonceById.get(id),
    reactionsOn: (id) => [...(reactions.get(id) ?? [])],
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
