// Slack bench: ack latency under 200 concurrent signed slash commands, and a paced digest to 1,000 channels in 10 workspaces.
import { channelRef, KEYCAPS, type ChatPlatform, type Emoji } from "../src/index.js";
import { createScriptedPaperboy } from "../test/fakes/scripted-paperboy.js";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compactDigest } from "../test/adapters/slack/sample-messages.js";
import { commandBody, postSigned, startSlackHarness } from "../test/adapters/slack/slack-harness.js";

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function ackLatency(): Promise<void> {
  const core = createScriptedPaperboy();
  const slack = await startSlackHarness({ core });
  const N = 200;
  // Warm up Bolt and the connection pool.
  await Promise.all(Array.from({ length: 10 }, (_, i) => slack.command(`warmup ${String(i)}`)));
  const latencies = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const body = commandBody({
        text: `diffusion ${String(i)}`,
        response_url: slack.fake.responseUrl(`b${String(i)}`),
      });
      const t0 = performance.now();
      const res = await postSigned(slack.eventsUrl, body, "application/x-www-form-urlencoded");
      const took = performance.now() - t0;
      if (res.status !== 200) throw new Error(`ack ${String(res.status)}`);
      await res.text();
      return took;
    }),
  );
  await slack.fake.waitFor(
    () => slack.fake.responses.filter((r) => r.id.startsWith("b")).length === N,
    30_000,
  );
  latencies.sort((a, b) => a - b);
  console.log(
    `ack latency, ${String(N)} concurrent signed /papers: p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}, max ${ms(latencies.at(-1) ?? NaN)} (Slack's deadline: 3000 ms)`,
  );
  await slack.close();
}

interface FakeStats {
  posts: number;
  reactions: number;
  violations: number;
}

/** The fake Web API in its own process, so its work does not share the adapter's event loop. */
async function startFakeChild(workspaces: number, intervalMs: number) {
  const child = fork(fileURLToPath(new URL("./slack-fake-child.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_WORKSPACES: String(workspaces), BENCH_INTERVAL_MS: String(intervalMs) },
  });
  const next = <T>() => new Promise<T>((resolve) => child.once("message", (m) => resolve(m as T)));
  const { apiUrl } = await next<{ apiUrl: string }>();
  return {
    apiUrl,
    async stats(): Promise<FakeStats> {
      const answer = next<FakeStats>();
      child.send("stats");
      return answer;
    },
    reset: () => child.send("reset"),
    stop: () => new Promise<void>((resolve) => child.once("exit", () => resolve()) && child.send("stop")),
  };
}

async function pacedDigest(): Promise<void> {
  const WORKSPACES = 10;
  const CHANNELS_PER = 100;
  const POSTS_PER_CHANNEL = 3;
  const INTERVAL = 1_000;
  const fake = await startFakeChild(WORKSPACES, INTERVAL);
  const core = createScriptedPaperboy();
  const slack = await startSlackHarness({
    core,
    oauth: true,
    postIntervalMs: INTERVAL,
    env: { SLACK_API_URL: fake.apiUrl },
  });
  const installations = slack.store.namespace("installations");
  for (let w = 0; w < WORKSPACES; w++) {
    await installations.set(`slack:team:T0BENCH${String(w)}`, {
      team: { id: `T0BENCH${String(w)}` },
      bot: {
        token: `xoxb-bench-${String(w)}`,
        userId: `U0BOT${String(w)}`,
        id: `B0BOT${String(w)}`,
        scopes: ["chat:write"],
      },
      isEnterpriseInstall: false,
      authVersion: "v2",
    });
  }
  const platform: ChatPlatform = core.platforms[0]!;
  const keycaps: Emoji[] = KEYCAPS.slice(0, 5).map((_, i) => ({ kind: "keycap", number: i + 1 }));
  const message = compactDigest(5);
  const lowerBound = (POSTS_PER_CHANNEL - 1) * INTERVAL;
  for (const [label, seed] of [
    ["posts only", [] as Emoji[]],
    ["posts + 5 keycaps seeded per post", keycaps],
  ] as const) {
    fake.reset();
    const t0 = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: WORKSPACES * CHANNELS_PER }, (_, c) => {
        const channel = channelRef(
          "slack",
          `T0BENCH${String(c % WORKSPACES)}`,
          `C${String(c).padStart(6, "0")}`,
        );
        return Promise.all(
          Array.from({ length: POSTS_PER_CHANNEL }, () =>
            platform.post({ channel, messages: [message], seed: [seed] }),
          ),
        );
      }),
    );
    const wall = performance.now() - t0;
    const stats = await fake.stats();
    const posted = outcomes.flat().filter((o) => o.status === "posted").length;
    console.log(
      `paced digest (${label}): ${String(WORKSPACES * CHANNELS_PER)} channels × ${String(POSTS_PER_CHANNEL)} posts, ${String(WORKSPACES)} workspaces, ` +
        `fake enforcing 1 msg/s/channel: ${String(posted)} posted, ${String(stats.reactions)} reactions, ${String(stats.violations)} 429s; ` +
        `wall ${ms(wall)} vs lower bound ${ms(lowerBound)} = ${(wall / lowerBound).toFixed(2)}× (goal ≤ 1.20×)`,
    );
  }
  await slack.close();
  await fake.stop();
}

await ackLatency();
await pacedDigest();
