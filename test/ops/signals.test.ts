// One signal is one signal: `npm start` signalled as a process group (a terminal's Ctrl-C, `kill -- -PGID`) mid fan-out
// drains once (no early "exit now" from the same signal arriving twice), and the next start posts the rest: nothing lost.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import { type Subscription } from "../../src/subscriptions/subscription.js";

import { useMainWorld, freePort, startMain, within } from "../fakes/main-process.js";
import { dailySubscription } from "../fakes/subscriptions.js";

const TEAM = "T0SIGNAL";
const TOKEN = "xoxb-signal-test";
const CHANNELS = 300;

const world = useMainWorld({
  prefix: "signals",
  team: TEAM,
  token: TOKEN,
  botUserId: "U0SIGBOT",
  botId: "B0SIG",
  postLatencyMs: 400,
});

/** True while any process of the group `pgid` lives. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, probe: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what} did not happen within ${String(ms)} ms:\n${world.running?.output().slice(-3_000) ?? ""}`,
  );
}

describe.each(["SIGTERM", "SIGINT"] as const)(
  "`npm start` given %s as a process group mid fan-out",
  (signal) => {
    it(`GIVEN 300 channels posting slowly WHEN the group gets ${signal} THEN in-flight digests finish, it drains once without an early exit, and the next start posts the rest once`, async () => {
      const storeUrl = `sqlite://${join(world.dir, `${signal}.sqlite`)}`;
      const store = await createStore(storeUrl, { owner: "seed" });
      const subs = Array.from({ length: CHANNELS }, (_, i): Subscription => {
        const channel = channelRef("slack", TEAM, `C0${signal}${String(i).padStart(4, "0")}`);
        return dailySubscription(channel);
      });
      for (const s of subs) await store.subscriptions.put(s);
      await store.close();
      const counts = () => subs.map((s) => world.slack.messagesIn(s.channel.channel, TEAM).length);
      const env = async () => ({
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: "signal-test-signing-secret",
        SLACK_API_URL: world.slack.apiUrl,
        HF_API_URL: world.hf.url,
        ARXIV_API_URL: world.hf.arxivUrl,
        STORE_URL: storeUrl,
        PORT: String(await freePort()),
        SLACK_REACTIONS_PER_MINUTE: "100000",
        LOG_LEVEL: "info",
      });

      world.running = startMain(await env(), { via: "npm" });
      await until("100 messages", () => counts().reduce((a, b) => a + b, 0) >= 100, 60_000);
      const pid = world.running.child.pid;
      if (pid === undefined) throw new Error("npm did not start");
      // The group gets it (npm and node), and a relay (tsx, an older npm, a supervisor) delivers it again at once.
      process.kill(-pid, signal);
      await new Promise((r) => setTimeout(r, 30));
      process.kill(-pid, signal);
      // npm itself leaves at once; node drains and exits on its own: wait until nothing of the group is left.
      await within(world.running.exited, 45_000, `npm's exit after ${signal}`);
      await until("the process group to end", () => !groupAlive(pid), 45_000);
      const output = world.running.output();
      expect(output).toContain("shutdown complete");
      expect(output).not.toContain("exiting now");
      // Drained: every digest it had started is finished and recorded; none is doubled.
      const after = await createStore(storeUrl, { owner: "reader" });
      expect(await after.deliveries.open()).toEqual([]);
      await after.close();
      expect(counts().filter((n) => n > 1)).toEqual([]);

      world.running = startMain(await env(), { via: "npm" });
      await until("every channel posted", () => counts().every((n) => n >= 1), 60_000);
      await new Promise((r) => setTimeout(r, 2_000)); // more ticks: nothing posted again
      expect(counts().filter((n) => n !== 1)).toEqual([]);
    }, 150_000);
  },
);
