// A loopback fake Discord: REST under /api/v10 and a JSON gateway (HELLO, IDENTIFY, READY, GUILD_CREATE, dispatches).
// Channel messages honour nonce + enforce_nonce, list with after/before, and reactions pace per channel with 429s
// discord.js waits out (fake-discord-messages.ts).
// @see /work/shared/PLATFORMS.md §5b — 204s carry no content-type; READY lists guilds and each gets a GUILD_CREATE.
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import {
  createDiscordMessages,
  type DiscordMessage,
  type DiscordMessagesOptions,
  type FakeAnswer,
} from "./fake-discord-messages.js";

export type { DiscordMessage } from "./fake-discord-messages.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/discord/${name}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

export const FAKE_IDS = {
  guild: "1278000000000000001",
  channel: "1278000000000000002",
  application: "1278000000000000003",
  user: "1278000000000000004",
} as const;

export interface RecordedRequest {
  readonly method: string;
  /** Path without the /api/v10 prefix, e.g. "/channels/1/messages". */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly receivedAt: number;
}

/** An answer: a 204 (or no body) goes out without a content-type; headers such as X-RateLimit-* are sent as given. */
export type FakeReply = FakeAnswer;

/** Answers a request; a promise holds the response back until it settles (a slow Discord). */
type Handler = (request: RecordedRequest, match: RegExpExecArray) => FakeReply | Promise<FakeReply>;

