// One paperboy replica as a child process: the real core, node-cron and the queue engine on a store, posting to a
// loopback sink. Run with `node --import tsx test/fakes/replica-main.ts`. Env:
//   STORE_URL (redis://… or sqlite://…), REPLICA_PREFIX (Redis key prefix), REPLICA_ID, SINK_URL, HF_URL (loopback
//   paper API), optional NOW_OFFSET_MS (shifts the core's clock), GRACE_MS, DELIVERY_CONCURRENCY, LOCK_MS (BullMQ
//   lock), REPLICA_LOG (debug|info|warn|error: JSON lines on stderr; default silent).
// Protocol on stdio: prints "ready" once the store is open, starts the core on a "go" line, then prints
// "started <json>"; a "stop" line (or stdin closing) stops the core, closes the store and exits 0.
import { createInterface } from "node:readline";
import { createCore } from "../../src/create-core.js";
import { slotsOf } from "../../src/messages/outbound-message.js";
import { channelKey } from "../../src/platform/channel-ref.js";
import type { ChatPlatform } from "../../src/platform/chat-platform.js";
import { emojiKey } from "../../src/platform/emoji.js";
import { createWorkQueue } from "../../src/scheduler/create-work-queue.js";
import { silentLogger, type Logger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
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

/** The chat platform: every message goes to the sink over loopback HTTP, which also answers read-backs. */
const platform: ChatPlatform = {
  id: "slack",
  isHealthy: () => true,
  async send(channel, message, handle) {
    const body: SinkPostBody = {
      replica,
      channel: channelKey(channel),
      text: message.fallbackText,
      delivery: handle.delivery,
      index: handle.index,
    };
    try {
      const response = await fetch(`${sinkUrl}/post`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok)
        return { status: "failed", error: `sink answered ${String(response.status)}`, retryable: true };
      const answer = (await response.json()) as SinkAnswer;
      return { status: "sent", message: { ref: { channel, id: answer.id }, slots: slotsOf(message) } };
    } catch (error) {
      return {
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
        retryable: true,
      };
    }
  },
  async react(message, emoji) {
    for (const e of emoji)
      await fetch(`${sinkUrl}/react`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: message.id, emoji: emojiKey(e) }),
      }).catch(() => undefined);
  },
  async findPosted(channel, delivery) {
    try {
      const response = await fetch(
        `${sinkUrl}/find?channel=${encodeURIComponent(channelKey(channel))}&delivery=${delivery}`,
      );
      const found = (await response.json()) as { index: number; id: string }[];
      return {
        status: "found",
        messages: found.map((f) => ({ index: f.index, ref: { channel, id: f.id } })),
      };
    } catch (error) {
      return { status: "failed", error: error instanceof Error ? error.message : String(error) };
    }
  },
};

const store = await createStore(required("STORE_URL"), { keyPrefix: required("REPLICA_PREFIX"), log });
const graceMs = optionalNumber("GRACE_MS");
const lockMs = optionalNumber("LOCK_MS");
const queue = await createWorkQueue(store, {
  concurrency: optionalNumber("DELIVERY_CONCURRENCY") ?? 200,
  log,
  ...(lockMs !== undefined
    ? { lockDurationMs: lockMs, stalledIntervalMs: Math.max(250, Math.floor(lockMs / 2)) }
    : {}),
});
const core = createCore({
  config: { HF_API_URL: hfUrl, ARXIV_API_URL: `${hfUrl}/api/query`, DEFAULT_TIMEZONE: "UTC" },
  store,
  queue,
  log,
  now: () => new Date(Date.now() + offsetMs),
  http: { timeoutMs: 5_000, retries: 1 },
  retry: { baseMs: 200, capMs: 2_000 },
  resyncMs: 1_000,
  ...(graceMs !== undefined ? { graceMs } : {}),
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
        const summary = { groups: report.groups, caughtUp: report.caughtUp, resumed: report.resumed };
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
