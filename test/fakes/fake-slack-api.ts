// A loopback Slack Web API (POST /api/<method>, form-encoded) plus a response_url sink, recording every call.
// @see PLATFORMS.md §5a
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackApiCall {
  readonly method: string;
  readonly token: string | undefined;
  readonly args: Record<string, unknown>;
  /** Arrival time (ms, wall clock). */
  readonly at: number;
  /** The message ts the fake answered a successful chat.postMessage with. */
  ts?: string;
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
  | { readonly status: 500 };

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
  addWorkspace(ws: FakeWorkspace): void;
  /** The next call of `method` (optionally to `channel`) fails like this, once. */
  failNext(method: string, failure: ScriptedFailure, channel?: string): void;
  responseUrl(id: string): string;
  callsOf(method: string): SlackApiCall[];
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Form fields; JSON-looking values (blocks, view) are parsed, as Slack's client sends them as JSON strings. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith("application/json") === true) return raw === "" ? {} : JSON.parse(raw);
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    args[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return args;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const workspaces = new Map<string, FakeWorkspace>();
  const failures: { method: string; channel: string | undefined; failure: ScriptedFailure }[] = [];
  const lastPost = new Map<string, number>();
  let tsCounter = 0;

  const json = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };

  const api: FakeSlackApi = {
    apiUrl: "",
    origin: "",
    calls: [],
    responses: [],
    users: new Map(),
    oauthCodes: new Map(),
    rateViolations: 0,
    perChannelIntervalMs: undefined,
    addWorkspace(ws) {
      workspaces.set(ws.token, ws);
    },
    failNext(method, failure, channel) {
      failures.push({ method, channel, failure });
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function answer(call: SlackApiCall, res: ServerResponse): void {
    const ws = call.token === undefined ? undefined : workspaces.get(call.token);
    const index = failures.findIndex(
      (f) => f.method === call.method && (f.channel === undefined || f.channel === call.args.channel),
    );
    if (index >= 0) {
      const failure = failures.splice(index, 1)[0]!.failure;
      if ("error" in failure) return json(res, 200, { ok: false, error: failure.error });
      if (failure.status === 429)
        return json(
          res,
          429,
          { ok: false, error: "ratelimited" },
          { "retry-after": String(failure.retryAfter) },
        );
      return json(res, 500, { ok: false, error: "internal_error" });
    }
    if (call.method.startsWith("oauth.")) {
      const found = api.oauthCodes.get(String(call.args.code));
      return json(res, 200, found ?? { ok: false, error: "invalid_code" });
    }
    if (ws === undefined) return json(res, 200, { ok: false, error: "invalid_auth" });
    switch (call.method) {
      case "auth.test":
        return json(res, 200, {
          ok: true,
          url: `https://${ws.teamId.toLowerCase()}.slack.com/`,
          team: "Acme Research",
          user: ws.botName ?? "paperboy",
          team_id: ws.teamId,
          user_id: ws.botUserId,
          bot_id: ws.botId,
          is_enterprise_install: false,
        });
      case "chat.postMessage": {
        const channel = String(call.args.channel);
        if (api.perChannelIntervalMs !== undefined) {
          const key = `${ws.teamId}:${channel}`;
          const last = lastPost.get(key);
          if (last !== undefined && call.at - last < api.perChannelIntervalMs) {
            api.rateViolations++;
            return json(res, 429, { ok: false, error: "ratelimited" }, { "retry-after": "1" });
          }
          lastPost.set(key, call.at);
        }
        tsCounter++;
        const ts = `${String(Math.floor(call.at / 1000))}.${String(tsCounter).padStart(6, "0")}`;
        call.ts = ts;
        return json(res, 200, {
          ok: true,
          channel,
          ts,
          message: { type: "message", user: ws.botUserId, bot_id: ws.botId, text: call.args.text, ts },
        });
      }
      case "reactions.add":
      case "views.publish":
        return json(res, 200, { ok: true });
      case "users.info": {
        const user = String(call.args.user);
        const flags = api.users.get(user) ?? {};
        return json(res, 200, {
          ok: true,
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
        return json(res, 200, { ok: false, error: "unknown_method" });
    }
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
        return json(res, 200, { ok: true });
      }
      if (req.method !== "POST" || !url.pathname.startsWith("/api/")) return json(res, 404, { ok: false });
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
      answer(call, res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${String(port)}`;
  return Object.assign(api, { origin, apiUrl: `${origin}/api/` });
}
