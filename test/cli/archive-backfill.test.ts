// `paperboy archive backfill`: the real CLI (a child process where signals or a terminal matter) against the loopback
// Hugging Face fake, on a real SQLite file: full run, idempotent re-run, Ctrl-C and resume, 500/429, plain lines vs bar.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../cli/paperboy.js";
import { createStore } from "../../src/storage/create-store.js";
import { datesFrom, serveDailyLists, type DailyLists } from "../fakes/daily-lists.js";
import { root, within } from "../fakes/main-process.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";

// Two weeks: Monday 2026-06-01 to Sunday 2026-06-14, ten weekdays with papers, four empty weekend days.
const FROM = "2026-06-01";
const TO = "2026-06-14";
const DAYS = datesFrom(FROM, TO);

let hf: PaperApiServer;
let lists: DailyLists;
let dir: string;
let storeUrl: string;
let n = 0;

beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());
beforeEach(() => {
  hf.reset();
  lists = serveDailyLists(hf, FROM);
  dir = mkdtempSync(join(tmpdir(), "paperboy-backfill-"));
  storeUrl = `sqlite://${join(dir, `store-${n++}.sqlite`)}`;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Child {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  out(): string;
  err(): string;
}

/** The `paperboy` command as a user runs it (its own process, stdout a pipe). */
function paperboy(args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      STORE_URL: storeUrl,
      HF_API_URL: hf.url,
      ARCHIVE_BACKFILL_PACE_MS: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, exited, out: () => out, err: () => err };
}

/** What the store holds afterwards: paper ids and the days recorded as filled. */
async function stored(): Promise<{ ids: string[]; days: string[] }> {
  const store = await createStore(storeUrl);
  try {
    const ids: string[] = [];
    for await (const batch of store.papers.scan(100)) ids.push(...batch.map(([key]) => key));
    const days = [...(await store.backfill.doneDays(FROM, TO)).keys()];
    return { ids: ids.sort(), days };
  } finally {
    await store.close();
  }
}

/** How many times each date was asked of Hugging Face. */
const askedDates = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const r of hf.requestsTo("/api/daily_papers"))
    if (r.query.date !== undefined) counts.set(r.query.date, (counts.get(r.query.date) ?? 0) + 1);
  return counts;
};

const expectedIds = (): string[] => [...lists.distinctIds(FROM, TO)].sort();

function io(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env: { STORE_URL: storeUrl, HF_API_URL: hf.url, ARCHIVE_BACKFILL_PACE_MS: "0", ...env },
    now: () => new Date("2026-11-29T12:00:00Z"),
    terminal: null,
  };
}

