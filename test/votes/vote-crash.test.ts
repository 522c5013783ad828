// A vote and its tally are one atomic step: a process casting votes SIGKILLed at random moments, again and again, leaves
// every tally equal to the number of users whose vote is on — on a SQLite file and on Redis.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";

const child = fileURLToPath(new URL("./vote-caster-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "paperboy-vote-crash-"));
const redisAvailable = await probeRedis("Vote crash test on Redis");
const prefix = `paperboy-test-vote-crash-${randomUUID()}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (redisAvailable) {
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(prefix);
    admin.close();
  }
});

/** Starts the caster, waits until it has stored votes for a while, SIGKILLs it mid-stream. */
async function castAndKill(url: string, runMs: number): Promise<void> {
  const caster = spawn(process.execPath, ["--import", "tsx", child, url, prefix], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  caster.stderr.on("data", (d: Buffer) => (err += d.toString()));
  await new Promise<void>((ready, fail) => {
    caster.stdout.once("data", () => ready());
    caster.once("exit", () => fail(new Error(`the caster died before casting: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, runMs));
  caster.kill("SIGKILL");
  await new Promise((r) => caster.once("exit", r));
}

const KILLS = [150, 420, 90, 300, 60];

describe("votes killed mid-stream", () => {
  it("GIVEN a SQLite file and a caster SIGKILLed 5 times THEN every tally equals the users whose vote is on", async () => {
    const file = join(dir, "votes.sqlite");
    for (const ms of KILLS) await castAndKill(`sqlite://${file}`, ms);
    const db = new Database(file, { readonly: true });
    try {
      const tallies = db
        .prepare(`SELECT paper, count FROM tallies WHERE channel = 'slack:T1:C1' ORDER BY paper`)
        .all();
      const recount = db
        .prepare(
          `SELECT paper, COUNT(DISTINCT user) AS count FROM votes WHERE channel = 'slack:T1:C1' AND on_ = 1 GROUP BY paper HAVING count > 0 ORDER BY paper`,
        )
        .all();
      expect(recount.length).toBeGreaterThan(0);
      expect(tallies).toEqual(recount);
    } finally {
      db.close();
    }
  }, 60_000);

  it.runIf(redisAvailable)(
    "GIVEN Redis and a caster SIGKILLed 5 times THEN every tally equals the users whose vote is on",
    async () => {
      for (const ms of KILLS) await castAndKill(redisUrl, ms);
      const admin = await connectRedisAdmin(redisUrl);
      try {
        const on = new Map<string, Set<string>>();
        let cursor = "0";
        do {
          const [next, keys] = (await admin.command(
            "SCAN",
            cursor,
            "MATCH",
            `${prefix}:vm:slack:T1:C1\u001f*`,
            "COUNT",
            "1000",
          )) as [string, string[]];
          cursor = next;
          for (const key of keys) {
            const [, user = "", paper = ""] = key.split("\u001f");
            const marks = (await admin.command("HVALS", key)) as string[];
            if (marks.some((m) => m.startsWith("1"))) on.set(paper, (on.get(paper) ?? new Set()).add(user));
          }
        } while (cursor !== "0");
        const tallies = (await admin.command("HGETALL", `${prefix}:vt:slack:T1:C1`)) as string[];
        const stored = new Map<string, number>();
        for (let i = 0; i < tallies.length; i += 2)
          stored.set(tallies[i] ?? "", Number((tallies[i + 1] ?? "0").split("|")[0]));
        const recount = new Map([...on].map(([paper, users]) => [paper, users.size]));
        expect(recount.size).toBeGreaterThan(0);
        expect(stored).toEqual(recount);
      } finally {
        admin.close();
      }
    },
    60_000,
  );
});
