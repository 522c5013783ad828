// The console in its own words, with the real core behind it: no Slack markup or reactions, votes typed as +N / -N,
// `share N` for a search result, and answers that say what happened to the user's vote.
import { PassThrough, Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createConsolePlatform, type ConsolePlatformAdapter } from "../../../adapters/console/index.js";
import type { Paperboy } from "../../../src/index.js";
import { loadConfig } from "../../../src/index.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { createRealCore, NOW, type RealCore } from "../real-core.js";

let hf: PaperApiServer;
let real: RealCore;
let adapter: ConsolePlatformAdapter;
let input: PassThrough;
/** Every write the console made: one per printed message or answer. */
let printed: string[];
let handled: (() => void)[];

beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(async () => {
  await hf.close();
});

beforeEach(async () => {
  hf.reset();
  real = await createRealCore(hf);
  printed = [];
  handled = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      printed.push(chunk.toString("utf8"));
      done();
    },
  });
  input = new PassThrough();
  // The console prints right after the core answers: a macrotask after the core settles, it has.
  const settle = <T>(work: Promise<T>): Promise<T> =>
    work.finally(() =>
      setImmediate(() => {
        for (const resolve of handled.splice(0)) resolve();
      }),
    );
  const core = real.core.paperboy;
  const paperboy: Paperboy = {
    ...core,
    handleCommand: (request) => settle(core.handleCommand(request)),
    handleReaction: (event, options) => settle(core.handleReaction(event, options)),
    handleAction: (action) => settle(core.handleAction(action)),
  };
  let started: () => void = () => undefined;
  adapter = createConsolePlatform(loadConfig({ STORE_URL: "memory://" }), {
    core: paperboy,
    now: () => NOW,
    coreStarted: new Promise<void>((resolve) => (started = resolve)),
    input,
    output,
  });
  real.core.paperboy.registerPlatform(adapter.platform);
  const greeted = new Promise<void>((resolve) => handled.push(resolve));
  await adapter.start();
  await real.core.start();
  started();
  await greeted;
});
afterEach(async () => {
  input.end();
  await adapter.stop();
  await adapter.ended;
  await real.close();
});

/** Types a line; resolves with everything the console printed in answer. */
async function type(line: string): Promise<string> {
  const from = printed.length;
  const answered = new Promise<void>((resolve) => handled.push(resolve));
  input.write(`${line}\n`);
  await answered;
  return printed.slice(from).join("");
}

/** Types a line the console answers by itself (no core call): resolves with its next write. */
async function typeLocal(line: string): Promise<string> {
  const from = printed.length;
  input.write(`${line}\n`);
  for (let i = 0; i < 200 && printed.length === from; i++) await new Promise((r) => setTimeout(r, 5));
  return printed.slice(from).join("");
}

/** What chat platforms say and the console must not. */
const SLACK_SPEAK = /`|react|1️⃣|Share to channel|to the channel/i;

describe("the console's own words", () => {
  it("GIVEN /papers today THEN the digest and the answer say to type +N, with no backticks, keycaps or reactions", async () => {
    const out = await type("/papers today");
    expect(out).toContain("Type +1 … +5 to vote for a paper");
    expect(out).toContain("5 papers above; type +1 … +5 to vote for one.");
    expect(out).not.toMatch(SLACK_SPEAK);
    expect(out).toContain(
      "+25 more on Hugging Face: Fri 12 June <https://huggingface.co/papers/date/2026-06-12>",
    );
  });

  it("GIVEN a week Hugging Face has no papers for yet THEN /papers week says so, not 'since the last digest'", async () => {
    hf.respond("GET /api/daily_papers", (req) => (req.query.week !== undefined ? { json: [] } : undefined));
    const out = await type("/papers week");
    expect(out).toContain("No papers trended on Hugging Face this week yet.");
    expect(out).not.toContain("since the last digest");
  });

  it("GIVEN /papers week THEN its '+25 more' points to Hugging Face's page of the week, not to itself", async () => {
    const out = await type("/papers week");
    expect(out).toContain("+25 more on Hugging Face: 2026-W24 <https://huggingface.co/papers/week/2026-W24>");
    expect(out).not.toMatch(/more: \/papers/);
  });

  it("GIVEN /papers help THEN the commands print without backticks", async () => {
    const out = await type("/papers help");
    expect(out).toContain("/papers today — ");
    expect(out).not.toContain("`");
  });

  it("GIVEN nobody voted THEN /papers top says how to vote in the console", async () => {
    const out = await type("/papers top");
    expect(out).toContain("No votes yet this week — type +N to vote for paper N of the last digest.");
    expect(out).not.toMatch(SLACK_SPEAK);
  });

  it("GIVEN a search THEN each result offers `share N`; share 2 posts result 2 here, +1 votes for it and -1 takes it back", async () => {
    const found = await type("/papers kazakh");
    expect(found).not.toMatch(SLACK_SPEAK);
    expect(found).not.toContain("[");
    for (const n of [1, 2, 3, 4, 5])
      expect(found).toContain(`   share ${String(n)} — post it here for votes`);
    // The id of result 2, from its Hugging Face link printed under it.
    const second = found.split(/\n(?=2\. )/)[1] ?? "";
    const id = /huggingface\.co\/papers\/(\d{4}\.\d{4,5})/.exec(second)?.[1];
    expect(id).toMatch(/^\d{4}\.\d{4,5}$/);
    const shared = await type("share 2");
    expect(shared).toContain(`https://huggingface.co/papers/${id!}`);
    expect(shared).toMatch(/Shared “.+”; type \+1 to vote for it\./);
    expect(shared).not.toMatch(SLACK_SPEAK);
    expect(await type("+1")).toBe(`Voted for the shared paper (${id!}): 1 vote.\n`);
    expect(await type("/papers top")).toContain(id!);
    expect(await type("-1")).toBe(`Took back your vote for the shared paper (${id!}): 0 votes left.\n`);
    expect(await type("-1")).toBe(`You had not voted for the shared paper (${id!}); nothing to take back.\n`);
  });

  it("GIVEN share N before any search or past the results THEN it says what to do", async () => {
    expect(await typeLocal("share 2")).toContain("Nothing to share yet: search first");
    await type("/papers kazakh");
    expect(await typeLocal("share 9")).toContain("The last search has no result 9");
  });

  it("GIVEN a vote in one digest THEN -N in the next says what became of it, and a repeated +N says it already counts", async () => {
    const today = await type("/papers today");
    const third = /\n3\. [^\n]+/.exec(today)?.[0];
    expect(await type("+3")).toMatch(/^Voted for paper 3 \(\d{4}\.\d{5}\): 1 vote\.\n$/);
    // /papers week holds the same batch, so its paper 3 is today's paper 3; its paper 4 was never voted for.
    const week = await type("/papers week");
    expect(/\n3\. [^\n]+/.exec(week)?.[0]).toBe(third);
    expect(await type("+3")).toMatch(/^You already vote for paper 3 \(\d{4}\.\d{5}\): 1 vote\.\n$/);
    expect(await type("-4")).toMatch(
      /^You had not voted for paper 4 \(\d{4}\.\d{5}\) of the last digest; nothing to take back\.\n$/,
    );
    expect(await type("-3")).toMatch(
      /^Your vote for paper 3 \(\d{4}\.\d{5}\) stays: you voted for it on another post too\.\n$/,
    );
    expect(await type("/papers top")).toMatch(/team votes 1\n/);
  });
});
