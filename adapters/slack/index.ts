// The Slack adapter's entry: wires Bolt, the installation store, listeners and the ChatPlatform together.
import type { AddressInfo, Server } from "node:net";
import { webApi } from "@slack/bolt";
import type {
  ChannelRef,
  Config,
  PlatformAdapter,
  PlatformAdapterDeps,
  PlatformAdapterFactory,
} from "../../src/index.js";
import { registerActions } from "./actions.js";
import { registerAppHome } from "./app-home.js";
import { registerCommands } from "./commands.js";
import { startFailure } from "./errors.js";
import { registerEvents } from "./events.js";
import { createSlackInstallationStore } from "./installation-store.js";
import { SLACK_POST_INTERVAL_MS } from "./limits.js";
import { createSlackApiCaller } from "./slack-api-caller.js";
import { boltLogger, createSlackApp } from "./slack-app.js";
import { createMembership } from "./membership.js";
import { createSlackChatPlatform } from "./slack-platform.js";
import { registerUnfurls } from "./unfurls.js";

export { renderSlackMessage, type SlackBlock } from "./render/block-kit.js";
export { SLACK_BOT_SCOPES } from "./slack-app.js";
export { SLACK_UNFURL_DOMAINS } from "./unfurls.js";

/** Slack's extras beside the common adapter deps (all optional; tests set them). */
export interface SlackPlatformDeps extends PlatformAdapterDeps {
  /** Interface to listen on in HTTP mode (default: all). Tests use 127.0.0.1. */
  host?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Minimum gap between two posts to one channel (default 1000 ms, Slack's ~1 message/s/channel). */
  postIntervalMs?: number;
  /** reactions.add per workspace per minute when seeding votes (default SLACK_REACTIONS_PER_MINUTE), with a burst of as many. */
  reactionsPerMinute?: number;
}

/** The Slack adapter: in HTTP mode it owns PORT (Bolt's receiver, with /healthz and /metrics mounted). */
export interface SlackPlatformAdapter extends PlatformAdapter {
  /** The port Bolt listens on once started in HTTP mode (PORT=0 picks a free one); undefined in Socket Mode. */
  readonly port: number | undefined;
}

const CHANNEL_NAME_TTL_MS = 30 * 24 * 60 * 60_000;

export function createSlackPlatform(config: Config, deps: SlackPlatformDeps): SlackPlatformAdapter {
  const log = deps.log.child({ adapter: "slack" });
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const installations = createSlackInstallationStore(deps.store.namespace("installations"));
  const cache = deps.store.namespace("cache");
  const apiUrl = config.SLACK_API_URL;
  const clientOptions: webApi.WebClientOptions = {
    ...(apiUrl !== undefined ? { slackApiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/` } : {}),
    // 429s wait Retry-After inside the client (that counts as a retry); 5xx and network errors get two quick retries.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    rejectRateLimitedCalls: false,
    logger: boltLogger(log.child({ lib: "web-api" })),
  };
  const handle = createSlackApp({
    config,
    log,
    clientOptions,
    installationStore: installations,
    opsHandler: deps.opsHandler,
  });
  const { app } = handle;

  let started = false;
  let authOk = false;
  const botNames = new Map<string, string>();
  const channelNames = new Map<string, string>();
  // Posting and seeding bypass WebClient (see slack-api-caller.ts); everything else uses Bolt's clients.
  const apiBase = clientOptions.slackApiUrl ?? "https://slack.com/api/";
  const api = createSlackApiCaller({
    apiUrl: apiBase,
    retries: 2,
    minTimeoutMs: 200,
    maxTimeoutMs: 2_000,
    rateLimitRetries: 5,
    timeoutMs: 30_000,
    maxSockets: 100,
    sleep,
    onRateLimited(method, retryAfterSec) {
      log.info({ method, retryAfterSec }, "Slack rate-limited a call; waiting Retry-After");
    },
  });

  async function tokenFor(teamId: string): Promise<string | undefined> {
    if (handle.auth === "token") return config.SLACK_BOT_TOKEN;
    return (await installations.botFor(teamId))?.token;
  }

  registerEvents(app, {
    core: deps.core,
    events: deps.store.events,
    // Over HTTP a vote that fails answers 500 and Slack redelivers it; Socket Mode acks first, so retry in process.
    redelivery: config.SLACK_APP_TOKEN === undefined ? "platform" : "none",
    log,
    async forgetInstallation(teamId) {
      if (handle.auth === "token") return;
      await installations.forget(teamId);
    },
  });
  const membership = createMembership({
    client: app.client,
    log,
    botName: (teamId) => `@${botNames.get(teamId) ?? "paperboy"}`,
    sleep,
  });
  registerCommands(app, {
    core: deps.core,
    adminUsers: config.SLACK_ADMIN_USERS,
    log,
    now,
    async noteFor(word, teamId, channelId, canManage) {
      const token = await tokenFor(teamId);
      if (token === undefined) return undefined;
      if (word === "subscribe" && canManage) {
        const joined = await membership.join(teamId, channelId, token);
        return joined.status === "cannot-join" ? joined.note : undefined;
      }
      return word === "settings" ? membership.settingsNote(teamId, channelId, token) : undefined;
    },
    rememberChannel(teamId, channelId, name) {
      const key = `slack:channel-name:${teamId}:${channelId}`;
      if (channelNames.get(key) === name) return;
      channelNames.set(key, name);
      cache.set(key, name, CHANNEL_NAME_TTL_MS).catch((error: unknown) => {
        log.warn({ err: String(error) }, "could not remember a channel name");
      });
    },
  });
  registerActions(app, { core: deps.core, log });
  registerUnfurls(app, { core: deps.core, log });
  registerAppHome(app, { core: deps.core, log });

  const platform = createSlackChatPlatform({
    tokenFor,
    api,
    async history(token, channel, oldest, cursor) {
      const answer = await app.client.conversations.history({
        token,
        channel,
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      const next = answer.response_metadata?.next_cursor;
      return {
        messages: (answer.messages ?? []).map((m) => ({
          ...(m.ts !== undefined ? { ts: m.ts } : {}),
          ...(m.bot_id !== undefined ? { bot_id: m.bot_id } : {}),
          ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
        })),
        ...(next !== undefined && next !== "" ? { nextCursor: next } : {}),
      };
    },
    reactionsPerMinute: deps.reactionsPerMinute ?? config.SLACK_REACTIONS_PER_MINUTE,
    async channelName(ref: ChannelRef) {
      const key = `slack:channel-name:${ref.workspace}:${ref.channel}`;
      return channelNames.get(key) ?? (await cache.get<string>(key));
    },
    botName: (teamId) => `@${botNames.get(teamId) ?? "paperboy"}`,
    // Votes arrive only from channels the bot is in: after a post, join the channel (once) if it has not yet.
    posted: (ref, token) => {
      membership.joinSoon(ref.workspace, ref.channel, token);
    },
    isHealthy: () => started && authOk,
    log,
    now,
    sleep,
    intervalMs: deps.postIntervalMs ?? SLACK_POST_INTERVAL_MS,
  });
  let port: number | undefined;

  return {
    platform,
    // In Socket Mode nothing listens on PORT: the composition root serves /healthz and /metrics itself.
    ownsPort: handle.mode === "http",
    get port() {
      return port;
    },
    async start() {
      try {
        if (handle.auth === "token") {
          const me = await app.client.auth.test();
          if (me.team_id !== undefined && me.user !== undefined) botNames.set(me.team_id, me.user);
        }
        await app.init();
      } catch (error) {
        throw startFailure(error, apiBase, handle.auth === "token" ? "SLACK_BOT_TOKEN" : "SLACK_CLIENT_ID");
      }
      authOk = true;
      if (handle.mode === "socket") {
        try {
          await app.start();
        } catch (error) {
          throw startFailure(error, apiBase, "SLACK_APP_TOKEN");
        }
        started = true;
        log.info({ mode: "socket", auth: handle.auth }, "Slack connected over Socket Mode");
        return;
      }
      const server = (await app.start({
        port: config.PORT,
        ...(deps.host !== undefined ? { host: deps.host } : {}),
      })) as Server;
      started = true;
      port = (server.address() as AddressInfo).port;
      log.info({ mode: "http", auth: handle.auth, port }, "Slack listening on /slack/events");
    },
    async stop() {
      if (!started) return;
      started = false;
      membership.close();
      await app.stop();
      api.close();
    },
  };
}

createSlackPlatform satisfies PlatformAdapterFactory;
