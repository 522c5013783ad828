// Slack posting: our JSON caller (adapters/slack/slack-api-caller.ts) vs @slack/web-api's WebClient (Bolt's webApi),
// both configured as adapters/slack/index.ts configures them, against a loopback Slack in another process (this file,
// run with --server, so its CPU is not counted). (1) N chat.postMessage calls with a rendered digest (Block Kit) at
// C concurrent: CPU per call, p50/p99 latency, rounds alternated, medians. (2) One 429 (Retry-After: 1) on one channel
// while 9 other channels keep posting: how long the other channels' calls stall.
import { fork, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { webApi } from "@slack/bolt";
import { renderSlackMessage } from "../adapters/slack/index.js";
import { createSlackApiCaller } from "../adapters/slack/slack-api-caller.js";
import type { OutboundMessage, PaperCard, PaperId } from "../src/index.js";

const CALLS = Number(process.env.BENCH_SLACK_CALLER_CALLS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_SLACK_CALLER_CONCURRENCY ?? 50);
const ROUNDS = 3;
const TOKEN = "xoxb-bench-caller";
const RATE_LIMITED = "C0RATELIMITED";

// ---- server: answers like Slack; the first chat.postMessage to RATE_LIMITED after "arm" gets 429 Retry-After: 1 ----

function serve(): void {
  let armed = false;
  let seq = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const json = (req.headers["content-type"] ?? "").includes("json");
      const channel = json
        ? String((JSON.parse(body) as { channel?: unknown }).channel)
        : (new URLSearchParams(body).get("channel") ?? "");
      if (armed && channel === RATE_LIMITED) {
        armed = false;
        res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      seq++;
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ ok: true, channel, ts: `1781000000.${String(seq).padStart(6, "0")}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on("message", (msg) => {
    if (msg === "arm") armed = true;
    process.send?.("armed");
  });
  process.on("disconnect", () => server.close());
}

// ---- client ----

type Post = (channel: string, body: { text: string; blocks: unknown[] }) => Promise<unknown>;
interface Client {
  readonly name: string;
  readonly post: Post;
  close(): void;
}

function clients(apiUrl: string): Client[] {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const ours = createSlackApiCaller({
    apiUrl,
    retries: 2,
    minTimeoutMs: 200,
    maxTimeoutMs: 2_000,
    rateLimitRetries: 5,
    timeoutMs: 30_000,
    maxSockets: 100,
    sleep,
  });
  const web = new webApi.WebClient(TOKEN, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    rejectRateLimitedCalls: false,
    logLevel: webApi.LogLevel.ERROR,
  });
  return [
    {
      name: "ours (slack-api-caller)",
      post: (channel, body) => ours.call("chat.postMessage", TOKEN, { channel, ...body }),
      close: () => ours.close(),
    },
    {
      name: "WebClient (@slack/web-api)",
      post: (channel, body) =>
        web.chat.postMessage({ channel, text: body.text, blocks: body.blocks as webApi.KnownBlock[] }),
      close: () => undefined,
    },
  ];
}

/** A digest of three papers with votes and buttons, as the Slack renderer makes it. */
function digestBody(): { text: string; blocks: unknown[] } {
  const card = (n: number): PaperCard => ({
    id: `2606.0${String(1200 + n)}` as PaperId,
    title: `Sparse mixture-of-experts routing with learned token budgets, part ${String(n)}`,
    url: `https://huggingface.co/papers/2606.0${String(1200 + n)}`,
    summary:
      "The authors route each token to a budgeted subset of experts and learn the budget per layer, cutting " +
      "inference compute by a third on long-context benchmarks while matching dense quality on reasoning tasks.",
    authors: "Ana Wang, Kofi Okafor, Lucía Romero +5",
    organization: "Example Lab",
    date: "2026-06-12",
    upvotes: 120 - n * 17,
    githubStars: 900 + n,
    links: [
      { kind: "arxiv", label: "arXiv", url: `https://arxiv.org/abs/2606.0${String(1200 + n)}` },
      { kind: "code", label: "GitHub", url: "https://github.com/example/sparse-moe" },
    ],
    teamVotes: 3 - n,
    reason: "like “Token budgets for MoE”, which you voted for",
    voteHint: `react ${String(n)}️⃣`,
  });
  const message: OutboundMessage = {
    fallbackText: "Trending papers for Friday, 12 June 2026",
    blocks: [
      { type: "header", text: "Trending papers · Friday, 12 June 2026" },
      { type: "paper", slot: 1, paper: card(1) },
      { type: "paper", slot: 2, paper: card(2) },
      { type: "paper", slot: 3, paper: card(3) },
      {
        type: "context",
        content: [{ type: "text", text: "React with a keycap to vote · /papers top for the leaderboard" }],
      },
      {
        type: "actions",
        buttons: [{ kind: "link", text: "All of today's papers", url: "https://huggingface.co/papers" }],
      },
    ],
  };
  return renderSlackMessage(message);
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;

/** `calls` posts over `channels` channels, `concurrency` at a time; latency per call and CPU of this process. */
async function load(
  client: Client,
  body: { text: string; blocks: unknown[] },
  calls: number,
  concurrency: number,
) {
  const times = new Float64Array(calls);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < calls; i = next++) {
        const start = performance.now();
        await client.post(`C0BENCH${String(i % 50).padStart(3, "0")}`, body);
        times[i] = performance.now() - start;
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  times.sort();
  return {
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    perSecond: calls / (wallMs / 1000),
  };
}

/** One 429 (Retry-After: 1) on one channel while 9 others each post in a loop for 2.5 s. */
async function rateLimitScenario(
  client: Client,
  server: ChildProcess,
  body: { text: string; blocks: unknown[] },
) {
  await new Promise<void>((resolve) => {
    server.once("message", () => resolve());
    server.send("arm");
  });
  const t0 = performance.now();
  const limited = (async () => {
    await client.post(RATE_LIMITED, body);
    return performance.now() - t0;
  })();
  const others = await Promise.all(
    Array.from({ length: 9 }, async (_, c) => {
      const latencies: number[] = [];
      let doneInFirstSecond = 0;
      while (performance.now() - t0 < 2_500) {
        const start = performance.now();
        await client.post(`C0OTHER${String(c)}`, body);
        const end = performance.now();
        latencies.push(end - start);
        if (end - t0 < 1_000) doneInFirstSecond++;
      }
      return { worst: Math.max(...latencies), doneInFirstSecond, calls: latencies.length };
    }),
  );
  return {
    limitedMs: await limited,
    worstOtherMs: Math.max(...others.map((o) => o.worst)),
    otherCallsInFirstSecond: others.reduce((n, o) => n + o.doneInFirstSecond, 0),
    otherCalls: others.reduce((n, o) => n + o.calls, 0),
  };
}

const line = (label: string, value: string): void => console.log(`${`${label}:`.padEnd(44)}${value}`);
const loadAvg = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

async function main(): Promise<void> {
  line(
    "machine load (1/5/15 min) at start",
    `${loadAvg()}  (${cpus().length} CPUs)  ${new Date().toISOString()}`,
  );
  const server = fork(fileURLToPath(import.meta.url), ["--server"], { execArgv: ["--import", "tsx"] });
  try {
    const port = await new Promise<number>((resolve) =>
      server.once("message", (m: { port: number }) => resolve(m.port)),
    );
    const apiUrl = `http://127.0.0.1:${String(port)}/api/`;
    const body = digestBody();
    line("message", `${body.blocks.length} blocks, ${Buffer.byteLength(JSON.stringify(body))} bytes of JSON`);
    line(
      "load",
      `${CALLS} chat.postMessage × ${ROUNDS} rounds per client, ${CONCURRENCY} at a time, 50 channels`,
    );
    const all = clients(apiUrl);
    for (const client of all) await load(client, body, 300, CONCURRENCY); // warm-up: sockets, JIT
    const results = new Map<string, Awaited<ReturnType<typeof load>>[]>();
    for (let round = 0; round < ROUNDS; round++)
      for (let k = 0; k < all.length; k++) {
        const client = all[(k + round) % all.length] as Client;
        results.set(client.name, [
          ...(results.get(client.name) ?? []),
          await load(client, body, CALLS, CONCURRENCY),
        ]);
      }
    const pick = (name: string, f: (r: Awaited<ReturnType<typeof load>>) => number): number =>
      median((results.get(name) ?? []).map(f));
    const base = (all[0] as Client).name;
    for (const client of all) {
      const r = (f: (x: Awaited<ReturnType<typeof load>>) => number): string =>
        client.name === base ? "" : `  (${(pick(client.name, f) / pick(base, f)).toFixed(2)}x ours)`;
      line(`  ${client.name}`, "");
      line(
        "    CPU a call (this process)",
        `${pick(client.name, (x) => x.cpuUsPerCall).toFixed(0)} µs${r((x) => x.cpuUsPerCall)}`,
      );
      line(
        "    latency",
        `p50 ${pick(client.name, (x) => x.p50).toFixed(2)} ms${r((x) => x.p50)}  p99 ${pick(client.name, (x) => x.p99).toFixed(2)} ms${r((x) => x.p99)}`,
      );
      line(
        "    throughput",
        `${pick(client.name, (x) => x.perSecond).toFixed(0)} calls/s${r((x) => x.perSecond)}`,
      );
    }
    console.log("\none 429 (Retry-After: 1) on one channel; 9 other channels post in a loop for 2.5 s:");
    for (const client of all) {
      const r = await rateLimitScenario(client, server, body);
      line(
        `  ${client.name}`,
        `rate-limited call done after ${r.limitedMs.toFixed(0)} ms; other channels: worst call ${r.worstOtherMs.toFixed(0)} ms, ` +
          `${r.otherCallsInFirstSecond} calls done in the first second (${r.otherCalls} in 2.5 s)`,
      );
    }
    for (const client of all) client.close();
    line("machine load (1/5/15 min) at end", loadAvg());
  } finally {
    server.disconnect();
  }
}

if (process.argv[2] === "--server") serve();
else await main();
