// Thread updates end to end on the real core and a SQLite file: a digest of the recorded Friday, then the next day's
// Hugging Face week list (derived from the recording) shows a posted paper with code → one reply in its thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFakePlatform, type FakePlatform, type SentMessage } from "../fakes/fake-platform.js";
import {
  FIXTURES,
  readFixture,
  RECORDED_BATCH,
  recordedJson,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";
import { createClock, EVERY_DAY_1700, NOW, startBot, type Bot } from "../scheduler/harness.js";

/** Papers of the recorded batch a top-5 digest shows: without code (25 and 18 upvotes) and one with 74 upvotes. */
const NO_CODE = "2606.13289";
const NO_CODE_2 = "2606.13106";
const AT_74 = "2606.08063";
/** Sunday 14 June, the day after the digest: the same ISO week (2026-W24). */
const NEXT_DAY = "2026-06-14T10:00:00Z";

interface RecordedItem {
  paper: { id: string; title: string; upvotes: number; githubRepo?: string };
  title: string;
}

/** The recorded batch as Hugging Face would show it a day later: `change` applied to the named papers. */
function nextDayBatch(changes: Record<string, (item: RecordedItem) => void>): unknown[] {
  const items = recordedJson(FIXTURES.daily) as RecordedItem[];
  for (const item of items) changes[item.paper.id]?.(item);
  return items;
}
const releasesCode = (repo: string) => (item: RecordedItem) => {
  item.paper.githubRepo = repo;
};
const upvotedTo = (n: number) => (item: RecordedItem) => {
  item.paper.upvotes = n;
};

let hf: PaperApiServer;
beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());

