// Builds the Bolt App for the configured mode: Socket Mode or HTTP (/slack/events), one token or OAuth.
// @see https://docs.slack.dev/tools/bolt-js/concepts/socket-mode · PLATFORMS.md §3.1–3.2
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  App,
  LogLevel,
  type AppOptions,
  type CustomRoute,
  type InstallationStore,
  type Logger as BoltLogger,
  type webApi,
} from "@slack/bolt";
import type { Config, Logger, OpsHandler } from "../../src/index.js";

/** Bot scopes and why each is needed (docs/slack.md explains them to installers). */
export const SLACK_BOT_SCOPES = [
  "commands", // /papers
  "chat:write", // post digests, shared papers
  "chat:write.public", // post in public channels without being invited first
  "channels:join", // join a public channel when it subscribes or gets a post: reactions (votes) arrive only from members' channels
  "channels:read", // conversations.info: /papers settings says whether paperboy is a member of the channel
  "groups:read", // the same for private channels
  "channels:history", // after a crash, read a public channel back to find a digest already posted (message metadata)
  "groups:history", // the same in private channels paperboy was invited to
  "reactions:read", // reaction_added / reaction_removed → votes
  "reactions:write", // seed 1️⃣…🔟 under compact digests
  "users:read", // users.info: is this user a workspace admin/owner (subscribe/unsubscribe)?
  "links:read", // link_shared: a paper link was posted in a channel (only for the unfurl domains in the manifest)
  "links:write", // chat.unfurl: show that paper's card under the message
] as const;

export interface SlackAppOptions {
  config: Config;
  log: Logger;
  clientOptions: webApi.WebClientOptions;
  installationStore: InstallationStore;
  opsHandler?: OpsHandler | undefined;
}

export interface SlackAppHandle {
  app: App;
  mode: "http" | "socket";
  auth: "token" | "oauth";
}

/** Bolt's logger interface on top of ours (Bolt logs are strings). */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) =>
    msg
      .map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m)))
      .join(" ");
  return {
    debug: (...msg: unknown[]) => {
      log.debug({ bolt: true }, text(msg));
    },
    info: (...msg: unknown[]) => {
      log.info({ bolt: true }, text(msg));
    },
    warn: (...msg: unknown[]) => {
      log.warn({ bolt: true }, text(msg));
    },
    error: (...msg: unknown[]) => {
      log.error({ bolt: true }, text(msg));
    },
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function opsRoutes(handler: OpsHandler | undefined, log: Logger): CustomRoute[] {
  if (handler === undefined) return [];
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    handler(req, res).then(
      (handled) => {
        if (!handled && !res.headersSent) res.writeHead(404).end();
      },
      (error: unknown) => {
        log.error({ err: String(error), path: req.url }, "ops route failed");
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };
  return [
    { path: "/healthz", method: ["GET"], handler: serve },
    { path: "/metrics", method: ["GET"], handler: serve },
  ];
}

export function createSlackApp(options: SlackAppOptions): SlackAppHandle {
  const { config } = options;
  const logger = boltLogger(options.log.child({ lib: "bolt" }));
  const socketMode = config.SLACK_APP_TOKEN !== undefined;
  const oauth = config.SLACK_CLIENT_ID !== undefined;
  // In Socket Mode the composition root serves /healthz and /metrics on PORT itself, so mounting them here
  // would open a second server on the same port.
  const customRoutes = socketMode ? [] : opsRoutes(options.opsHandler, options.log);
  const options_: AppOptions = {
    logger,
    clientOptions: options.clientOptions,
    customRoutes,
    // We call app.init() in start(), so a refused token is reported there with a fix hint.
    deferInitialization: true,
    // Slack gets its answer when the listeners are done: a vote is stored before the 200 (a failure answers 500 and
    // Slack redelivers). Commands, buttons and App Home ack and then work after their listener returns.
    processBeforeResponse: true,
    // No conversation state is used; Bolt's default store would build a "not found" Error per request before ack.
    convoStore: false,
  };
  if (config.SLACK_SIGNING_SECRET !== undefined) options_.signingSecret = config.SLACK_SIGNING_SECRET;
  if (config.SLACK_APP_TOKEN !== undefined) {
    options_.socketMode = true;
    options_.appToken = config.SLACK_APP_TOKEN;
  } else {
    options_.port = config.PORT;
  }
  if (oauth) {
    if (config.SLACK_CLIENT_ID !== undefined) options_.clientId = config.SLACK_CLIENT_ID;
    if (config.SLACK_CLIENT_SECRET !== undefined) options_.clientSecret = config.SLACK_CLIENT_SECRET;
    if (config.SLACK_STATE_SECRET !== undefined) options_.stateSecret = config.SLACK_STATE_SECRET;
    options_.scopes = [...SLACK_BOT_SCOPES];
    options_.installationStore = options.installationStore;
    options_.installerOptions = {
      installPath: "/slack/install",
      redirectUriPath: "/slack/oauth_redirect",
      directInstall: false,
    };
  } else if (config.SLACK_BOT_TOKEN !== undefined) {
    options_.token = config.SLACK_BOT_TOKEN;
  }
  // In Socket Mode the custom routes (and OAuth pages) are served on installerOptions.port.
  if (socketMode) options_.installerOptions = { ...options_.installerOptions, port: config.PORT };
  const app = new App(options_);
  return { app, mode: socketMode ? "socket" : "http", auth: oauth ? "oauth" : "token" };
}
