// `npm start` with no chat credentials: the console, driven through piped standard input like a user would.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURES,
  readFixture,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";

const root = resolve(import.meta.dirname, "../..");

function runMain(
  input: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", STORE_URL: "memory://", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`main did not exit; stdout so far:\n${stdout}`));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe("npm start without chat credentials", () => {
  let hf: PaperApiServer;
  beforeAll(async () => {
    hf = await startPaperApiServer();
  });
  afterAll(() => hf.close());

  it("prints the digest, takes /papers lines and +N votes, and exits cleanly at end of input", async () => {
    // Whatever today is, the fake answers with the recorded batch.
    hf.respond("GET /api/daily_papers", (req) =>
      req.query.p === "0" || req.query.p === undefined ? { body: readFixture(FIXTURES.daily) } : { json: [] },
    );
    const run = await runMain("+1\n/papers top\n-1\n/papers help\n", {
      HF_API_URL: hf.url,
      ARXIV_API_URL: hf.arxivUrl,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("paperboy console");
    expect(run.stdout).toMatch(/Voted for paper 1 \(\d{4}\.\d{5}\): 1 vote/);
    expect(run.stdout).toMatch(/Took back your vote for paper 1/);
    expect(run.stdout).toContain("/papers subscribe");
  });

  it("GIVEN no network THEN it says Hugging Face cannot be reached at which URL and keeps taking commands", async () => {
    const run = await runMain("/papers help\n", {
      HF_API_URL: "http://127.0.0.1:9",
      ARXIV_API_URL: "http://127.0.0.1:9/api/query",
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Hugging Face cannot be reached at http://127.0.0.1:9");
    expect(run.stdout).toContain("/papers subscribe");
  });

  it("GIVEN a bad setting THEN it stops at start-up listing the variable and its fix", async () => {
    const run = await runMain("", { PORT: "eighty", DEFAULT_TIMEZONE: "Mars/Olympus" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("PORT: must be a port number");
    expect(run.stderr).toContain("DEFAULT_TIMEZONE: must be an IANA time zone");
  });

  it("GIVEN an unreachable Redis THEN it names the store URL without its password", async () => {
    const run = await runMain("", { STORE_URL: "redis://:hunter2@127.0.0.1:9" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("redis://:***@127.0.0.1:9");
    expect(run.stderr).not.toContain("hunter2");
  });
});
