// Opening and closing a store: errors that name the redacted URL and the fix, nothing left running after a failed
// connect or a close, and several processes voting on one Redis or one SQLite file at once.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { toPaperId } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import { StoreOpenError } from "../../src/storage/store.js";
import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";

const childScript = fileURLToPath(new URL("./store-open-child.ts", import.meta.url));
const redisAvailable = await probeRedis("Redis store-open tests");
const runPrefix = `paperboy-test-open-${randomUUID()}`;
const tempDir = mkdtempSync(join(tmpdir(), "paperboy-store-open-"));
chmodSync(tempDir, 0o755); // the unwritable-file case reads it as another user
afterAll(async () => {
  rmSync(tempDir, { recursive: true, force: true });
  if (redisAvailable) {
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(runPrefix);
    admin.close();
  }
});

/** The rejection of `work`, which must be a StoreOpenError. */
async function openError(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  return (error as Error).message;
}

interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs store-open-child.ts with one task; resolves when the process ends by itself (killed after 30 s). */
function runChild(task: Record<string, unknown>, as?: { uid: number; gid: number }): Promise<ChildRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", childScript, JSON.stringify(task)],
      { timeout: 30_000, ...as },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe("opening a store that cannot be opened", () => {
  it("GIVEN an unknown scheme THEN the error names the URL and the accepted forms", async () => {
    expect(await openError(createStore("mongodb://x"))).toBe(
      "cannot open store mongodb://x: unknown scheme; use sqlite://path/to/file.sqlite, redis://host:6379 or memory://",
    );
  });

  it("GIVEN sqlite:// without a path THEN the error gives an example path", async () => {
    expect(await openError(createStore("sqlite://"))).toBe(
      "cannot open store sqlite://: no file path; use sqlite://data/paperboy.sqlite",
    );
  });

  it("GIVEN an unreachable Redis with a password in the URL THEN the error hides the password, names the reason and says to check Redis", async () => {
    const message = await openError(createStore("redis://:hunter2@127.0.0.1:1"));
    expect(message).toMatch(
      /^cannot open store redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED.*; check that Redis is running and reachable/,
    );
    expect(message).not.toContain("hunter2");
    const withUser = await openError(createStore("redis://paperboy:s3cr3t@127.0.0.1:1/0"));
    expect(withUser).toMatch(/^cannot open store redis:\/\/paperboy:\*\*\*@127\.0\.0\.1:1\/0: /);
    expect(withUser).not.toContain("s3cr3t");
  });

  it("GIVEN a SQLite path below a regular file THEN the error names the URL, the reason and says to check the path", async () => {
    const file = join(tempDir, "a-file");
    writeFileSync(file, "not a folder");
    const message = await openError(createStore(`sqlite://${file}/x.sqlite`));
    expect(message).toMatch(
      new RegExp(
        `^cannot open store sqlite://${file}/x\\.sqlite: .*(EEXIST|ENOTDIR).*; check the path in STORE_URL`,
      ),
    );
  });

  it("GIVEN a file that is not a database THEN the error says to restore it or move it aside, and the file is left as it was", async () => {
    const file = join(tempDir, "damaged.sqlite");
    const text = "hello, I am a text file and not a database\n".repeat(200);
    writeFileSync(file, text);
    const message = await openError(createStore(`sqlite://${file}`));
    expect(message).toBe(
      `cannot open store sqlite://${file}: file is not a database; the file is damaged: stop paperboy and restore ${file} from a backup, or move it aside with its journals (mv ${file} ${file}.broken; rm -f ${file}-wal ${file}-shm) and start once with STORE_ALLOW_FRESH=1 to begin with an empty store`,
    );
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("GIVEN a SQLite file paperboy may not write THEN the error says to fix the permissions", async (ctx) => {
    const dir = join(tempDir, "read-only");
    mkdirSync(dir);
    const file = join(dir, "paperboy.sqlite");
    await (await createStore(`sqlite://${file}`)).close();
    chmodSync(file, 0o444);
    chmodSync(dir, 0o555);
    // root writes anyway: open it as "nobody" then, when that user can run this repository's code at all.
    const as = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : undefined;
    if (as) {
      const canRun = await runChild({ mode: "open", url: "memory://" }, as);
      if (canRun.stdout.trim() !== "opened") {
        console.warn(
          `unwritable-file test skipped: uid 65534 cannot run the child script (${canRun.stderr.split("\n")[0] ?? ""})`,
        );
        ctx.skip();
      }
    }
    const run = await runChild({ mode: "open", url: `sqlite://${file}` }, as);
    chmodSync(dir, 0o755);
    expect(run.stdout.trim()).toBe(
      `cannot open store sqlite://${file}: attempt to write a readonly database; paperboy needs to write ${file} and its directory: fix their permissions or point STORE_URL at a writable place`,
    );
  }, 60_000);
});

describe("opening a store that can be opened", () => {
  it("GIVEN a relative SQLite path in missing folders THEN it creates them against the working directory", async () => {
    const target = join(tempDir, "nested", "deeper", "paperboy.sqlite");
    const store = await createStore(`sqlite://${relative(process.cwd(), target)}`);
    await store.probeWrite();
    await store.close();
    expect(existsSync(target)).toBe(true);
    expect({ engine: store.engine, shared: store.shared }).toEqual({ engine: "sqlite", shared: false });
  });

  it("GIVEN memory:// THEN it is SQLite, not shared, with the plain URL", async () => {
    const store = await createStore("memory://");
    expect({ engine: store.engine, shared: store.shared, displayUrl: store.displayUrl }).toEqual({
      engine: "sqlite",
      shared: false,
      displayUrl: "memory://",
    });
    await store.close();
  });

  it.runIf(redisAvailable)(
    "GIVEN Redis THEN it is shared and its displayUrl hides any password",
    async () => {
      const store = await createStore(redisUrl, { keyPrefix: runPrefix });
      expect({ engine: store.engine, shared: store.shared }).toEqual({ engine: "redis", shared: true });
      expect(store.displayUrl).toBe(redisUrl.replace(/^(redis:\/\/[^:@/]*):[^@/]*@/, "$1:***@"));
      await store.close();
    },
  );
});

describe("nothing left running", () => {
  it("GIVEN a failed Redis connect THEN the process exits on its own, having printed the redacted error", async () => {
    const { code, stdout } = await runChild({ mode: "open", url: "redis://:hunter2@127.0.0.1:1" });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cannot open store redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(stdout).not.toContain("hunter2");
  }, 60_000);

  it.runIf(redisAvailable)(
    "GIVEN a Redis store written to and closed THEN the process exits on its own and the write is kept",
    async () => {
      const prefix = `${runPrefix}-close`;
      const { code, stdout } = await runChild({ mode: "open-close", url: redisUrl, prefix });
      expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: "closed" });
      const store = await createStore(redisUrl, { keyPrefix: prefix });
      expect(await store.namespace("installations").get("child")).toBe("was here");
      await store.close();
    },
    60_000,
  );

  it("GIVEN a SQLite store written to and closed THEN the process exits on its own and the write is kept", async () => {
    const url = `sqlite://${join(tempDir, "closed.sqlite")}`;
    const { code, stdout } = await runChild({ mode: "open-close", url });
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: "closed" });
    const store = await createStore(url);
    expect(await store.namespace("installations").get("child")).toBe("was here");
    await store.close();
  }, 60_000);
});