describe("paperboy archive backfill", () => {
  it("GIVEN two weeks THEN it asks for every day once, stores each listed paper once, and prints a plain line per day when stdout is not a terminal", async () => {
    const run = paperboy(["archive", "backfill", "--from", FROM, "--to", TO]);
    expect(await within(run.exited, 60_000, "the backfill")).toBe(0);
    const lines = run.out().trim().split("\n");
    expect(lines[0]).toBe(`Filling 14 days from ${FROM} to ${TO} from ${hf.url}, one day every 0 s.`);
    const dayLines = lines.filter((l) => /^\d{4}-\d{2}-\d{2} {2}/.test(l));
    expect(dayLines).toHaveLength(14);
    expect(dayLines[0]).toBe("2026-06-01  3 papers, 3 new  (1/14)");
    expect(dayLines[1]).toBe("2026-06-02  3 papers, 2 new  (2/14)"); // one paper listed again
    expect(dayLines[5]).toBe("2026-06-06  0 papers, 0 new  (6/14)"); // a Saturday
    expect(run.out()).not.toContain("\u001b["); // no cursor moves
    expect(run.out()).not.toMatch(/[█░]/); // no bar
    expect(lines.at(-1)).toMatch(/^Done\. 14 days filled: 30 papers, 21 new to the archive\./);
    expect([...askedDates().keys()].sort()).toEqual(DAYS);
    expect([...askedDates().values()].every((c) => c === 1)).toBe(true);
    const after = await stored();
    expect(after.ids).toEqual(expectedIds());
    expect(after.ids).toHaveLength(21);
    expect(after.days).toEqual(DAYS);
  }, 90_000);

  it("GIVEN a finished run THEN running it again asks Hugging Face nothing and adds nothing", async () => {
    expect(await paperboy(["archive", "backfill", "--from", FROM, "--to", TO]).exited).toBe(0);
    const first = await stored();
    hf.reset();
    lists = serveDailyLists(hf, FROM);
    const again = paperboy(["archive", "backfill", "--from", FROM, "--to", TO]);
    expect(await again.exited).toBe(0);
    expect(again.out()).toContain(
      `Nothing to do: all 14 days from ${FROM} to ${TO} are already in the archive.`,
    );
    expect(hf.requestsTo("/api/daily_papers")).toHaveLength(0);
    expect(await stored()).toEqual(first);
  }, 90_000);

  it("GIVEN Ctrl-C mid-way THEN it stops after the day in progress, says how to resume, and the resumed run completes with nothing asked or stored twice", async () => {
    // Each day takes ~150 ms upstream plus 150 ms of pacing, so the signal lands mid-run.
    lists = serveDailyLists(hf, FROM, { delayMs: 150 });
    const first = paperboy(["archive", "backfill", "--from", FROM, "--to", TO], {
      ARCHIVE_BACKFILL_PACE_MS: "150",
    });
    await within(
      new Promise<void>((done) => {
        const poll = setInterval(() => {
          if ((first.out().match(/\(\d+\/14\)/g) ?? []).length >= 3) {
            clearInterval(poll);
            done();
          }
        }, 20);
      }),
      60_000,
      "three days filled",
    );
    first.child.kill("SIGINT");
    expect(await within(first.exited, 20_000, "the interrupted run's exit")).toBe(130);
    expect(first.err()).toContain("Stopping after the day in progress");
    expect(first.out()).toMatch(/^Stopped\. \d+ days filled: /m);
    expect(first.out()).toContain(
      `Run the same command again to resume (filled days are skipped): paperboy archive backfill --from ${FROM} --to ${TO}`,
    );
    const partial = await stored();
    expect(partial.days.length).toBeGreaterThanOrEqual(3);
    expect(partial.days.length).toBeLessThan(14);
    // Every day recorded as filled has its papers stored: no gap behind the progress.
    for (const day of partial.days) for (const id of lists.idsOn(day)) expect(partial.ids).toContain(id);

    const second = paperboy(["archive", "backfill", "--from", FROM, "--to", TO]);
    expect(await within(second.exited, 60_000, "the resumed run")).toBe(0);
    expect(second.out()).toContain(`(${partial.days.length} days already filled)`);
    expect([...askedDates().keys()].sort()).toEqual(DAYS);
    expect([...askedDates().values()].every((c) => c === 1)).toBe(true);
    const after = await stored();
    expect(after.ids).toEqual(expectedIds());
    expect(after.days).toEqual(DAYS);
  }, 120_000);

  it("draws a progress bar when stdout is a terminal", async () => {
    // util-linux `script` runs the command on a pseudo-terminal; without it there is no terminal to test.
    if (spawnSync("script", ["--version"]).status !== 0) return;
    const command = `${process.execPath} --import tsx cli/main.ts archive backfill --from ${FROM} --to ${TO}`;
    const run = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        STORE_URL: storeUrl,
        HF_API_URL: hf.url,
        ARCHIVE_BACKFILL_PACE_MS: "0",
        TERM: "xterm",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    run.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const code = await within(
      new Promise<number | null>((done) => run.on("exit", (c) => done(c))),
      60_000,
      "the backfill on a terminal",
    );
    expect(code, out).toBe(0);
    expect(out).toMatch(/█+.* 14\/14 days \| 2026-06-14 \| 30 papers, 21 new/);
    expect(out).not.toMatch(/^2026-06-01 {2}3 papers/m); // the bar replaces the plain lines
  }, 90_000);
});

