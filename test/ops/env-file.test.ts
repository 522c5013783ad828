// `npm start` reads `.env` from its working directory: the real main process run in a temp dir with a .env file.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeEnvFile, withEnvFile } from "../../src/config/env-file.js";
import { startFakeSlackApi, type FakeSlackApi } from "../fakes/fake-slack-api.js";
import { freePort, killHard, pollUntil, root, type RunningMain } from "../fakes/main-process.js";
import {
  FIXTURES,
  readFixture,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const TOKEN = "xoxb-from-the-env-file";

let hf: PaperApiServer;
let dir: string;
let running: RunningMain | undefined;
beforeAll(async () => {
  hf = await startPaperApiServer();
  hf.respond("GET /api/daily_papers", (req) =>
    req.query.p === "0" || req.query.p === undefined ? { body: readFixture(FIXTURES.daily) } : { json: [] },
  );
});
afterAll(() => hf.close());
afterEach(async () => {
  if (running) await killHard(running);
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** src/main.ts run with `cwd` as its working directory, stdin piped, `env` as the whole real environment. */
function runIn(cwd: string, env: Record<string, string>, input?: string): RunningMain {
  const child = spawn(process.execPath, ["--import", tsx, join(root, "src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on("exit", (code, signal) => done({ code, signal }));
  });
  running = { child, exited, output: () => output };
  return running;
}

function envDir(lines: string[]): string {
  dir = mkdtempSync(join(tmpdir(), "paperboy-envfile-"));
  writeFileSync(join(dir, ".env"), `${lines.join("\n")}\n`);
  return dir;
}

describe("npm start and .env", () => {
  it("GIVEN Slack credentials only in .env THEN it connects with them and logs which file it read, never a value", async () => {
    let slack: FakeSlackApi | undefined;
    try {
      slack = await startFakeSlackApi();
      slack.addWorkspace({ token: TOKEN, teamId: "T0ENV", botUserId: "U0ENV", botId: "B0ENV" });
      const port = await freePort();
      const cwd = envDir([
        "# copied from .env.example",
        `SLACK_BOT_TOKEN=${TOKEN}`,
        "SLACK_SIGNING_SECRET=env-file-signing-secret",
        "SLACK_APP_TOKEN=",
        `SLACK_API_URL=${slack.apiUrl}`,
        `PORT=${String(port)}`,
      ]);
      const main = runIn(cwd, {
        HF_API_URL: hf.url,
        ARXIV_API_URL: hf.arxivUrl,
        STORE_URL: "memory://",
        LOG_LEVEL: "info",
      });
      const health = await pollUntil(
        `http://127.0.0.1:${String(port)}/healthz`,
        (a) => a.status === 200,
        20_000,
        main,
      );
      expect(JSON.parse(health.body)).toMatchObject({ platforms: { slack: "ok" } });
      expect(slack.callsOf("auth.test")[0]?.token).toBe(TOKEN);
      const line = main.output().match(/read (\S+): set ([A-Z_, ]+)/);
      expect(line?.[1]).toBe(join(cwd, ".env"));
      expect(line?.[2]?.split(", ").sort()).toEqual([
        "PORT",
        "SLACK_API_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
      ]);
      expect(main.output()).not.toContain(TOKEN);
      expect(main.output()).not.toContain("env-file-signing-secret");
    } finally {
      await slack?.close();
    }
  });

  it("GIVEN a variable in both THEN the real environment wins over .env", async () => {
    const cwd = envDir(["DEFAULT_TIMEZONE=Mars/Olympus"]);
    const fromFile = runIn(cwd, { STORE_URL: "memory://", HF_API_URL: hf.url }, "");
    expect((await fromFile.exited).code).toBe(1);
    expect(fromFile.output()).toContain("DEFAULT_TIMEZONE: must be an IANA time zone");
    const overridden = runIn(
      cwd,
      { STORE_URL: "memory://", HF_API_URL: hf.url, DEFAULT_TIMEZONE: "UTC" },
      "",
    );
    expect((await overridden.exited).code).toBe(0);
    expect(overridden.output()).toContain("the environment overrides DEFAULT_TIMEZONE");
  });

  it("GIVEN no credentials anywhere THEN the console's first line says how to connect Slack or Discord", async () => {
    const cwd = envDir(["SLACK_BOT_TOKEN=", "DISCORD_TOKEN="]);
    const main = runIn(
      cwd,
      { STORE_URL: "memory://", HF_API_URL: hf.url, ARXIV_API_URL: hf.arxivUrl },
      "/papers help\n",
    );
    expect((await main.exited).code).toBe(0);
    const [first] = main.output().split("\n");
    expect(first).toContain("No Slack or Discord credentials");
    expect(first).toMatch(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET \(docs\/slack\.md\)/);
    expect(first).toMatch(/DISCORD_TOKEN and DISCORD_APPLICATION_ID \(docs\/discord\.md\)/);
    expect(first).toContain(".env");
    expect(main.output()).toContain("paperboy console");
  });
});

describe("withEnvFile", () => {
  it("leaves the environment alone without a file, and never lets an empty file value shadow nothing", () => {
    dir = mkdtempSync(join(tmpdir(), "paperboy-envfile-"));
    const none = withEnvFile({ A: "1" }, dir);
    expect(none).toEqual({ env: { A: "1" }, file: undefined, fromFile: [], overridden: [] });
    expect(describeEnvFile(none)).toContain("no .env file");
    writeFileSync(join(dir, ".env"), 'A=2\nB="two words"\nC=\nD=4\n');
    const read = withEnvFile({ A: "1", D: "" }, dir);
    expect(read.env).toMatchObject({ A: "1", B: "two words", D: "4" });
    expect(read.env.C).toBeUndefined();
    expect(read.fromFile).toEqual(["B", "D"]);
    expect(read.overridden).toEqual(["A"]);
  });
});
