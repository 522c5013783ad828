// Test support: a real Bolt app in HTTP mode on 127.0.0.1 against the fake Slack API, plus signed-request helpers.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSlackPlatform, type SlackPlatformAdapter } from "../../../adapters/slack/index.js";
import type { Paperboy } from "../../../src/index.js";
import type { Store } from "../../../src/storage/store.js";
import { loadConfig } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import { createStore } from "../../../src/storage/create-store.js";
import { startFakeSlackApi, type FakeSlackApi } from "../../fakes/fake-slack-api.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const ACME = {
  token: "xoxb-1111-acme-token",
  teamId: "T0001ACME",
  botUserId: "U0BOTUSER",
  botId: "B0BOT",
} as const;

/** The Events API envelope fields tests change. */
export interface EventEnvelope {
  team_id: string;
  event_id: string;
  event_time: number;
  authorizations: { team_id: string }[];
  event: {
    type: string;
    user: string;
    reaction: string;
    item_user?: string;
    item: { type: string; channel: string; ts: string };
    tokens: { oauth: string[]; bot: string[] };
  };
}

/** The block_actions payload fields tests change. */
export interface BlockActionsPayload {
  response_url: string;
  actions: { action_id: string; value?: string; url?: string }[];
}

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/slack/${name}`, import.meta.url), "utf8"));
}

/** A recorded-shape payload from test/fixtures/slack. */
export function slackFixture(name: string): Record<string, unknown> {
  return readFixture(name) as Record<string, unknown>;
}

/** An Events API envelope fixture. */
export function eventFixture(name: string): EventEnvelope {
  return readFixture(name) as EventEnvelope;
}

/** A block_actions payload fixture. */
export function actionFixture(name: string): BlockActionsPayload {
  return readFixture(name) as BlockActionsPayload;
}

export function signature(rawBody: string, ts: number, secret = SIGNING_SECRET): string {
  return (
    "v0=" +
    createHmac("sha256", secret)
      .update(`v0:${String(ts)}:${rawBody}`)
      .digest("hex")
  );
}

export interface SignedOptions {
  /** Seconds since epoch to sign with (default now). */
  ts?: number;
  secret?: string;
}

let sends = 0;

/**
 * Slack signs every delivery when it sends it, redeliveries included, and paperboy refuses an exact replay. Two sends
 * of one body in the same second would be byte-identical, so each default timestamp steps one more second back
 * (at most two minutes, well inside the 5-minute window).
 */
function sendTimestamp(): number {
  return Math.floor(Date.now() / 1000) - (sends++ % 120);
}

/** POSTs a signed request the way Slack does (exact Content-Type, v0 HMAC over the raw body). */
export async function postSigned(
  url: string,
  rawBody: string,
  contentType: string,
  opts: SignedOptions = {},
): Promise<Response> {
  const ts = opts.ts ?? sendTimestamp();
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signature(rawBody, ts, opts.secret),
    },
    body: rawBody,
  });
}

export function commandBody(fields: Record<string, string>): string {
  return new URLSearchParams({
    ...(readFixture("slash-command.json") as Record<string, string>),
    ...fields,
  }).toString();
}

export function actionBody(payload: unknown): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface SlackHarness {
  readonly fake: FakeSlackApi;
  readonly store: Store;
  readonly handle: SlackPlatformAdapter;
  readonly eventsUrl: string;
  readonly origin: string;
  command(
    text: string,
    extra?: Record<string, string>,
    opts?: SignedOptions,
  ): Promise<{ status: number; responseId: string }>;
  event(envelope: unknown, opts?: SignedOptions): Promise<Response>;
  action(payload: unknown, opts?: SignedOptions): Promise<Response>;
  close(): Promise<void>;
}

let responseIds = 0;

export async function startSlackHarness(options: {
  core: Paperboy;
  env?: Record<string, string>;
  oauth?: boolean;
  postIntervalMs?: number;
  /** reactions.add per workspace per minute the platform allows itself (default: the adapter's 50). */
  reactionsPerMinute?: number;
  fake?: FakeSlackApi;
  /** The store the adapter keeps installations, names and event ids in (default: its own memory://, closed with it). */
  store?: Store;
  /** The adapter's clock and sleep (its per-channel pacer, reaction gate and 429 waits use them). */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  opsHandler?: Parameters<typeof createSlackPlatform>[1]["opsHandler"];
}): Promise<SlackHarness> {
  const fake = options.fake ?? (await startFakeSlackApi());
  fake.addWorkspace(ACME);
  const env: Record<string, string> = {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: "0",
    STORE_URL: "memory://",
    ...(options.oauth === true
      ? {
          SLACK_CLIENT_ID: "1111.2222",
          SLACK_CLIENT_SECRET: "client-secret",
          SLACK_STATE_SECRET: "state-secret-state-secret",
        }
      : { SLACK_BOT_TOKEN: ACME.token }),
    ...options.env,
  };
  const config = loadConfig(env);
  const store: Store = options.store ?? (await createStore("memory://"));
  const handle = createSlackPlatform(config, {
    core: options.core,
    store,
    log: silentLogger,
    host: "127.0.0.1",
    postIntervalMs: options.postIntervalMs ?? 50,
    ...(options.reactionsPerMinute !== undefined ? { reactionsPerMinute: options.reactionsPerMinute } : {}),
    ...(options.opsHandler !== undefined ? { opsHandler: options.opsHandler } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
  });
  // Registered the way main.ts does it, so the core's scheduler, shares and alerts post through it.
  options.core.registerPlatform(handle.platform);
  await handle.start();
  const origin = `http://127.0.0.1:${String(handle.port)}`;
  const eventsUrl = `${origin}/slack/events`;
  return {
    fake,
    store,
    handle,
    eventsUrl,
    origin,
    async command(text, extra = {}, opts = {}) {
      const responseId = `r${String(++responseIds)}`;
      const body = commandBody({ text, response_url: fake.responseUrl(responseId), ...extra });
      const res = await postSigned(eventsUrl, body, "application/x-www-form-urlencoded", opts);
      await res.text();
      return { status: res.status, responseId };
    },
    event(envelope, opts = {}) {
      return postSigned(eventsUrl, JSON.stringify(envelope), "application/json", opts);
    },
    action(payload, opts = {}) {
      return postSigned(eventsUrl, actionBody(payload), "application/x-www-form-urlencoded", opts);
    },
    async close() {
      await handle.stop();
      if (options.store === undefined) await store.close();
      if (options.fake === undefined) await fake.close();
    },
  };
}
