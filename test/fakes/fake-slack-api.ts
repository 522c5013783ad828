// A loopback Slack Web API (POST /api/<method>, form-encoded or JSON) plus a response_url sink, recording every call.
// It keeps the messages it was sent per (team, channel) and answers conversations.history and reactions.add over them
// as strictly as Slack does for what paperboy uses (fake-slack-channels.ts), with scripted failures and held answers.
// @see PLATFORMS.md §3.8, §5a and "Facts for exactly-once posting"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createSlackChannels, field, invalidBlocks, type SlackMessage } from "./fake-slack-channels.js";

export type { SlackMessage } from "./fake-slack-channels.js";

export interface SlackApiCall {
  readonly method: string;
  readonly token: string | undefined;
  readonly args: Record<string, unknown>;
  /** Arrival time (ms, wall clock). */
  readonly at: number;
  /** The ts of the message a chat.postMessage created (also when its answer was a scripted 500). */
  ts?: string;
  /** What the fake answered: HTTP status and Slack's `error` when not ok. */
  answered?: { status: number; error?: string };
}

export interface ResponseUrlPost {
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage["headers"];
}

export interface FakeWorkspace {
  readonly token: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly botName?: string;
}

/** A channel as conversations.info/join see it; channels never added are public, and the bot is not in them. */
export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate?: boolean;
  readonly isArchived?: boolean;
}

export type ScriptedFailure =
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly error: string }
  /** `afterPosting`: the call does its work (a chat.postMessage creates the message) and then answers 500. */
  | { readonly status: 500; readonly afterPosting?: boolean };

/** A chat.postMessage whose message is in the channel while its HTTP answer waits for `release()`. */
export interface HeldPost {
  /** Resolves with the message as soon as it exists (before anyone got an answer). */
  readonly message: Promise<SlackMessage>;
  release(): void;
}

export interface FakeSlackApiOptions {
  /** The clock message ts are made from (default Date.now). */
  readonly now?: () => number;
  /** Listen on this port (default: any free one), e.g. to come up where a process was refused before. */
  readonly port?: number;
}

export interface FakeSlackApi {
  /** Web API base for SLACK_API_URL, with the trailing slash. */
  readonly apiUrl: string;
  readonly origin: string;
  readonly calls: SlackApiCall[];
  readonly responses: ResponseUrlPost[];
  readonly users: Map<string, { is_admin?: boolean; is_owner?: boolean }>;
  /** code → oauth.v2.access answer. */
  readonly oauthCodes: Map<string, Record<string, unknown>>;
  /** Posts refused with 429 because they came less than `perChannelIntervalMs` after the last one. */
  rateViolations: number;
  /** When set, chat.postMessage enforces this gap per (token, channel) and answers 429 Retry-After: 1 otherwise. */
  perChannelIntervalMs: number | undefined;
  /** reactions.add per workspace per minute (Tier 3: 50), refilled continuously; more answer 429 with Retry-After. */
  reactionsPerMinute: number;
  /** reactions.add a workspace may make at once before the per-minute rate applies (default 50). */
  reactionBurst: number;
  /** reactions.add answered 429 by the Tier 3 bucket. */
  reactionRateViolations: number;
  /** Fills every workspace's reactions.add bucket again (its state outlives a test otherwise, as on Slack). */
  resetReactionBuckets(): void;
  /** conversations.history returns at most this many messages a page, whatever `limit` asks (Slack may return fewer). */
  historyPageSize: number;
  /** chat.postMessage answers this long after its message exists (a slow Slack: a crash can fall in between). */
  postLatencyMs: number;
  addWorkspace(ws: FakeWorkspace): void;
  /** Declares a channel of a workspace (private, archived, …) and whether the bot is a member of it already. */
  addChannel(teamId: string, channel: FakeChannel, botIsMember?: boolean): void;
  /** Whether the bot is a member of the channel (joined, or added with botIsMember). */
  isMember(teamId: string, channel: string): boolean;
  /** conversations.join and conversations.info calls per workspace per minute each (Tier 3: 50), with a burst of as many. */
  conversationsPerMinute: number;
  /** conversations.join / .info calls a workspace may make at once before the per-minute rate applies (default 50). */
  conversationsBurst: number;
  /** Fills the conversations.* buckets again. */
  resetConversationBuckets(): void;
  /** The next call of `method` (optionally to `channel`) fails like this, once. */
  failNext(method: string, failure: ScriptedFailure, channel?: string): void;
  /** Holds the answer of the next chat.postMessage (to `channel`, after `skip` others) once its message exists. */
  holdPost(options?: { channel?: string; skip?: number }): HeldPost;
  /** The messages of a channel, oldest first (of one workspace, or of every workspace with that channel id). */
  messagesIn(channel: string, teamId?: string): SlackMessage[];
  /** The reaction names on a message, in the order they were first added. */
  reactionsOn(channel: string, ts: string, teamId?: string): string[];
  /** Called with each message the moment it exists, before chat.postMessage answers. Returns an unsubscribe. */
  onMessage(listener: (message: SlackMessage) => void): () => void;
  /**
   * A person posts `text` (Slack's own markup: links as <url> or <url|label>): the message's ts and its links, each
   * URL exactly as Slack puts it in link_shared (and as chat.unfurl must key it).
   */
  postAsUser(teamId: string, channel: string, user: string, text: string): { ts: string; links: string[] };
  /** A link typed in the composer, not yet posted: the unfurl_id link_shared carries for it. */
  composerLink(teamId: string, url: string): string;
  /** The unfurls attached to a message (or a composer unfurl_id, with channel "COMPOSER"): URL → blocks. */
  unfurlsOn(channel: string, ts: string, teamId?: string): Map<string, unknown>;
  responseUrl(id: string): string;
  callsOf(method: string): SlackApiCall[];
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Form fields; JSON-looking values (blocks, view, metadata) are parsed, as Slack's client sends them as JSON strings. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith("application/json") === true) return raw === "" ? {} : JSON.parse(raw);
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return args;
}

