// One contract suite for every keyv backend (memory, a real SQLite file, a real Redis), plus open errors.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore, StoreClosedError } from "../../src/storage/keyv-stores.js";
import type { NamespaceName, Store } from "../../src/storage/key-value.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";

const NAMESPACES: readonly NamespaceName[] = ["votes", "papers", "meta", "seen"];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const childScript = fileURLToPath(new URL("./store-child.ts", import.meta.url));

const redisAvailable = await probeRedis("Redis tests");
const runPrefix = `paperboy-test-${randomUUID()}`;

const tempDir = mkdtempSync(join(tmpdir(), "paperboy-store-"));
afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<readonly [string, T]>): Promise<Record<string, T>> {
  const out: Record<string, T> = {};
  for await (const [k, v] of it) out[k] = v;
  return out;
}

/** Deletes every entry a test left (Redis is shared across runs). */
async function wipe(store: Store): Promise<void> {
  for (const name of NAMESPACES) {
    const ns = store.namespace(name);
    for (const key of Object.keys(await collect(ns.entries()))) await ns.delete(key);
  }
}

interface Backend {
  name: string;
  run: boolean;
  /** Opens the same underlying data each time within one test (for the persistence test). */
  open: () => Promise<Store>;
  persistent: boolean;
}

let sqliteFile = "";
let redisPrefix = "";
const backends: Backend[] = [
  { name: "memory://", run: true, persistent: false, open: () => createStore("memory://") },
  { name: "sqlite", run: true, persistent: true, open: () => createStore(`sqlite://${sqliteFile}`) },
  {
    name: "redis",
    run: redisAvailable,
    persistent: true,
    open: () => createStore(redisUrl, { keyPrefix: redisPrefix }),
  },
];

