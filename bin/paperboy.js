#!/usr/bin/env node
// The `paperboy` command: runs the compiled CLI (dist/, built by `npm ci`/`npm install` through `prepare`, or by
// `npm run build`) when it is at least as new as every TypeScript source; otherwise the source through tsx, which
// takes seconds to load, with a one-line hint on stderr.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "cli", "main.js");

/** The newest modification time of the .ts files under `dir` (0 when there is no such folder, as in the image). */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const fresh =
  existsSync(built) &&
  statSync(built).mtimeMs >= Math.max(...["cli", "src", "adapters"].map((d) => newestSource(join(root, d))));
if (fresh) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write(
    `paperboy: ${existsSync(built) ? "dist/ is older than the sources" : "not built"}; running the TypeScript through tsx (slow). \`npm run build\` makes commands answer in well under a second.\n`,
  );
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "cli", "main.ts")).href);
}
