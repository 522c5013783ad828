// The composition root: config, store, core, the enabled chat platforms (or the console), ops endpoints, shutdown.
import { createCore } from "./create-core.js";
import { CONNECT_HINT, describeEnvFile, withEnvFile } from "./config/env-file.js";
import { ConfigError, discordEnabled, loadConfig, slackEnabled, type Config } from "./config/load-config.js";
import { createLogger } from "./ops/logger.js";
import { createPrometheusMetrics } from "./ops/metrics.js";
import { createOpsHandler, startOpsServer } from "./ops/ops-server.js";
import { createShutdown, type SignalSource } from "./ops/shutdown.js";
import type { PlatformAdapter, PlatformAdapterDeps } from "./paperboy.js";
import { startWithRetry } from "./ops/start-retry.js";
import { createWorkQueue } from "./scheduler/create-work-queue.js";
import { createStore } from "./storage/create-store.js";
import type { Store } from "./storage/store.js";

/** How long SIGTERM waits for in-flight deliveries and each closing step. */
const DRAIN_TIMEOUT_MS = 30_000;
/** Deliveries in flight at once in this process. */
const DELIVERY_CONCURRENCY = 200;

/** The console leaves Ctrl-C to the terminal, as a command-line program does: no graceful-drain handlers there. */
const NO_SIGNALS: SignalSource = { on: () => undefined, off: () => undefined };

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

async function openStore(config: Config, log: ReturnType<typeof createLogger>): Promise<Store | string> {
  try {
    return await createStore(config.STORE_URL, { log });
  } catch (error) {
    return `paperboy cannot start:\n  STORE_URL: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The adapters, each loaded (dynamic import) only when enabled: the console does not pay for two chat SDKs.
 * `name` is what start-up retries and logs name.
 */
function enabledAdapters(config: Config, chat: boolean) {
  return [
    {
      name: "Slack",
      enabled: slackEnabled(config),
      load: async (deps: PlatformAdapterDeps) =>
        (await import("../adapters/slack/index.js")).createSlackPlatform(config, deps),
    },
    {
      name: "Discord",
      enabled: discordEnabled(config),
      load: async (deps: PlatformAdapterDeps) =>
        (await import("../adapters/discord/index.js")).createDiscordPlatform(config, deps),
    },
    {
      name: "console",
      enabled: !chat,
      load: async (deps: PlatformAdapterDeps) =>
        (await import("../adapters/console/index.js")).createConsolePlatform(config, {
          ...deps,
          input: process.stdin,
          output: process.stdout,
        }),
    },
  ].filter((a) => a.enabled);
}

async function main(): Promise<number> {
  let config: Config;
  const envFile = withEnvFile();
  try {
    config = loadConfig(envFile.env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const chat = slackEnabled(config) || discordEnabled(config);
  // In the console, logs would interleave with the conversation: only errors go to stderr there unless LOG_LEVEL asks for more.
  const log = createLogger({
    level: chat ? config.LOG_LEVEL : config.LOG_LEVEL === "info" ? "error" : config.LOG_LEVEL,
    ...(chat ? {} : { destination: process.stderr }),
  });
  // The console's first line says how to connect a chat platform; with one, the log says where settings came from.
  if (chat) log.info({ envFile: envFile.file }, describeEnvFile(envFile));
  else process.stdout.write(`${CONNECT_HINT}\n(${describeEnvFile(envFile)})\n`);
  const opened = await openStore(config, log);
  if (typeof opened === "string") return fail(opened);
  const store = opened;
  const metrics = createPrometheusMetrics();
  const queue = await createWorkQueue(store, {
    concurrency: DELIVERY_CONCURRENCY,
    log,
    lockDurationMs: config.QUEUE_LOCK_MS,
    stalledIntervalMs: Math.max(500, Math.min(30_000, Math.floor(config.QUEUE_LOCK_MS / 2))),
  });
  const core = createCore({ config, store, log, metrics, queue });

  const shutdown = createShutdown({
    log,
    timeoutMs: DRAIN_TIMEOUT_MS,
    exit: (code) => {
      log.flush();
      process.exit(code);
    },
    ...(chat ? {} : { signals: NO_SIGNALS }),
  });
  const opsHandler = createOpsHandler({
    store,
    platforms: () => core.platforms.all(),
    metrics,
    isShuttingDown: () => shutdown.isShuttingDown(),
  });
  let coreStarted: () => void = () => undefined;
  const deps: PlatformAdapterDeps = {
    core: core.paperboy,
    store,
    log,
    opsHandler,
    coreStarted: new Promise<void>((resolve) => (coreStarted = resolve)),
  };
  const adapters: PlatformAdapter[] = [];
  // Registered and started before the core starts, so deliveries it resumes at start-up can post. An unreachable
  // platform is tried again with backoff; a refused token stops start-up with its fix.
  for (const { name, load } of enabledAdapters(config, chat)) {
    const adapter = await load(deps);
    adapters.push(adapter);
    core.paperboy.registerPlatform(adapter.platform);
    await startWithRetry(() => adapter.start(), { log, what: name });
    shutdown.onClose(adapter.platform.id, () => adapter.stop());
  }
  // Slack's HTTP mode owns PORT and mounts /healthz and /metrics; otherwise a small server of our own does (not in the console).
  if (chat && !adapters.some((adapter) => adapter.ownsPort === true)) {
    const ops = await startOpsServer(opsHandler, config.PORT);
    log.info({ port: ops.port }, "health and metrics on /healthz and /metrics");
    shutdown.onClose("ops server", () => ops.close());
  }
  shutdown.onStopIntake("scheduler", () => core.stop(DRAIN_TIMEOUT_MS));
  shutdown.onClose("store", () => store.close());

  const report = await core.start();
  coreStarted();
  // The console ends by itself (end of input): stop the core and the store, and let the process exit.
  const ending = adapters.flatMap((adapter) => (adapter.ended === undefined ? [] : [adapter.ended]));
  if (ending.length > 0) {
    await Promise.race(ending);
    shutdown.dispose();
    for (const adapter of adapters) await adapter.stop();
    await core.stop();
    await store.close();
    return 0;
  }
  log.info(
    {
      groups: report.groups,
      caughtUp: report.caughtUp,
      resumed: report.resumed,
      platforms: core.platforms.all().map((p) => p.id),
    },
    "paperboy is running",
  );
  return new Promise<number>(() => undefined); // runs until a signal; shutdown exits the process
}

main().then(
  (code) => {
    process.exitCode = code;
    // The console is done (end of input) or start-up failed: leftover timers must not keep the process up.
    if (code !== 0 || !process.stdin.isTTY) setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`paperboy stopped: ${error instanceof Error ? error.message : String(error)}\n`);
    // Timers (cron tasks, sockets) would keep a broken process alive: end it.
    process.exit(1);
  },
);
