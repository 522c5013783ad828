// Start-up benchmark: a restarted paperboy over a 100,000-paper archive — how long the index takes to build, and how
// long the real main process (console, SQLite file) takes to answer its first command and its first search.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { createPaperArchive } from "../src/archive/paper-archive.js";
import { silentLogger } from "../src/ops/logger.js";
import { createStore } from "../src/storage/create-store.js";
import { startPaperApiServer } from "../test/fakes/paper-api-server.js";

import { generateCorpus, machineLoad } from "./search-stats.js";

const PAPERS = Number(process.env.BENCH_PAPERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const root = resolve(import.meta.dirname, "..");
const line = (label: string, value: string): void => console.log(`${`${label}:`.padEnd(54)}${value}`);
const s = (ms: number | undefined): string => (ms === undefined ? "never" : `${(ms / 1000).toFixed(2)} s`);

interface Restart {
  /** The greeting: the core said it started. */
  readonly greeting?: number;
  /** The answer to `/papers help`. */
  readonly help?: number;
  /** The answer to a `/papers <words>` search typed at once. */
  readonly search?: number;
  /** The log line "archive loaded" (before this change, nothing was answered until then). */
  readonly loaded?: number;
  readonly searchSaid: string;
}

/** Starts `src/main.ts` on the console over `storeUrl`, types two commands at once, times the answers. */
function restart(storeUrl: string, hfUrl: string): Promise<Restart> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        STORE_URL: storeUrl,
        HF_API_URL: hfUrl,
        ARXIV_API_URL: `${hfUrl}/api/query`,
        ARCHIVE_BACKFILL_DAYS: "0",
        LOG_LEVEL: "debug",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const at: { greeting?: number; help?: number; search?: number; loaded?: number } = {};
    let out = "";
    let err = "";
    const mark = (key: keyof typeof at, seen: boolean): void => {
      if (seen && at[key] === undefined) at[key] = performance.now() - start;
    };
    const check = (): void => {
      mark("greeting", out.includes("paperboy console"));
      mark("help", out.includes("this help, or the details of one command"));
      mark("search", /Papers matching “kazakh”/.test(out));
      mark("loaded", err.includes("archive loaded"));
      if (at.help !== undefined && at.search !== undefined && at.loaded !== undefined) child.stdin.end();
    };
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      check();
    });
    child.stdin.write("/papers help\n/papers kazakh\n");
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", fail);
    child.on("exit", () => {
      clearTimeout(timer);
      const answer = out.slice(out.indexOf("Papers matching “kazakh”"));
      const notice = answer.split("\n").slice(0, 3).join(" ").slice(0, 160);
      done({ ...at, searchSaid: notice });
    });
  });
}

line("machine load (1/5/15 min) at start", `${machineLoad()}  (${cpus().length} CPUs)`);
const dir = mkdtempSync(join(tmpdir(), "paperboy-startup-bench-"));
const hf = await startPaperApiServer();
try {
  const storeUrl = `sqlite://${join(dir, "papers.sqlite")}`;
  const corpus = generateCorpus(storeUrl, PAPERS, join(dir, "corpus.json"), 0);
  line("papers in the archive (SQLite file)", `${corpus.papers}`);

  // The index build alone, in this process: what start-up waited for before answering anything.
  const store = await createStore(storeUrl);
  const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
  const buildStart = performance.now();
  await archive.load();
  const buildMs = performance.now() - buildStart;
  await store.close();
  line("index build (archive.load, in process)", s(buildMs));

  // The floor: the same process over an empty archive (Node, tsx, the store, the core, the console).
  const empty = await restart(`sqlite://${join(dir, "empty.sqlite")}`, hf.url);
  line(
    "restart over an empty archive: first answer",
    `${s(empty.help)} (what start-up costs without any archive)`,
  );
  const runs: Restart[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await restart(storeUrl, hf.url));
  runs.forEach((r, i) => {
    const ratio =
      r.help !== undefined && r.loaded !== undefined ? ` → ${(r.help / r.loaded).toFixed(3)}x` : "";
    line(
      `restart ${i + 1}: first answer / search / archive loaded`,
      `${s(r.help)} / ${s(r.search)} / ${s(r.loaded)}${ratio}`,
    );
  });
  const median = (xs: (number | undefined)[]): number | undefined => {
    const v = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    if (v.length === 0) return undefined;
    const mid = Math.floor(v.length / 2);
    return v.length % 2 === 1 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
  };
  const first = median(runs.map((r) => r.help));
  const loaded = median(runs.map((r) => r.loaded));
  line("time to first answer (median)", s(first));
  line("baseline: answers waited for the archive load", `${s(loaded)} (the same runs' "archive loaded")`);
  if (first !== undefined && loaded !== undefined)
    line("first answer / baseline", `${(first / loaded).toFixed(2)}x`);
  line("a search typed at once said", runs[0]?.searchSaid ?? "");
  line("machine load (1/5/15 min) at end", machineLoad());
} finally {
  await hf.close();
  rmSync(dir, { recursive: true, force: true });
}