let dir: string;
let channels: FakePlatform;
const running: Bot[] = [];
beforeEach(() => {
  hf.reset();
  dir = mkdtempSync(join(tmpdir(), "paperboy-updates-"));
  channels = createFakePlatform({ id: "console" });
});
afterEach(async () => {
  for (const bot of running.splice(0)) await bot.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A process on the test's SQLite file, posting into the one fake channel list (message ids go on across restarts). */
async function boot(at: string): Promise<Bot> {
  const bot = await startBot(hf, {
    clock: createClock(at),
    storeUrl: `sqlite://${join(dir, "paperboy.sqlite")}`,
    platform: channels,
  });
  running.push(bot);
  return bot;
}

/** The hourly poll (watches and thread updates), as its cron would fire it, and the queue drained. */
async function hourly(bot: Bot): Promise<void> {
  await bot.scheduler.fire("watch-poll", bot.clock.now());
  await bot.core.queue.idle();
}

/** Serves the week list of the recorded batch with the next day's changes. */
function serveNextDay(changes: Record<string, (item: RecordedItem) => void>): void {
  const batch = nextDayBatch(changes);
  hf.respond("GET /api/daily_papers", (req) =>
    req.query.week === RECORDED_BATCH.week ? { json: batch } : undefined,
  );
}

const replies = (): SentMessage[] => channels.sent.filter((s) => s.message.replyTo !== undefined);
const paperIdsOf = (sent: SentMessage): string[] =>
  sent.message.blocks.flatMap((b) => (b.type === "paper" ? [b.paper.id] : []));

/** Day one: the recorded Friday's digest in `layout`, with the extra subscribe options. */
async function postFriday(options = ""): Promise<Bot> {
  const bot = await boot(NOW);
  await bot.subscribe(`daily cron "${EVERY_DAY_1700}" ${options}`.trim());
  await bot.fire(EVERY_DAY_1700);
  expect(channels.sent.length).toBeGreaterThan(0);
  return bot;
}

describe("thread updates on posted papers", () => {
  it("GIVEN a compact digest and a paper that releases code the next day THEN one reply in the digest's thread names it, once, also after a restart", async () => {
    const day1 = await postFriday();
    const [digest] = channels.sent;
    expect(paperIdsOf(digest!)).toContain(NO_CODE);
    await day1.stop();

    serveNextDay({ [NO_CODE]: releasesCode("https://github.com/acme/tool") });
    const day2 = await boot(NEXT_DAY);
    const asked = hf.requests.length;
    await hourly(day2);
    expect(replies()).toHaveLength(1);
    const [reply] = replies();
    expect(reply?.message.replyTo).toBe(digest?.ref.id);
    expect(reply?.message.fallbackText).toMatch(
      /^Update: .+ \(\d️⃣\) released its code: github\.com\/acme\/tool$/,
    );
    expect(reply?.message.blocks).toContainEqual(
      expect.objectContaining({
        content: expect.arrayContaining([
          { type: "link", text: "github.com/acme/tool", url: "https://github.com/acme/tool" },
        ]),
      }),
    );
    // Only the week list was asked for: no request per paper.
    expect(hf.requestsTo("/api/papers/" + NO_CODE)).toHaveLength(0);
    expect(hf.requests.slice(asked).map((r) => [r.path, r.query.week])).toEqual([
      ["/api/daily_papers", RECORDED_BATCH.week],
    ]);

    // An hour later, and in a process started afterwards, the same list is no news.
    day2.clock.advance(60 * 60_000);
    await hourly(day2);
    await day2.stop();
    const day3 = await boot("2026-06-14T13:00:00Z");
    await hourly(day3);
    expect(replies()).toHaveLength(1);
  });

  it("GIVEN the process dies after the reply was marked posting THEN the next one reads the thread back and does not reply twice", async () => {
    const day1 = await postFriday();
    await day1.stop();
    serveNextDay({ [NO_CODE]: releasesCode("https://github.com/acme/tool") });
    const day2 = await boot(NEXT_DAY);
    // The reply reaches the channel, but its answer is lost: the ledger stays "posting".
    channels.nextOnce({ kind: "sent-but-lost" });
    await hourly(day2);
    await day2.crash();
    expect(replies()).toHaveLength(1);
    const restarted = await boot("2026-06-14T10:05:00Z");
    await hourly(restarted);
    expect(replies()).toHaveLength(1);
  });

  it("GIVEN a channel that turned updates off THEN no reply, and settings says so", async () => {
    const day1 = await postFriday("updates off");
    expect(await day1.settings()).toContain("Thread updates: off");
    await day1.stop();
    serveNextDay({ [NO_CODE]: releasesCode("https://github.com/acme/tool") });
    const day2 = await boot(NEXT_DAY);
    await hourly(day2);
    expect(replies()).toEqual([]);
  });

  it("GIVEN updates turned off after the digest THEN the waiting updates are dropped without a reply", async () => {
    const day1 = await postFriday();
    expect(await day1.settings()).toContain(
      "Thread updates: on (code released, new arXiv version, 100 upvotes)",
    );
    await day1.subscribe(`daily updates off`);
    await day1.stop();
    serveNextDay({ [NO_CODE]: releasesCode("https://github.com/acme/tool") });
    const day2 = await boot(NEXT_DAY);
    await hourly(day2);
    await day2.subscribe(`daily updates on`);
    day2.clock.advance(60 * 60_000);
    await hourly(day2);
    expect(replies()).toEqual([]);
  });

  it("GIVEN cards and several updates in one hour THEN one reply names them all, in the cards header's thread; a later one waits for the next hour", async () => {
    const day1 = await postFriday("layout cards");
    const [header] = channels.sent;
    await day1.stop();
    serveNextDay({ [NO_CODE]: releasesCode("https://github.com/acme/tool"), [AT_74]: upvotedTo(120) });
    const day2 = await boot(NEXT_DAY);
    await hourly(day2);
    expect(replies()).toHaveLength(1);
    const [collapsed] = replies();
    expect(collapsed?.message.replyTo).toBe(header?.ref.id);
    expect(collapsed?.message.fallbackText).toMatch(
      /^Updates: .+ (released its code: github\.com\/acme\/tool|passed 100 upvotes on Hugging Face); .+ (released its code: github\.com\/acme\/tool|passed 100 upvotes on Hugging Face)$/,
    );
    expect(collapsed?.message.fallbackText).toContain("released its code");
    expect(collapsed?.message.fallbackText).toContain("passed 100 upvotes");

    // Another paper releases code within the same hour: no second reply this hour, one in the next.
    serveNextDay({
      [NO_CODE]: releasesCode("https://github.com/acme/tool"),
      [AT_74]: upvotedTo(120),
      [NO_CODE_2]: releasesCode("https://github.com/acme/other"),
    });
    day2.clock.advance(20 * 60_000);
    await hourly(day2);
    expect(replies()).toHaveLength(1);
    day2.clock.advance(60 * 60_000);
    await hourly(day2);
    expect(replies()).toHaveLength(2);
    const card = channels.sent.find((s) => paperIdsOf(s).includes(NO_CODE_2));
    expect(replies()[1]?.message.replyTo).toBe(card?.ref.id);
    expect(replies()[1]?.message.fallbackText).toMatch(
      /^Update: .+ released its code: github\.com\/acme\/other$/,
    );
  });

  it("GIVEN a channel milestone of 50 THEN passing 50 is news and the reply says so", async () => {
    const day1 = await postFriday("updates 50 layout cards");
    await day1.stop();
    serveNextDay({ [NO_CODE]: upvotedTo(51) });
    const day2 = await boot(NEXT_DAY);
    await hourly(day2);
    const card = channels.sent.find((s) => paperIdsOf(s).includes(NO_CODE));
    expect(
      replies().map((r) => [r.message.replyTo, /passed 50 upvotes/.test(r.message.fallbackText)]),
    ).toEqual([[card?.ref.id, true]]);
  });

  it("GIVEN an arXiv subscription's paper and a later listing with its v2 THEN the reply names the new version", async () => {
    const day1 = await boot(NOW);
    await day1.subscribe(`arxiv:cs.LG cron "${EVERY_DAY_1700}" layout cards`);
    await day1.fire(EVERY_DAY_1700);
    const card = channels.sent.find((s) => paperIdsOf(s).includes("2606.13677"));
    expect(card).toBeDefined();
    await day1.stop();
    // The next day's listing (what the subscription fetches anyway) shows the paper at version 2.
    const revised = readFixture(FIXTURES.arxiv).replace(
      "<id>http://arxiv.org/abs/2606.13677v1</id>",
      "<id>http://arxiv.org/abs/2606.13677v2</id>",
    );
    hf.respond("GET /api/query", { body: revised, headers: { "content-type": "application/atom+xml" } });
    const day2 = await boot("2026-06-14T15:00:00Z");
    await day2.fire(EVERY_DAY_1700);
    await hourly(day2);
    expect(replies().map((r) => [r.message.replyTo, r.message.fallbackText])).toEqual([
      [card?.ref.id, expect.stringMatching(/^Update: .+ has a new arXiv version \(v2\)$/)],
    ]);
  });
});
