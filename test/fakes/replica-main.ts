// One paperboy replica as a child process: the real core and node-cron scheduler on Redis, posting to a loopback sink.
// Run with `node --import tsx test/fakes/replica-main.ts`. Env:
//   REDIS_URL, REPLICA_PREFIX (Redis key prefix), REPLICA_ID, SINK_URL, HF_URL (loopback paper API),
//   optional NOW_OFFSET_MS (shifts the core's clock), CLAIM_LEASE_MS, TICK_LEASE_MS, GRACE_MS,
//   DELIVERY_CONCURRENCY, REPLICA_LOG (debug|info|warn|error: JSON lines on stderr; default silent).
// Protocol on stdio: prints "ready" once the store is open, starts the core on a "go" line, then prints
// "started <json>"; a "stop" line (or stdin closing) stops the core, closes the store and exits 0.
import { createInterface } from "node:readline";
import { createCore } from "../../src/app/create-core.js";
import { slotsOf } from "../../src/messages/outbound-message.js";
import { channelKey } from "../../src/platform/channel-ref.js";
import type { ChatPlatform } from "../../src/platform/chat-platform.js";
import type { DeliveryOutcome } from "../../src/platform/delivery-outcome.js";
import { silentLogger, type Logger } from "../../src/shared/logger.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import type { SinkAnswer, SinkPostBody } from "./post-sink.js";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`replica-main: ${name} is required`);
  return value;
}
function optionalNumber(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : Number(value);
}

const LEVELS = ["debug", "info", "warn", "error"] as const;
function stderrLogger(level: string | undefined, bindings: Record<string, unknown> = {}): Logger {
  const min = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (min < 0) return silentLogger;
  const at =
    (lvl: (typeof LEVELS)[number]) =>
    (obj: object | string, msg?: string): void => {
      if (LEVELS.indexOf(lvl) < min) return;
      const fields = typeof obj === "string" ? { msg: obj } : { ...obj, msg };
      process.stderr.write(`${JSON.stringify({ level: lvl, ...bindings, ...fields })}\n`);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => stderrLogger(level, { ...bindings, ...more }),
  };
}

const replica = required("REPLICA_ID");
const sinkUrl = required("SINK_URL");
const hfUrl = required("HF_URL");
const offsetMs = optionalNumber("NOW_OFFSET_MS") ?? 0;
const log = stderrLogger(process.env.REPLICA_LOG, { replica });

/** The chat platform: every post goes to the sink over loopback HTTP, one request per digest. */
const platform: ChatPlatform = {
  id: "slack",
  isHealthy: () => true,
  async post(request): Promise<DeliveryOutcome> {
    const body: SinkPostBody = {
      replica,
      channel: channelKey(request.channel),
      texts: request.messages.map((m) => m.fallbackText),
    };
    try {
      const response = await fetch(`${sinkUrl}/post`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) return { status: "failed", error: `sink answered ${String(response.status)}` };
      const answer = (await response.json()) as SinkAnswer;
      return {
        status: "posted",
        messages: request.messages.map((m, i) => ({
          ref: { channel: request.channel, id: answer.ids[i] ?? `missing-${String(i)}` },
          slots: slotsOf(m),
        })),
      };
    } catch (error) {
      return { status: "failed", error: error instanceof Error ? error.message : String(error) };
    }
  },
};

const store = await createStore(required("REDIS_URL"), { keyPrefix: required("REPLICA_PREFIX"), log });
const claimLeaseMs = optionalNumber("CLAIM_LEASE_MS");
const tickLeaseMs = optionalNumber("TICK_LEASE_MS");
const graceMs = optionalNumber("GRACE_MS");
const deliveryConcurrency = optionalNumber("DELIVERY_CONCURRENCY");
const core = createCore({
  config: { HF_API_URL: hfUrl, ARXIV_API_URL: `${hfUrl}/api/query`, DEFAULT_TIMEZONE: "UTC" },
  store,
  log,
  now: () => new Date(Date.now() + offsetMs),
  http: { timeoutMs: 5_000, retries: 1 },
  ...(claimLeaseMs !== undefined ? { claimLeaseMs } : {}),
  ...(tickLeaseMs !== undefined ? { tickLeaseMs } : {}),
  ...(graceMs !== undefined ? { graceMs } : {}),
  ...(deliveryConcurrency !== undefined ? { deliveryConcurrency } : {}),
});
core.paperboy.registerPlatform(platform);
process.stdout.write("ready\n");

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await core.stop();
  await store.close();
  process.exit(0);
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const command = line.trim();
  if (command === "go") {
    core.start().then(
      (report) => {
        const summary = { scheduled: report.scheduled, caughtUp: report.caughtUp.size, unknown: report.recovered.unknown.length };
        process.stdout.write(`started ${JSON.stringify(summary)}\n`);
      },
      (error: unknown) => {
        process.stderr.write(`replica ${replica} failed to start: ${String(error)}\n`);
        process.exit(1);
      },
    );
  } else if (command === "stop") {
    void stop();
  }
});
lines.on("close", () => {
  void stop(); // the parent went away
});
