// The service fills its archive in the background: the real main process (Slack HTTP mode, SQLite file) answers a
// command while the backfill still runs, ends up with every day of ARCHIVE_BACKFILL_DAYS filled, and a restart asks
// Hugging Face for none of them again.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addDays, lastCompletedBatchDate } from "../../src/sources/ny-date.js";
import { createStore } from "../../src/storage/create-store.js";
import { commandBody, postSigned, SIGNING_SECRET } from "../adapters/slack/slack-harness.js";
import { datesFrom, serveDailyLists } from "../fakes/daily-lists.js";
import { freePort, pollUntil, startMain, useMainWorld } from "../fakes/main-process.js";

const TEAM = "T0001ACME";
const TOKEN = "xoxb-backfill-test";
const DAYS = 8;

const world = useMainWorld({
  prefix: "backfill",
  team: TEAM,
  token: TOKEN,
  botUserId: "U0BFBOT",
  botId: "B0BF",
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${what} did not happen within ${String(ms)} ms:\n${world.running?.output().slice(-3_000) ?? ""}`,
  );
}

describe("the service's background backfill", () => {
  it(`GIVEN ARCHIVE_BACKFILL_DAYS=${DAYS} on a fresh store THEN a command is answered before the backfill finishes, every day ends up filled, and a restart fills nothing twice`, async () => {
    const to = lastCompletedBatchDate(new Date());
    const from = addDays(to, -(DAYS - 1));
    const days = datesFrom(from, to);
    // Each day's list answers after 500 ms, and days are 1 s apart: the backfill takes well over 10 s.
    const lists = serveDailyLists(world.hf, from, { delayMs: 500 });
    const storeUrl = `sqlite://${join(world.dir, "service.sqlite")}`;
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: world.slack.apiUrl,
      HF_API_URL: world.hf.url,
      ARXIV_API_URL: world.hf.arxivUrl,
      STORE_URL: storeUrl,
      PORT: String(port),
      ARCHIVE_BACKFILL_DAYS: String(DAYS),
      ARCHIVE_BACKFILL_PACE_MS: "1000",
      LOG_LEVEL: "info",
    };
    const filledDays = async (): Promise<string[]> => {
      const store = await createStore(storeUrl, { owner: "reader" });
      try {
        return [...(await store.backfill.doneDays(from, to)).keys()];
      } finally {
        await store.close();
      }
    };
    const dailyAsked = () =>
      world.hf
        .requestsTo("/api/daily_papers")
        .filter((r) => r.query.date !== undefined && days.includes(r.query.date));

    world.running = startMain(env);
    await pollUntil(`http://127.0.0.1:${port}/healthz`, (a) => a.status === 200, 30_000, world.running);
    const res = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      commandBody({ text: "help", team_id: TEAM, response_url: world.slack.responseUrl("backfill-help") }),
      "application/x-www-form-urlencoded",
    );
    expect(res.status).toBe(200);
    await until(
      "the answer to /papers help",
      async () => world.slack.responses.find((r) => r.id === "backfill-help") ?? undefined,
      15_000,
    );
    // Answered while Hugging Face was still being asked for the older days.
    expect((await filledDays()).length).toBeLessThan(DAYS);

    await until(
      "every day filled",
      async () => ((await filledDays()).length === DAYS ? true : undefined),
      60_000,
    );
    expect(await filledDays()).toEqual(days);
    const store = await createStore(storeUrl, { owner: "reader" });
    const stored = (await store.papers.getMany([...lists.distinctIds(from, to)] as never[])).filter(Boolean);
    await store.close();
    expect(stored).toHaveLength(lists.distinctIds(from, to).size);
    expect(
      dailyAsked()
        .map((r) => r.query.date)
        .sort(),
    ).toEqual(days);

    // A later start: every day is recorded as filled, so none is asked for again.
    world.running.child.kill("SIGTERM");
    await world.running.exited;
    const asked = dailyAsked().length;
    world.running = startMain(env);
    await pollUntil(`http://127.0.0.1:${port}/healthz`, (a) => a.status === 200, 30_000, world.running);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(dailyAsked()).toHaveLength(asked);
  }, 150_000);
});
