// The real `src/main.ts` (or `npm start`) as a child process: start it with an environment, wait for HTTP answers, kill it.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startFakeSlackApi, type FakeSlackApi } from "./fake-slack-api.js";
import { FIXTURES, readFixture, startPaperApiServer, type PaperApiServer } from "./paper-api-server.js";

export const root = resolve(import.meta.dirname, "../..");

export interface RunningMain {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * Starts paperboy's composition root with `env` (plus PATH and LOG_LEVEL=warn). `via: "npm"` runs `npm start` in
 * its own process group (`detached`), so a test can signal the whole group as a terminal or `kill -- -PGID` does.
 */
export function startMain(env: Record<string, string>, options: { via?: "node" | "npm" } = {}): RunningMain {
  const npm = options.via === "npm";
  const child = spawn(
    npm ? "npm" : process.execPath,
    npm ? ["start", "--silent"] : ["--import", "tsx", "src/main.ts"],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: npm,
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on("exit", (code, signal) => done({ code, signal }));
  });
  return { child, exited, output: () => output };
}

/** A port nothing listens on right now: bind 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Resolves with `work`, or rejects after `ms` naming `what` (e.g. a hung shutdown). */
export function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${String(ms)} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined; // not listening (yet, or any more)
  }
}

/** Polls `url` every 100 ms until `accept` holds, for at most `ms`; resolves with the last answer. */
export async function pollUntil(
  url: string,
  accept: (answer: { status: number; body: string }) => boolean,
  ms: number,
  main: RunningMain,
): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + ms;
  let last: { status: number; body: string } | undefined;
  while (Date.now() < deadline) {
    last = await get(url);
    if (last && accept(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `GET ${url} never matched; last answer ${JSON.stringify(last)}; child output:\n${main.output()}`,
  );
}

/** Kills a main process (and, for npm, its whole group) for good; resolves once it has exited. */
export async function killHard(main: RunningMain): Promise<void> {
  if (main.child.exitCode !== null || main.child.signalCode !== null) return;
  try {
    if (main.child.pid !== undefined) process.kill(-main.child.pid, "SIGKILL");
  } catch {
    main.child.kill("SIGKILL");
  }
  main.child.kill("SIGKILL");
  await main.exited;
}

/** What a real main process runs against: Hugging Face replaying the recorded day, one Slack workspace, a temp dir. */
export interface MainWorld {
  readonly hf: PaperApiServer;
  readonly slack: FakeSlackApi;
  readonly dir: string;
  /** The process under test; killed after each test. */
  running: RunningMain | undefined;
}

/**
 * Registers the suite's hooks: the loopback servers and the temp dir before all tests, a hard kill of the process
 * after each, everything closed after all. Reactions are unpaced here (the tests are about posts, not seeding).
 */
export function useMainWorld(options: {
  readonly prefix: string;
  readonly team: string;
  readonly token: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Each post's answer comes this long after the message exists, so a kill or a signal finds many in flight. */
  readonly postLatencyMs?: number;
}): MainWorld {
  const world = { running: undefined } as MainWorld;
  const mutable = world as { -readonly [K in keyof MainWorld]: MainWorld[K] };
  beforeAll(async () => {
    mutable.hf = await startPaperApiServer();
    // Whatever day the last completed batch is, the fake answers with the recorded one.
    world.hf.respond("GET /api/daily_papers", (req) =>
      req.query.p === "0" || req.query.p === undefined ? { body: readFixture(FIXTURES.daily) } : { json: [] },
    );
    mutable.slack = await startFakeSlackApi();
    world.slack.addWorkspace({
      token: options.token,
      teamId: options.team,
      botUserId: options.botUserId,
      botId: options.botId,
    });
    if (options.postLatencyMs !== undefined) world.slack.postLatencyMs = options.postLatencyMs;
    world.slack.reactionsPerMinute = 1_000_000;
    world.slack.reactionBurst = 1_000_000;
    mutable.dir = mkdtempSync(join(tmpdir(), `paperboy-${options.prefix}-`));
  });
  afterEach(async () => {
    if (world.running) await killHard(world.running);
    world.running = undefined;
  });
  afterAll(async () => {
    await world.slack.close();
    await world.hf.close();
    rmSync(world.dir, { recursive: true, force: true });
  });
  return world;
}
