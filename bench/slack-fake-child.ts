// Child process for bench/slack.bench.ts: runs the fake Slack Web API (and the loopback HF fake) on its own core; stats over IPC.
import { startFakeSlackApi, type FakeWorkspace } from "../test/fakes/fake-slack-api.js";
import { startPaperApiServer } from "../test/fakes/paper-api-server.js";

const workspaces = Number(process.env.BENCH_WORKSPACES ?? "10");
const fake = await startFakeSlackApi();
const interval = Number(process.env.BENCH_INTERVAL_MS ?? "1000");
fake.perChannelIntervalMs = interval > 0 ? interval : undefined;
// Reactions are not what this bench measures (see slack.bench.ts): lift Tier 3 in the fake.
fake.reactionsPerMinute = 1_000_000;
fake.reactionBurst = 1_000_000;
for (let w = 0; w < workspaces; w++) {
  fake.addWorkspace({
    token: `xoxb-bench-${String(w)}`,
    teamId: `T0BENCH${String(w)}`,
    botUserId: `U0BOT${String(w)}`,
    botId: `B0BOT${String(w)}`,
  });
}
if (process.env.BENCH_EXTRA_WORKSPACE !== undefined)
  fake.addWorkspace(JSON.parse(process.env.BENCH_EXTRA_WORKSPACE) as FakeWorkspace);
/** Per-channel gaps between consecutive chat.postMessage arrivals, and when each channel's first post arrived. */
function pacing() {
  const byChannel = new Map<string, number[]>();
  for (const c of fake.calls) {
    if (c.method !== "chat.postMessage") continue;
    const key = `${c.token ?? ""}:${String(c.args.channel)}`;
    const list = byChannel.get(key) ?? [];
    list.push(c.at);
    byChannel.set(key, list);
  }
  const gaps: number[] = [];
  const firsts: number[] = [];
  for (const list of byChannel.values()) {
    firsts.push(list[0]!);
    for (let i = 1; i < list.length; i++) gaps.push(list[i]! - list[i - 1]!);
  }
  const t0 = Math.min(...firsts);
  return {
    minGapMs: gaps.length > 0 ? Math.min(...gaps) : 0,
    meanGapMs: gaps.length > 0 ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
    firstPostSpreadMs: firsts.length > 0 ? Math.max(...firsts) - t0 : 0,
  };
}

process.on("message", (msg: unknown) => {
  if (msg === "stats") {
    process.send?.({
      ...pacing(),
      posts: fake.calls.filter((c) => c.method === "chat.postMessage").length,
      reactions: fake.calls.filter((c) => c.method === "reactions.add").length,
      responses: fake.responses.length,
      violations: fake.rateViolations,
    });
  } else if (msg === "reset") {
    fake.calls.length = 0;
    fake.responses.length = 0;
    fake.rateViolations = 0;
  } else if (msg === "stop") {
    void Promise.all([fake.close(), hf.close()]).then(() => process.exit(0));
  }
});
const hf = await startPaperApiServer();
process.send?.({ apiUrl: fake.apiUrl, origin: fake.origin, hfUrl: hf.url, arxivUrl: hf.arxivUrl });