describe("three processes voting on one store", () => {
  const channel = channelRef("discord", "G1", "CH1");
  const paper = toPaperId("2606.00001")!;
  const engines = [
    {
      name: "one SQLite file",
      run: true,
      url: () => `sqlite://${join(tempDir, "multi.sqlite")}`,
      prefix: undefined,
    },
    { name: "one Redis", run: redisAvailable, url: () => redisUrl, prefix: `${runPrefix}-multi` },
  ];
  for (const engine of engines)
    it.runIf(engine.run)(
      `GIVEN 3 processes each casting 200 concurrent votes by distinct users on ${engine.name} THEN the tally is exactly 600`,
      async () => {
        const url = engine.url();
        const options = engine.prefix !== undefined ? { keyPrefix: engine.prefix } : {};
        const store = await createStore(url, options);
        try {
          const message = { workspace: "G1", channel: "CH1", id: "digest-multi" };
          await store.posts.record({
            ref: { channel, id: message.id },
            slots: new Map([[1, paper]]),
            layout: "compact",
            kind: "digest",
            postedAt: new Date(),
          });
          const startAt = Date.now() + 3_000;
          const runs = await Promise.all(
            [1, 2, 3].map((n) =>
              runChild({
                mode: "vote",
                url,
                ...(engine.prefix !== undefined ? { prefix: engine.prefix } : {}),
                process: n,
                count: 200,
                message,
                startAt,
              }),
            ),
          );
          expect(runs.map((r) => [r.code, r.stderr])).toEqual([
            [0, ""],
            [0, ""],
            [0, ""],
          ]);
          expect(runs.map((r) => JSON.parse(r.stdout) as unknown)).toEqual(
            [1, 2, 3].map(() => ({ counted: 200, statuses: ["counted"] })),
          );
          expect(await store.votes.tallies(channel, [paper])).toEqual(new Map([[paper, 600]]));
          expect((await store.votes.channelVotes(channel)).map((v) => v.votes)).toEqual([600]);
          expect(await store.votes.userVotes(channel, "P3-U199")).toEqual(new Set([paper]));
        } finally {
          await store.close();
        }
      },
      90_000,
    );
});