describe.each(backends)("the $name store", (backend) => {
  describe.runIf(backend.run)("contract", () => {
    let store: Store;
    beforeEach(async () => {
      sqliteFile = join(tempDir, randomUUID(), "store.sqlite");
      redisPrefix = `${runPrefix}-${randomUUID()}`;
      store = await backend.open();
    });
    afterEach(async () => {
      await wipe(store).catch(() => undefined);
      await store.close();
    });

    it("round-trips JSON values and returns undefined for missing keys", async () => {
      const papers = store.namespace("papers");
      const value = {
        id: "2406.01234",
        title: "Scaling <!channel>",
        authors: ["A", "B"],
        upvotes: 12,
        nested: { ok: true },
      };
      await papers.set("2406.01234", value);
      expect(await papers.get("2406.01234")).toEqual(value);
      expect(await papers.get("nope")).toBeUndefined();
    });

    it("deletes a key and says whether there was one", async () => {
      const meta = store.namespace("meta");
      await meta.set("k", 1);
      expect(await meta.delete("k")).toBe(true);
      expect(await meta.get("k")).toBeUndefined();
      expect(await meta.delete("k")).toBe(false);
    });

    it("keeps namespaces apart even for the same key", async () => {
      await store.namespace("votes").set("same", "votes");
      await store.namespace("papers").set("same", "papers");
      expect(await store.namespace("votes").get("same")).toBe("votes");
      expect(await store.namespace("papers").get("same")).toBe("papers");
      expect(await collect(store.namespace("votes").entries())).toEqual({ same: "votes" });
    });

    it("forgets a key after its TTL and keeps one without a TTL", async () => {
      const seen = store.namespace("seen");
      await seen.set("short", "x", 60);
      await seen.set("long", "y", 60_000);
      await seen.set("forever", "z");
      await sleep(150);
      expect(await seen.get("short")).toBeUndefined();
      expect(await seen.get("long")).toBe("y");
      expect(await seen.get("forever")).toBe("z");
    });

    it("lists entries by key prefix, with keys containing colons, and skips expired ones", async () => {
      const votes = store.namespace("votes");
      await votes.set("slack:T1:C1:p1:u1", 1);
      await votes.set("slack:T1:C1:p1:u2", 2);
      await votes.set("slack:T1:C2:p1:u1", 3);
      await votes.set("discord:G1:C1:p1:u1", 4);
      await votes.set("slack:T1:C1:p1:gone", 5, 40);
      await store.namespace("papers").set("slack:T1:C1:p1:other-namespace", 6);
      await sleep(120);
      expect(await collect(votes.entries("slack:T1:C1:"))).toEqual({
        "slack:T1:C1:p1:u1": 1,
        "slack:T1:C1:p1:u2": 2,
      });
      expect(Object.keys(await collect(votes.entries())).sort()).toEqual([
        "discord:G1:C1:p1:u1",
        "slack:T1:C1:p1:u1",
        "slack:T1:C1:p1:u2",
        "slack:T1:C2:p1:u1",
      ]);
    });

    it("lists every one of 1,200 keys under a prefix and none of its neighbours (C10|, C1}, C0)", async () => {
      const seen = store.namespace("seen");
      const wanted: Record<string, number> = {};
      for (let i = 0; i < 1_200; i++) {
        wanted[`slack:T1:C1|${String(i)}`] = i;
        await seen.set(`slack:T1:C1|${String(i)}`, i);
      }
      for (const neighbour of [
        "slack:T1:C10|1",
        "slack:T1:C1}1",
        "slack:T1:C0|1",
        "slack:T1:C1",
        "slack:T1:C|1",
      ]) {
        await seen.set(neighbour, -1);
      }
      expect(await collect(seen.entries("slack:T1:C1|"))).toEqual(wanted);
    });

    it("treats glob characters in a prefix as plain text (*, ?, [ and \\ in ids)", async () => {
      const posts = store.namespace("posts");
      await posts.set("discord:G*:C?|[1]\\x", 1);
      await posts.set("discord:Gx:Cx|[1]\\x", 2);
      await posts.set("discord:G*:C?|2", 3);
      expect(await collect(posts.entries("discord:G*:C?|"))).toEqual({
        "discord:G*:C?|[1]\\x": 1,
        "discord:G*:C?|2": 3,
      });
    });

    it("reads many keys at once, in the order asked, with undefined for absent and expired ones", async () => {
      const seen = store.namespace("seen");
      await seen.set("a|1", { n: 1 });
      await seen.set("a|2", 2);
      await seen.set("a|gone", 3, 40);
      await sleep(120);
      expect(await seen.getMany?.(["a|2", "a|missing", "a|1", "a|gone"])).toEqual([
        2,
        undefined,
        { n: 1 },
        undefined,
      ]);
      const many = Array.from({ length: 1_100 }, (_, i) => `a|${String(i % 3)}`);
      expect((await seen.getMany?.(many))?.filter((v) => v !== undefined)).toHaveLength(733);
    });

    it("writes many entries at once, each with its own expiry, overwriting what was there", async () => {
      const seen = store.namespace("seen");
      await seen.set("b|1", "old");
      await seen.setMany?.([
        { key: "b|1", value: { n: 1 } },
        { key: "b|2", value: 2, ttlMs: 40 },
        ...Array.from({ length: 600 }, (_, i) => ({ key: `b|x${String(i)}`, value: i, ttlMs: 60_000 })),
      ]);
      expect(await seen.get("b|1")).toEqual({ n: 1 });
      expect(await seen.get("b|2")).toBe(2);
      expect(await seen.get("b|x599")).toBe(599);
      await sleep(120);
      expect(await seen.get("b|2")).toBeUndefined();
      expect(Object.keys(await collect(seen.entries("b|")))).toHaveLength(601);
    });

    it("lets exactly one of 200 concurrent setIfAbsent callers claim a key", async () => {
      const deliveries = store.namespace("meta");
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          deliveries.setIfAbsent("claim:C1:2026-06-12", `caller-${i}`, 60_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await deliveries.get("claim:C1:2026-06-12")).toBe(`caller-${winner}`);
    });

    it("lets a claim be taken again once its TTL has passed", async () => {
      const meta = store.namespace("meta");
      expect(await meta.setIfAbsent("lease", "a", 50)).toBe(true);
      expect(await meta.setIfAbsent("lease", "b", 50)).toBe(false);
      await sleep(120);
      expect(await meta.setIfAbsent("lease", "c", 50)).toBe(true);
      expect(await meta.get("lease")).toBe("c");
    });

    it("counts exactly 500 concurrent update() increments", async () => {
      const votes = store.namespace("votes");
      const returned = await Promise.all(
        Array.from({ length: 500 }, () => votes.update<number>("count", (n) => (n ?? 0) + 1)),
      );
      expect(await votes.get("count")).toBe(500);
      expect(new Set(returned).size).toBe(500); // every caller saw a distinct intermediate value
    });

    it("deletes the key when update() returns undefined", async () => {
      const votes = store.namespace("votes");
      await votes.set("k", 3);
      expect(await votes.update<number>("k", () => undefined)).toBeUndefined();
      expect(await votes.get("k")).toBeUndefined();
    });

    it("answers ping() while open and rejects every call after close()", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      const other = await backend.open();
      await other.close();
      await other.close(); // idempotent
      await expect(other.ping()).rejects.toBeInstanceOf(StoreClosedError);
      await expect(other.namespace("meta").get("k")).rejects.toBeInstanceOf(StoreClosedError);
      await expect(other.namespace("meta").update("k", () => 1)).rejects.toBeInstanceOf(StoreClosedError);
    });

    // Only SQLite and Redis outlive close(); memory:// is defined to forget.
    if (backend.persistent)
      it("keeps data across close() and reopen", async () => {
        await store.namespace("papers").set("kept", { title: "Kept" });
        await store.namespace("votes").update<number>("n", (n) => (n ?? 0) + 7);
        await store.close();
        store = await backend.open();
        expect(await store.namespace("papers").get("kept")).toEqual({ title: "Kept" });
        expect(await store.namespace("votes").get("n")).toBe(7);
      });
  });
});

