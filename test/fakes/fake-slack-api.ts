// A loopback Slack Web API (POST /api/<method>, form-encoded or JSON) plus a response_url sink, recording every call.
// It keeps the messages it was sent per (team, channel) and answers conversations.history and reactions.add over them
// as strictly as Slack does for what paperboy uses (fake-slack-channels.ts), with scripted failures and held answers.
// @see PLATFORMS.md §3.8, §5a and "Facts for exactly-once posting"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createSlackChannels, field, type SlackMessage } from "./fake-slack-channels.js";

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

  function work(call: SlackApiCall, ws: FakeWorkspace): Reply {
    switch (call.method) {
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
      case "conversations.replies": {
        const channel = field(call.args.channel);
        if (channel === "") return refused("channel_not_found");
        const answer = channels.replies(ws.teamId, { ...call.args, channel });
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${String(port)}`;
  return Object.assign(api, { origin, apiUrl: `${origin}/api/` });
}
