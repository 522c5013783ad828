// Start-up (issue 13): how long `npm start` takes to open the console, and how long one `paperboy` CLI call takes,
// each against its baseline in the same run, alternating runs so both see the same machine load. Medians of RUNS.
//   console: until the banner line, with the chat SDKs loaded only when enabled vs preloaded (as before issue 13).
//   CLI: `node bin/paperboy.js …` on the compiled dist/ vs the same command through tsx (as before issue 13).
// Set BASELINE_ROOT to another checkout (e.g. the commit before) to time its console and CLI as the baseline instead.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const root = resolve(import.meta.dirname, "..");
const baseRoot = process.env.BASELINE_ROOT;
const RUNS = Number(process.env.RUNS ?? 7);
const example = join(root, "examples", "daily_papers_2026-06-12.json");

/** Wall ms from spawn until stdout contains `marker` (or until exit when marker is undefined). */
function timeRun(cwd: string, args: string[], marker?: string): Promise<number> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        STORE_URL: "memory://",
        // Port 9 is refused at once: the console's digest fails fast and no network is involved.
        HF_API_URL: "http://127.0.0.1:9",
        ARXIV_API_URL: "http://127.0.0.1:9/api/query",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    let elapsed: number | undefined;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (marker !== undefined && elapsed === undefined && out.includes(marker)) {
        elapsed = performance.now() - start;
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (code) => {
      // A stale or missing dist/ would time tsx instead: bin/paperboy.js says so on stderr.
      if (err.includes("through tsx")) fail(new Error(`bin/paperboy.js did not run dist/: ${err}`));
      else if (marker === undefined && code === 0) done(performance.now() - start);
      else if (elapsed !== undefined) done(elapsed);
      else
        fail(new Error(`${args.join(" ")} exited ${String(code)} without "${marker ?? "success"}":\n${out}`));
    });
    child.stdin.end();
  });
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function compare(
  name: string,
  ours: () => Promise<number>,
  baseline: () => Promise<number>,
): Promise<void> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    b.push(await baseline());
    a.push(await ours());
  }
  const [m, mb] = [median(a), median(b)];
  console.log(
    `${name}: median ${m.toFixed(0)} ms (runs ${a.map((x) => x.toFixed(0)).join(", ")}); baseline ${mb.toFixed(0)} ms (${b.map((x) => x.toFixed(0)).join(", ")}) → ${(m / mb).toFixed(2)}×`,
  );
}

if (!existsSync(join(root, "dist", "cli", "main.js")))
  throw new Error("run `npm run build` first: the CLI figure is for the compiled dist/");
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}, ${String(RUNS)} runs each`,
);

const BANNER = "paperboy console";
await compare(
  "console start-up (npm start, no credentials) until its banner",
  () => timeRun(root, ["--import", "tsx", "src/main.ts"], BANNER),
  baseRoot !== undefined
    ? () => timeRun(baseRoot, ["--import", "tsx", "src/main.ts"], BANNER)
    : () =>
        timeRun(
          root,
          [
            "--import",
            "tsx",
            "--import",
            "./adapters/slack/index.ts",
            "--import",
            "./adapters/discord/index.ts",
            "src/main.ts",
          ],
          BANNER,
        ),
);
const cli = ["search", "sparse attention", "--archive", example, "--json"];
await compare(
  `one CLI call (paperboy ${cli.slice(0, 2).join(" ")} --archive examples/… --json)`,
  () => timeRun(root, [join(root, "bin", "paperboy.js"), ...cli]),
  () => timeRun(baseRoot ?? root, ["--import", "tsx", join(baseRoot ?? root, "cli", "main.ts"), ...cli]),
);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
