#!/usr/bin/env node
// `prepare` (run by `npm ci` and `npm install` in this folder): compiles to dist/ so `npx paperboy` starts fast.
// Skipped, with a note, where there is nothing to compile yet (the Docker build installs before copying the sources)
// or no compiler (production installs without dev dependencies).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "tsconfig.build.json")) || !existsSync(join(root, "src"))) {
  console.log("paperboy prepare: no sources here yet; skipping the build (run `npm run build` later)");
  process.exit(0);
}
let tsc;
try {
  tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
} catch {
  console.log("paperboy prepare: typescript is not installed (production install); skipping the build");
  process.exit(0);
}
const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