const ok = (body: Record<string, unknown> = {}): Reply => ({ status: 200, body: { ok: true, ...body } });
const refused = (error: string): Reply => ({ status: 200, body: { ok: false, error } });
const rateLimited = (seconds: number): Reply => ({
  status: 429,
  body: { ok: false, error: "ratelimited" },
  headers: { "retry-after": String(seconds) },
});

export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const workspaces = new Map<string, FakeWorkspace>();
  const failures: { method: string; channel: string | undefined; failure: ScriptedFailure }[] = [];
  const holds: {
    channel: string | undefined;
    skip: number;
    arrived: (m: SlackMessage) => void;
    released: Promise<void>;
    release: () => void;
  }[] = [];
  const lastPost = new Map<string, number>();
  // Links per message ("team:channel:ts" or "team:COMPOSER:unfurl_id") and the unfurls attached to each.
  const links = new Map<string, string[]>();
  const unfurls = new Map<string, Map<string, unknown>>();
  let composerIds = 0;
  const declared = new Map<string, FakeChannel>();
  const members = new Set<string>();
  /** Tier 3 buckets of conversations.join / .info, per "team:method". */
  const tier3 = new Map<string, { tokens: number; at: number }>();
  const channels = createSlackChannels(options.now ?? Date.now);

  const api: FakeSlackApi = {
    apiUrl: "",
    origin: "",
    calls: [],
    responses: [],
    users: new Map(),
    oauthCodes: new Map(),
    rateViolations: 0,
    perChannelIntervalMs: undefined,
    reactionsPerMinute: 50,
    reactionBurst: 50,
    reactionRateViolations: 0,
    historyPageSize: 999,
    postLatencyMs: 0,
    resetReactionBuckets() {
      channels.resetBuckets();
    },
    addWorkspace(ws) {
      workspaces.set(ws.token, ws);
    },
    addChannel(teamId, channel, botIsMember = false) {
      declared.set(`${teamId}:${channel.id}`, channel);
      if (botIsMember) members.add(`${teamId}:${channel.id}`);
      else members.delete(`${teamId}:${channel.id}`);
    },
    isMember: (teamId, channel) => members.has(`${teamId}:${channel}`),
    conversationsPerMinute: 50,
    conversationsBurst: 50,
    resetConversationBuckets() {
      tier3.clear();
    },
    failNext(method, failure, channel) {
      failures.push({ method, channel, failure });
    },
    holdPost(opts = {}) {
      let arrived!: (m: SlackMessage) => void;
      let release!: () => void;
      const message = new Promise<SlackMessage>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ channel: opts.channel, skip: opts.skip ?? 0, arrived, released, release });
      return { message, release };
    },
    messagesIn: (channel, teamId) => channels.messages(teamId, channel),
    reactionsOn(channel, ts, teamId) {
      const message = channels.messages(teamId, channel).find((m) => m.ts === ts);
      return message ? [...message.reactions.keys()] : [];
    },
    onMessage: (listener) => channels.onMessage(listener),
    postAsUser(teamId, channel, user, text) {
      const posted = channels.post(teamId, channel, { user, botId: "" }, { text });
      if (!("ts" in posted)) throw new Error("fake Slack: could not post as a user");
      const found = [...text.matchAll(/<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g)].map((m) => m[1] ?? "");
      links.set(`${teamId}:${channel}:${posted.ts}`, found);
      return { ts: posted.ts, links: found };
    },
    composerLink(teamId, url) {
      const id = `U0COMPOSER-${String(++composerIds)}`;
      links.set(`${teamId}:COMPOSER:${id}`, [url]);
      return id;
    },
    unfurlsOn(channel, ts, teamId) {
      const key = [...unfurls.keys()].find((k) =>
        teamId === undefined ? k.endsWith(`:${channel}:${ts}`) : k === `${teamId}:${channel}:${ts}`,
      );
      return key === undefined ? new Map() : (unfurls.get(key) ?? new Map());
    },
    responseUrl(id) {
      return `${api.origin}/respond/${id}`;
    },
    callsOf(method) {
      return api.calls.filter((c) => c.method === method);
    },
    async waitFor(probe, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > until) throw new Error("fake Slack: condition not met in time");
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => {
      for (const hold of holds.splice(0)) hold.release();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };

  /** The hold waiting for this post, if any (a hold skips `skip` matching posts first). */
  function holdFor(channel: string): (typeof holds)[number] | undefined {
    const index = holds.findIndex((h) => h.channel === undefined || h.channel === channel);
    const hold = holds[index];
    if (hold === undefined) return undefined;
    if (hold.skip > 0) {
      hold.skip--;
      return undefined;
    }
    holds.splice(index, 1);
    return hold;
  }

  function postMessage(call: SlackApiCall, ws: FakeWorkspace): Reply {
    const channel = field(call.args.channel);
    if (channel === "") return refused("channel_not_found");
    const known = declared.get(`${ws.teamId}:${channel}`);
    if (known?.isPrivate === true && !members.has(`${ws.teamId}:${channel}`))
      return refused("channel_not_found");
    if (known?.isArchived === true) return refused("is_archived");
    if (api.perChannelIntervalMs !== undefined) {
      const key = `${ws.teamId}:${channel}`;
      const last = lastPost.get(key);
      if (last !== undefined && call.at - last < api.perChannelIntervalMs) {
        api.rateViolations++;
        return rateLimited(1);
      }
      lastPost.set(key, call.at);
    }
    const posted = channels.post(ws.teamId, channel, { user: ws.botUserId, botId: ws.botId }, call.args);
    if ("error" in posted) return refused(posted.error);
    if ("rateLimited" in posted) return rateLimited(posted.rateLimited);
    call.ts = posted.ts;
    return ok({
      channel,
      ts: posted.ts,
      message: {
        type: "message",
        user: ws.botUserId,
        bot_id: ws.botId,
        text: posted.text,
        ts: posted.ts,
        ...(posted.blocks !== undefined ? { blocks: posted.blocks } : {}),
        ...(posted.metadata !== undefined ? { metadata: posted.metadata } : {}),
      },
    });
  }

  /**
   * chat.unfurl as Slack checks it: channel+ts or unfurl_id+source=composer naming a message with links; `unfurls` a
   * JSON object whose every key is one of that message's URLs exactly as sent (not re-encoded, not trimmed), each
   * value with blocks within Block Kit's limits. Calling again for the same message replaces those URLs' unfurls.
   * @see https://docs.slack.dev/reference/methods/chat.unfurl
   */
  function unfurl(call: SlackApiCall, ws: FakeWorkspace): Reply {
    const { channel, ts, unfurl_id: unfurlId, source } = call.args;
    const key =
      unfurlId !== undefined || source !== undefined
        ? source === "composer" && typeof unfurlId === "string"
          ? `${ws.teamId}:COMPOSER:${unfurlId}`
          : undefined
        : typeof channel === "string" && typeof ts === "string"
          ? `${ws.teamId}:${channel}:${ts}`
          : undefined;
    if (key === undefined) return refused("invalid_arguments");
    const urls = links.get(key);
    if (urls === undefined) return refused("cannot_find_message");
    const given: unknown = call.args.unfurls;
    if (
      given === null ||
      typeof given !== "object" ||
      Array.isArray(given) ||
      Object.keys(given).length === 0
    )
      return refused("invalid_unfurls_format");
    for (const [url, value] of Object.entries(given as Record<string, unknown>)) {
      if (!urls.includes(url)) return refused("cannot_unfurl_url");
      const blocks = (value as { blocks?: unknown } | null)?.blocks;
      if (blocks === undefined || invalidBlocks(blocks)) return refused("invalid_blocks");
    }
    const attached = unfurls.get(key) ?? new Map<string, unknown>();
    for (const [url, value] of Object.entries(given as Record<string, unknown>))
      attached.set(url, (value as { blocks: unknown }).blocks);
    unfurls.set(key, attached);
    return ok();
  }

  /** Seconds until `team`'s Tier 3 bucket for `method` has a token again, or undefined after taking one. */
  function tier3Wait(team: string, method: string, atMs: number): number | undefined {
    const key = `${team}:${method}`;
    const perMinute = api.conversationsPerMinute;
    const bucket = tier3.get(key) ?? { tokens: api.conversationsBurst, at: atMs };
    bucket.tokens = Math.min(
      api.conversationsBurst,
      bucket.tokens + ((atMs - bucket.at) * perMinute) / 60_000,
    );
    bucket.at = atMs;
    tier3.set(key, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute));
    bucket.tokens -= 1;
    return undefined;
  }

  /** conversations.join and conversations.info, as Slack answers them for a bot token. */
  function conversations(call: SlackApiCall, ws: FakeWorkspace): Reply {
    const id = field(call.args.channel);
    if (id === "") return refused("channel_not_found");
    const wait = tier3Wait(ws.teamId, call.method, call.at);
    if (wait !== undefined) return rateLimited(wait);
    const key = `${ws.teamId}:${id}`;
    const channel = declared.get(key) ?? { id, name: id.toLowerCase() };
    const isPrivate = channel.isPrivate === true;
    const view = () => ({
      id,
      name: channel.name,
      is_channel: !isPrivate,
      is_group: false,
      is_im: false,
      is_private: isPrivate,
      is_archived: channel.isArchived === true,
      is_member: members.has(key),
    });
    // A private channel the bot is not in does not exist as far as the bot can tell.
    if (isPrivate && !members.has(key)) return refused("channel_not_found");
    if (call.method === "conversations.info") return ok({ channel: view() });
    if (isPrivate) return refused("method_not_supported_for_channel_type");
    if (channel.isArchived === true) return refused("is_archived");
    const already = members.has(key);
    members.add(key);
    return ok({ channel: view(), ...(already ? { warning: "already_in_channel" } : {}) });
  }

  function work(call: SlackApiCall, ws: FakeWorkspace): Reply {
    switch (call.method) {
      case "conversations.join":
      case "conversations.info":
        return conversations(call, ws);
      case "auth.test":
        return ok({
          url: `https://${ws.teamId.toLowerCase()}.slack.com/`,
          team: "Acme Research",
          user: ws.botName ?? "paperboy",
          team_id: ws.teamId,
          user_id: ws.botUserId,
          bot_id: ws.botId,
          is_enterprise_install: false,
        });
      case "chat.postMessage":
        return postMessage(call, ws);
      case "conversations.history": {
        const channel = field(call.args.channel);
        if (channel === "") return refused("channel_not_found");
        const answer = channels.history(ws.teamId, { ...call.args, channel }, api.historyPageSize);
        if ("error" in answer && typeof answer.error === "string") return refused(answer.error);
        return { status: 200, body: answer };
      }
      case "reactions.add": {
        // Tier 3, per workspace: every call takes a token, whether or not it adds anything.
        const wait = channels.takeReactionToken(
          ws.teamId,
          api.reactionsPerMinute,
          api.reactionBurst,
          call.at,
        );
        if (wait !== undefined) {
          api.reactionRateViolations++;
          return rateLimited(wait);
        }
        const refusal = channels.react(ws.teamId, ws.botUserId, call.args);
        if (refusal === undefined) return ok();
        return "error" in refusal ? refused(refusal.error) : rateLimited(refusal.rateLimited);
      }
      case "chat.unfurl":
        return unfurl(call, ws);
      case "views.publish":
        return ok();
      case "users.info": {
        const user = field(call.args.user);
        const flags = api.users.get(user) ?? {};
        return ok({
          user: {
            id: user,
            team_id: ws.teamId,
            name: user.toLowerCase(),
            deleted: false,
            is_admin: flags.is_admin ?? false,
            is_owner: flags.is_owner ?? false,
            is_primary_owner: false,
            is_bot: false,
          },
        });
      }
      default:
        return refused("unknown_method");
    }
  }

  function answer(call: SlackApiCall): Reply {
    const ws = call.token === undefined ? undefined : workspaces.get(call.token);
    const index = failures.findIndex(
      (f) => f.method === call.method && (f.channel === undefined || f.channel === call.args.channel),
    );
    if (index >= 0) {
      const failure = failures.splice(index, 1)[0]!.failure;
      if ("error" in failure) return refused(failure.error);
      if (failure.status === 429) return rateLimited(failure.retryAfter);
      // Slack did the work, then the answer was lost: the caller sees a 500.
      if (failure.afterPosting === true && ws !== undefined) work(call, ws);
      return { status: 500, body: { ok: false, error: "internal_error" } };
    }
    if (call.method.startsWith("oauth.")) {
      const found = api.oauthCodes.get(field(call.args.code));
      return found ? { status: 200, body: found } : refused("invalid_code");
    }
    if (ws === undefined) return refused("invalid_auth");
    return work(call, ws);
  }

  function send(res: ServerResponse, reply: Reply): void {
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname.startsWith("/respond/")) {
        api.responses.push({
          id: url.pathname.slice("/respond/".length),
          body: JSON.parse(raw),
          headers: req.headers,
        });
        send(res, ok());
        return;
      }
      if (req.method !== "POST" || !url.pathname.startsWith("/api/")) {
        send(res, { status: 404, body: { ok: false } });
        return;
      }
      const auth = req.headers.authorization;
      const args = parseArgs(raw, req.headers["content-type"]);
      const token =
        auth?.startsWith("Bearer ") === true
          ? auth.slice(7)
          : typeof args.token === "string"
            ? args.token
            : undefined;
      const call: SlackApiCall = { method: url.pathname.slice(5), token, args, at: Date.now() };
      api.calls.push(call);
      const reply = answer(call);
      call.answered = {
        status: reply.status,
        ...(typeof reply.body.error === "string" ? { error: reply.body.error } : {}),
      };
      if (call.method === "chat.postMessage" && call.ts !== undefined) {
        const hold = holdFor(field(call.args.channel));
        if (hold !== undefined) {
          const message = channels
            .messages(undefined, field(call.args.channel))
            .find((m) => m.ts === call.ts);
          if (message) hold.arrived(message);
          await hold.released;
        }
        if (api.postLatencyMs > 0) await new Promise((r) => setTimeout(r, api.postLatencyMs));
      }
      send(res, reply);
    })();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${String(port)}`;
  return Object.assign(api, { origin, apiUrl: `${origin}/api/` });
}
