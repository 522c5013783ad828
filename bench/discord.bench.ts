// Discord: time from INTERACTION_CREATE on the fake gateway to the defer callback at the fake REST, 200 at once.
import { request } from "node:http";
import { createDiscordPlatform } from "../adapters/discord/index.js";
import { silentLogger } from "../src/ops/logger.js";
import { startFakeDiscord, type RecordedRequest } from "../test/fakes/fake-discord.js";
import { createScriptedPaperboy } from "../test/fakes/scripted-paperboy.js";
import { chatInput, discordConfig } from "../test/adapters/discord/payloads.js";

const CONCURRENT = 200;
const ROUNDS = 5;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(2)} ms`;

const fake = await startFakeDiscord();
const discord = createDiscordPlatform(discordConfig(fake.apiUrl), {
  core: createScriptedPaperboy(),
  log: silentLogger,
});
await discord.start();

async function round(): Promise<number[]> {
  const payloads = Array.from({ length: CONCURRENT }, (_, i) =>
    chatInput(i % 2 === 0 ? "today" : "search", i % 2 === 0 ? {} : { query: "llama" }),
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const done = new Promise<void>((resolve) => {
    const listener = (r: RecordedRequest) => {
      const m = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(r.path);
      const start = m?.[1] !== undefined ? sentAt.get(m[1]) : undefined;
      if (start === undefined) return;
      latencies.push(r.receivedAt - start);
      if (latencies.length === CONCURRENT) {
        fake.events.off("request", listener);
        resolve();
      }
    };
    fake.events.on("request", listener);
  });
  for (const p of payloads) {
    sentAt.set(p.id, performance.now());
    fake.dispatch("INTERACTION_CREATE", p);
  }
  await done;
  // Let the edits finish before the next round.
  await new Promise((r) => setTimeout(r, 200));
  return latencies;
}

function rawPost(): Promise<number> {
  const url = new URL(`${fake.apiUrl}/v10/interactions/1/baseline/callback`);
  const body = JSON.stringify({ type: 5, data: { flags: 64 } });
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(performance.now() - start));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

await round(); // warm-up
const all: number[] = [];
for (let i = 0; i < ROUNDS; i++) all.push(...(await round()));
all.sort((a, b) => a - b);

const baseline: number[] = [];
await Promise.all(Array.from({ length: CONCURRENT }, () => rawPost())); // warm-up
for (let i = 0; i < ROUNDS; i++)
  baseline.push(...(await Promise.all(Array.from({ length: CONCURRENT }, () => rawPost()))));
baseline.sort((a, b) => a - b);

console.log(
  `INTERACTION_CREATE → defer callback, ${String(CONCURRENT)} concurrent × ${String(ROUNDS)} rounds (n=${String(all.length)})`,
);
console.log(`  p50 ${ms(pct(all, 50))}   p99 ${ms(pct(all, 99))}   max ${ms(all.at(-1) ?? NaN)}`);
console.log(
  `baseline: raw loopback HTTP POST to the same fake, ${String(CONCURRENT)} concurrent (n=${String(baseline.length)})`,
);
console.log(`  p50 ${ms(pct(baseline, 50))}   p99 ${ms(pct(baseline, 99))}`);
console.log(
  `ratio (p50 / baseline p50): ${(pct(all, 50) / pct(baseline, 50)).toFixed(1)}×   (p99: ${(pct(all, 99) / pct(baseline, 99)).toFixed(1)}×)`,
);

await discord.stop();
await fake.close();