describe("paperboy archive backfill: errors", () => {
  it.each([
    [["archive", "backfill"], "give --from YYYY-MM-DD, e.g. --from "],
    [["archive", "backfill", "--from", "2025-02-30"], "--from must be a date YYYY-MM-DD, e.g. --from"],
    [["archive", "backfill", "--from", "June 1"], '(got "June 1")'],
    [
      ["archive", "backfill", "--from", "2026-06-10", "--to", "2026-06-01"],
      "--to 2026-06-01 is before --from 2026-06-10",
    ],
    [["archive", "backfill", "--from", "2022-01-01"], "is before the first Daily Papers list (2023-05-04)"],
    [
      ["archive", "backfill", "--from", "2026-06-01", "--to", "2027-01-01"],
      "--to 2027-01-01 is after the last closed Daily Papers list (2026-11-28)",
    ],
    [["archive", "frobnicate"], 'unknown archive command "frobnicate"'],
    [["archive", "backfill", "--from", "2026-06-01", "--days", "3"], "Unknown option '--days'"],
  ])("GIVEN %j THEN it exits 2 with a clear message and asks nothing", async (argv, message) => {
    const cli = io();
    expect(await runCli(argv, cli)).toBe(2);
    expect(cli.stderr.join("\n")).toContain(message);
    expect(cli.stderr.join("\n")).toContain("paperboy archive backfill --from YYYY-MM-DD");
    expect(hf.requests).toHaveLength(0);
  });

  it("GIVEN Hugging Face unreachable THEN it names the URL, keeps nothing half-done and says how to resume", async () => {
    const cli = io({ HF_API_URL: "http://127.0.0.1:9" });
    expect(await runCli(["archive", "backfill", "--from", FROM, "--to", "2026-06-02"], cli)).toBe(1);
    const err = cli.stderr.join("\n");
    expect(err).toMatch(/Hugging Face cannot be reached at http:\/\/127\.0\.0\.1:9: network error/);
    expect(err).toContain("0 of 2 days are filled (kept)");
    expect(err).toContain(
      `resume (filled days are skipped): paperboy archive backfill --from ${FROM} --to 2026-06-02`,
    );
    expect((await stored()).days).toEqual([]);
  }, 60_000);

  it("GIVEN a day that keeps failing with HTTP 500 THEN the days before it are kept and the next run fills the rest", async () => {
    let down = true;
    lists = serveDailyLists(hf, FROM, {
      override: (date) =>
        down && date === "2026-06-03" ? { status: 500, json: { error: "boom" } } : undefined,
    });
    const cli = io();
    expect(await runCli(["archive", "backfill", "--from", FROM, "--to", "2026-06-05"], cli)).toBe(1);
    const err = cli.stderr.join("\n");
    expect(err).toContain(`Hugging Face cannot be reached at ${hf.url}: HTTP 500 after 4 attempts`);
    expect(err).toContain("2 of 5 days are filled (kept)");
    expect((await stored()).days).toEqual(["2026-06-01", "2026-06-02"]);

    down = false;
    const again = io();
    expect(await runCli(["archive", "backfill", "--from", FROM, "--to", "2026-06-05"], again)).toBe(0);
    expect(again.stdout.join("\n")).toContain("(2 days already filled)");
    expect((await stored()).days).toEqual([
      "2026-06-01",
      "2026-06-02",
      "2026-06-03",
      "2026-06-04",
      "2026-06-05",
    ]);
    expect(askedDates().get("2026-06-01")).toBe(1);
  }, 60_000);

  it("GIVEN a 429 with RateLimit t=1 THEN it waits as asked and goes on", async () => {
    lists = serveDailyLists(hf, FROM, {
      override: (date, attempt) =>
        date === FROM && attempt === 1
          ? {
              status: 429,
              headers: { ratelimit: '"api";r=0;t=1', "ratelimit-policy": '"fixed window";"api";q=500;w=300' },
              json: { error: "rate limited" },
            }
          : undefined,
    });
    const cli = io();
    expect(await runCli(["archive", "backfill", "--from", FROM, "--to", "2026-06-03"], cli)).toBe(0);
    const [limited, retried] = hf.requestsTo("/api/daily_papers").filter((r) => r.query.date === FROM);
    expect(retried!.time - limited!.time).toBeGreaterThanOrEqual(1_000); // the wait the 429 asked for
    expect(askedDates().get(FROM)).toBe(2);
    expect((await stored()).days).toEqual(["2026-06-01", "2026-06-02", "2026-06-03"]);
    expect(cli.stdout.join("\n")).toContain("Done. 3 days filled: 9 papers, 7 new to the archive.");
  }, 60_000);
});