describe("the sqlite store", () => {
  it("creates missing parent folders, resolving a relative path against the working directory", async () => {
    const target = join(tempDir, "nested", "deeper", "paperboy.sqlite");
    const store = await createStore(`sqlite://${relative(process.cwd(), target)}`);
    await store.namespace("meta").set("k", 1);
    await store.close();
    expect(existsSync(target)).toBe(true);
    expect(store.shared).toBe(false);
  });

  it("refuses a path it cannot open, naming the URL and the reason", async () => {
    const file = join(tempDir, "a-file");
    writeFileSync(file, "not a folder");
    await expect(createStore(`sqlite://${file}/x.sqlite`)).rejects.toThrow(
      new RegExp(`^cannot open store sqlite://${file}/x\\.sqlite: .*(EEXIST|ENOTDIR)`),
    );
  });
});

describe("opening a store", () => {
  it("names an unreachable Redis with its password hidden and the reason", async () => {
    const error = await createStore("redis://:hunter2@127.0.0.1:1").catch((e: unknown) => e);
    expect(String(error)).toMatch(/cannot open store redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(String(error)).not.toContain("hunter2");
  });

  it("rejects an unknown scheme with the accepted forms", async () => {
    await expect(createStore("mongodb://x")).rejects.toThrow(
      /cannot open store mongodb:\/\/x: unknown scheme; use sqlite:/,
    );
  });

  it("leaves nothing running after a failed Redis connect, so the process exits on its own", async () => {
    const { code, stdout } = await runChild(["open-fail", "redis://:hunter2@127.0.0.1:1"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/cannot open store redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it("reports shared=false and the plain URL for memory://", async () => {
    const store = await createStore("memory://");
    expect({ shared: store.shared, displayUrl: store.displayUrl }).toEqual({
      shared: false,
      displayUrl: "memory://",
    });
    await store.close();
  });
});

describe.runIf(redisAvailable)("the redis store across processes", () => {
  it("reports shared=true and hides the password in displayUrl", async () => {
    const store = await createStore(redisUrl, { keyPrefix: runPrefix });
    expect(store.shared).toBe(true);
    expect(store.displayUrl).toBe(redisUrl.replace(/^(redis:\/\/[^:@/]*):[^@/]*@/, "$1:***@"));
    await store.close();
  });

  it("counts exactly 600 when 3 processes each make 200 concurrent update() increments of one key", async () => {
    const prefix = `${runPrefix}-multi`;
    const store = await createStore(redisUrl, { keyPrefix: prefix });
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runChild(["increment", redisUrl, prefix, "200"])));
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(await store.namespace("votes").get("counter")).toBe(600);
    } finally {
      await wipe(store);
      await store.close();
    }
  }, 90_000);

  it("leaves nothing running after close(), so the process exits on its own", async () => {
    const prefix = `${runPrefix}-close`;
    const { code, stdout } = await runChild(["open-close", redisUrl, prefix]);
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: "closed" });
    const store = await createStore(redisUrl, { keyPrefix: prefix });
    expect(await store.namespace("meta").get("child")).toBe("was here");
    await wipe(store);
    await store.close();
  });
});

function runChild(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", childScript, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