export interface FakeDiscord {
  /** What DISCORD_API_URL should be: http://127.0.0.1:PORT/api */
  readonly apiUrl: string;
  readonly requests: RecordedRequest[];
  readonly identifies: Record<string, unknown>[];
  /** Messages the fake knows (posted through it, or seeded as "posted before a restart"). */
  readonly messages: Map<string, Record<string, unknown>>;
  readonly events: EventEmitter<{ request: [RecordedRequest]; identify: [] }>;
  /** A channel's messages, oldest first. */
  messagesIn(channelId: string): DiscordMessage[];
  /** The nonce a message was created with (Discord only echoes it in the create answer). */
  nonceOf(messageId: string): string | undefined;
  /** The emoji the bot reacted with on a message, each once, in order ("1️⃣", or "name:id" for custom emoji). */
  reactionsOn(messageId: string): string[];
  /** Reaction PUTs answered 429 (one per channel per `reactionIntervalMs`). */
  reactionRateLimited(): number;
  /** Called with each message the moment it exists (before the create answer goes out). Returns an unsubscribe. */
  onMessage(listener: (message: DiscordMessage) => void): () => void;
  /** Stores a message as if posted earlier (fresh snowflake id, the bot as author unless `fields` say otherwise). */
  seedMessage(channelId: string, fields?: Record<string, unknown>): DiscordMessage;
  /** The next `method path` request is handled as usual (a message is created…) but answered 500: the answer was lost. */
  loseNextAnswer(method: string, path: RegExp): void;
  /** Answers `method path` (regex on the path) with `handler` until the returned function is called. */
  route(method: string, path: RegExp, handler: Handler): () => void;
  /** Sends an op 0 dispatch to every connected, identified socket. */
  dispatch(event: string, data: unknown): void;
  /** Connected and identified gateway sockets. */
  sessions(): number;
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

interface Session {
  readonly socket: WebSocket;
  seq: number;
  identified: boolean;
}

export async function startFakeDiscord(
  options: DiscordMessagesOptions & { readonly port?: number } = {},
): Promise<FakeDiscord> {
  const requests: RecordedRequest[] = [];
  const identifies: Record<string, unknown>[] = [];
  const state = createDiscordMessages(options);
  const messages = state.map;
  const events = new EventEmitter<{ request: [RecordedRequest]; identify: [] }>();
  const sessions = new Set<Session>();
  const overrides: { method: string; path: RegExp; handler: Handler }[] = [];
  const lost: { method: string; path: RegExp }[] = [];
  const message = (channelId: string, body: Record<string, unknown>) =>
    state.store(channelId, body, fixture("message.json"));

  const defaults: { method: string; path: RegExp; handler: Handler }[] = [
    {
      method: "GET",
      path: /^\/gateway\/bot$/,
      handler: () => ({
        status: 200,
        body: {
          url: `ws://127.0.0.1:${String(port)}/gateway`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        },
      }),
    },
    // Interaction callbacks answer 204 with no body (with_response=false).
    { method: "POST", path: /^\/interactions\/\d+\/[^/]+\/callback$/, handler: () => ({ status: 204 }) },
    {
      method: "PATCH",
      path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/,
      handler: (r) => ({ status: 200, body: message(FAKE_IDS.channel, r.body as Record<string, unknown>) }),
    },
    // Follow-ups are new webhook messages; deleting the deferred @original answers 204.
    {
      method: "POST",
      path: /^\/webhooks\/\d+\/[^/]+$/,
      handler: (r) => ({ status: 200, body: message(FAKE_IDS.channel, r.body as Record<string, unknown>) }),
    },
    {
      method: "DELETE",
      path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/,
      handler: () => ({ status: 204 }),
    },
    {
      method: "POST",
      path: /^\/channels\/(\d+)\/messages$/,
      handler: (r, m) => state.create(m[1] ?? "", r.body as Record<string, unknown>, fixture("message.json")),
    },
    {
      method: "GET",
      path: /^\/channels\/(\d+)\/messages$/,
      handler: (r, m) => state.list(m[1] ?? "", r.query),
    },
    {
      method: "GET",
      path: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      handler: (_r, m) => {
        const found = messages.get(m[2] ?? "");
        return found
          ? { status: 200, body: found }
          : { status: 404, body: { message: "Unknown Message", code: 10008 } };
      },
    },
    // Channels the bot can see come from GUILD_CREATE; any other id is one Discord does not know.
    {
      method: "GET",
      path: /^\/channels\/\d+$/,
      handler: () => ({ status: 404, body: { message: "Unknown Channel", code: 10003 } }),
    },
    {
      method: "PUT",
      path: /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/,
      handler: (_r, m) => state.react(m[1] ?? "", m[2] ?? "", m[3] ?? ""),
    },
    {
      method: "PUT",
      path: /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/,
      handler: (r) => ({ status: 200, body: r.body }),
    },
  ];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        // multipart or text: keep raw
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: decodeURIComponent(url.pathname).replace(/^\/api\/v10/, ""),
        query: url.searchParams,
        headers: req.headers,
        body,
        receivedAt: performance.now(),
      };
      requests.push(recorded);
      events.emit("request", recorded);
      for (const route of [...overrides].reverse().concat(defaults)) {
        const match = route.method === recorded.method ? route.path.exec(recorded.path) : null;
        if (!match) continue;
        const lose = lost.findIndex((l) => l.method === recorded.method && l.path.test(recorded.path));
        if (lose >= 0) lost.splice(lose, 1);
        void Promise.resolve(route.handler(recorded, match)).then(
          (reply) =>
            send(
              res,
              lose >= 0 ? { status: 500, body: { message: "500: Internal Server Error", code: 0 } } : reply,
            ),
          (error: unknown) =>
            send(res, { status: 500, body: { message: `fake Discord: ${String(error)}`, code: 0 } }),
        );
        return;
      }
      send(res, { status: 404, body: { message: "404: Not Found", code: 0 } });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (!(req.url ?? "").startsWith("/gateway")) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { socket: ws, seq: 0, identified: false };
      sessions.add(session);
      ws.on("close", () => sessions.delete(session));
      ws.on("message", (data) => {
        const payload = JSON.parse(
          (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString("utf8"),
        ) as { op: number; d: unknown };
        if (payload.op === 1) ws.send(JSON.stringify({ op: 11 }));
        if (payload.op === 2) {
          identifies.push(payload.d as Record<string, unknown>);
          session.identified = true;
          // A resume after a dropped socket must come back here, never go to the recorded discord.gg URL.
          sendDispatch(session, "READY", {
            ...fixture("ready.json"),
            resume_gateway_url: `ws://127.0.0.1:${String(port)}/gateway`,
          });
          sendDispatch(session, "GUILD_CREATE", fixture("guild-create.json"));
          events.emit("identify");
        }
      });
      ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    });
  });

  function sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    session.socket.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${String(port)}/api`,
    requests,
    identifies,
    messages,
    events,
    messagesIn: (channelId) =>
      [...messages.values()]
        .filter((m) => m.channel_id === channelId)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)),
    nonceOf: (id) => state.nonceOf(id),
    reactionsOn: (id) => state.reactionsOn(id),
    reactionRateLimited: () => state.rateLimited.count,
    onMessage: (listener) => state.onMessage(listener),
    seedMessage: (channelId, fields = {}) => {
      const seeded = state.store(channelId, {}, fixture("message.json"));
      Object.assign(seeded, fields, { id: seeded.id, channel_id: channelId });
      return seeded;
    },
    loseNextAnswer(method, path) {
      lost.push({ method, path });
    },
    route(method, path, handler) {
      const entry = { method, path, handler };
      overrides.push(entry);
      return () => overrides.splice(overrides.indexOf(entry), 1);
    },
    dispatch(event, data) {
      for (const session of sessions) if (session.identified) sendDispatch(session, event, data);
    },
    sessions: () => [...sessions].filter((s) => s.identified).length,
    waitFor(predicate, timeoutMs = 5_000) {
      const seen = requests.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off("request", listener);
          reject(new Error("fake Discord: expected request never arrived"));
        }, timeoutMs);
        const listener = (r: RecordedRequest) => {
          if (!predicate(r)) return;
          clearTimeout(timer);
          events.off("request", listener);
          resolve(r);
        };
        events.on("request", listener);
      });
    },
    async close() {
      for (const s of sessions) s.socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: FakeReply): void {
  // A 204 must not claim JSON: discord.js would parse the empty body and crash the client (§5b.12).
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, { ...reply.headers });
    res.end();
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, "content-type": "application/json" });
  res.end(JSON.stringify(reply.body));
}

/** Discord's payloads from test/fixtures/discord, deep-copied so a test can change them. */
export function discordFixture(name: string): Record<string, unknown> {
  return fixture(name);
}
