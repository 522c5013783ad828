// The engines every store contract runs on: SQLite in memory, a fresh SQLite file, a fresh prefix on a real Redis
// (skipped, with the reason, when no redis-server answers). Call at a test file's top level; call fresh() before each test.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { connectRedisAdmin } from "./redis-admin.js";
import { probeRedis, redisUrl } from "./redis-probe.js";

export interface StoreEngine {
  readonly name: string;
  /** False when the engine is not there (Redis without a server): its tests skip. */
  readonly run: boolean;
  /** Whether a second open sees what the first wrote (not so for memory://). */
  readonly reopenable: boolean;
  open(owner?: string): Promise<Store>;
}

export async function storeEngines(
  label: string,
): Promise<{ readonly engines: StoreEngine[]; readonly fresh: () => void }> {
  const redisAvailable = await probeRedis(`Redis ${label}`);
  const runPrefix = `paperboy-test-${label.replace(/\W+/g, "-")}-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), "paperboy-engines-"));
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (redisAvailable) {
      const admin = await connectRedisAdmin(redisUrl);
      await admin.deletePrefix(runPrefix);
      admin.close();
    }
  });
  let file = "";
  let prefix = "";
  const owned = (owner: string | undefined) => (owner ? { owner } : {});
  return {
    engines: [
      { name: "memory://", run: true, reopenable: false, open: (o) => createStore("memory://", owned(o)) },
      {
        name: "sqlite file",
        run: true,
        reopenable: true,
        open: (o) => createStore(`sqlite://${file}`, owned(o)),
      },
      {
        name: "redis",
        run: redisAvailable,
        reopenable: true,
        open: (o) => createStore(redisUrl, { keyPrefix: prefix, ...owned(o) }),
      },
    ],
    fresh: () => {
      file = join(dir, `${randomUUID()}.sqlite`);
      prefix = `${runPrefix}-${randomUUID()}`;
    },
  };
}
