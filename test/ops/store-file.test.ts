// The real main process and its SQLite file: a store file gone missing is not silently replaced by an empty one,
// and a damaged file stops start-up with the file's path and what to do about it.
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Paper } from "../../src/papers/paper.js";
import { createStore } from "../../src/storage/create-store.js";
import { markerPath } from "../../src/storage/sqlite/store-marker.js";
import { startMain, within } from "../fakes/main-process.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";

let hf: PaperApiServer;
let dir: string;
beforeAll(async () => {
  hf = await startPaperApiServer();
  dir = mkdtempSync(join(tmpdir(), "paperboy-store-file-"));
});
afterAll(async () => {
  await hf.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm start`'s process in the console (no chat credentials; input ends at once), run to its end. */
async function runToEnd(file: string, extra: Record<string, string> = {}) {
  const main = startMain({
    STORE_URL: `sqlite://${file}`,
    HF_API_URL: hf.url,
    ARXIV_API_URL: hf.arxivUrl,
    LOG_LEVEL: "error",
    ...extra,
  });
  const { code } = await within(main.exited, 60_000, "main exiting");
  return { code, output: main.output() };
}

const removeStoreFile = (file: string): void => {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
};

describe("a store file gone missing", () => {
  it("GIVEN the SQLite file was deleted after a run THEN the next start refuses, naming the file and STORE_ALLOW_FRESH, and creates nothing", async () => {
    const file = join(dir, "deleted.sqlite");
    const first = await runToEnd(file);
    expect(first.code, first.output).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(markerPath(file))).toBe(true);

    removeStoreFile(file);
    const second = await runToEnd(file);
    expect(second.code).toBe(1);
    expect(second.output).toContain("paperboy cannot start");
    expect(second.output).toContain(`${file} is missing, but a paperboy store lived there`);
    expect(second.output).toContain("Restore the file from a backup, or set STORE_ALLOW_FRESH=1");
    expect(existsSync(file)).toBe(false);
  }, 120_000);

  it("GIVEN STORE_ALLOW_FRESH=1 THEN it starts with an empty store and says so at error level; the next start needs nothing", async () => {
    const file = join(dir, "allowed.sqlite");
    expect((await runToEnd(file)).code).toBe(0);
    removeStoreFile(file);
    const fresh = await runToEnd(file, { STORE_ALLOW_FRESH: "1" });
    expect(fresh.code, fresh.output).toBe(0);
    const line = fresh.output.split("\n").find((l) => l.includes("EMPTY store"));
    expect(line, fresh.output).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: "error", path: file });
    expect(existsSync(file)).toBe(true);
    expect((await runToEnd(file)).code).toBe(0);
  }, 120_000);
});

describe("a damaged store file", () => {
  it("GIVEN pages inside the SQLite file are overwritten THEN start-up stops, naming the file and how to restore or move it aside", async () => {
    const file = join(dir, "damaged.sqlite");
    const store = await createStore(`sqlite://${file}`);
    const papers = Array.from({ length: 300 }, (_, i) => ({
      id: `2606.${String(10_000 + i)}`,
      title: `Paper ${String(i)} ${"t".repeat(400)}`,
      abstract: "a".repeat(2_000),
      authors: [],
      publishedAt: "2026-06-12T00:00:00.000Z",
      upvotes: 1,
    })) as unknown as Paper[];
    await store.papers.putMany(papers);
    await store.close();
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, Math.floor(statSync(file).size / 2));
    closeSync(fd);

    const run = await runToEnd(file);
    expect(run.code).toBe(1);
    expect(run.output).toContain("database disk image is malformed");
    expect(run.output).toContain(`restore ${file} from a backup`);
    expect(run.output).toContain(`mv ${file} ${file}.broken; rm -f ${file}-wal ${file}-shm`);
    expect(run.output).toContain("STORE_ALLOW_FRESH=1");
  }, 120_000);
});
