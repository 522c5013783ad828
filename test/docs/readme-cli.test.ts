// Every `npx paperboy …` line in README.md, run verbatim from the repository root, succeeds (network examples
// against a loopback Hugging Face replaying the recorded day).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../fakes/main-process.js";
import {
  FIXTURES,
  readFixture,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";

/** The `npx paperboy` lines of README.md's sh code blocks. */
function readmeCliExamples(): string[] {
  const readme = readFileSync(`${root}/README.md`, "utf8");
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks.flatMap((b) => b.split("\n")).filter((line) => line.startsWith("npx paperboy "));
}

function sh(
  command: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn("sh", ["-c", command], { cwd: root, env: { ...process.env, ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => done({ code, out, err }));
  });
}

let hf: PaperApiServer;
beforeAll(async () => {
  hf = await startPaperApiServer();
  hf.respond("GET /api/daily_papers", (req) =>
    req.query.p === "0" || req.query.p === undefined ? { body: readFixture(FIXTURES.daily) } : { json: [] },
  );
});
afterAll(() => hf.close());

describe("README CLI examples", () => {
  const examples = readmeCliExamples();

  it("the README shows the digest, the Slack format and the archive search, with paths inside this repository", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const line of examples) expect(line).not.toMatch(/\.\.\//);
  });

  it.each(examples)(
    "%s",
    async (command) => {
      const run = await sh(command, {
        STORE_URL: "memory://",
        HF_API_URL: hf.url,
        ARXIV_API_URL: hf.arxivUrl,
      });
      expect(run.code, run.err).toBe(0);
      expect(run.out.trim()).not.toBe("");
      if (command.includes("--json") || command.includes("--format slack"))
        expect(() => JSON.parse(run.out)).not.toThrow();
      if (command.includes("sparse attention")) expect(run.out).toContain("MiniMax Sparse Attention");
      if (command.includes("--top 5")) expect(run.out).toContain("EvoArena");
    },
    60_000,
  );
});
