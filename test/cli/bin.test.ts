// bin/paperboy.js picks the compiled CLI when dist/ is at least as new as every source, else runs the TypeScript
// through tsx with a one-line hint. Run in a temp copy whose dist/ and sources say which one ran.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { root } from "../fakes/main-process.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "paperboy-bin-"));
  for (const d of ["bin", "cli", "src/deep", "adapters", "dist/cli"])
    mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(join(root, "bin", "paperboy.js"), join(dir, "bin", "paperboy.js"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, "cli", "main.ts"),
    'const from: string = "source";\nconsole.log(`from ${from}`);\n',
  );
  writeFileSync(join(dir, "src", "deep", "core.ts"), "export const x = 1;\n");
  writeFileSync(join(dir, "dist", "cli", "main.js"), 'console.log("from dist");\n');
  const past = new Date(Date.now() - 60_000);
  for (const f of ["cli/main.ts", "src/deep/core.ts"]) utimesSync(join(dir, f), past, past);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = () => spawnSync(process.execPath, [join(dir, "bin", "paperboy.js")], { encoding: "utf8" });

describe("bin/paperboy.js", () => {
  it("GIVEN a dist/ newer than every source THEN it runs dist/ and prints no hint", () => {
    const r = run();
    expect(r.stdout.trim()).toBe("from dist");
    expect(r.stderr).toBe("");
  });

  it("GIVEN a source edited after the build (deep in src/) THEN it runs the source and says dist/ is older", () => {
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(dir, "src", "deep", "core.ts"), future, future);
    const r = run();
    expect(r.stdout.trim()).toBe("from source");
    expect(r.stderr).toContain("dist/ is older than the sources");
    expect(r.stderr).toContain("npm run build");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("GIVEN no dist/ THEN it runs the source and says it is not built", () => {
    rmSync(join(dir, "dist"), { recursive: true });
    const r = run();
    expect(r.stdout.trim()).toBe("from source");
    expect(r.stderr).toContain("not built");
  });
});

describe("bin/prepare.js (npm ci's prepare)", () => {
  it("GIVEN only package.json and bin/ (the Docker build's install step) THEN it skips the build and succeeds", () => {
    copyFileSync(join(root, "bin", "prepare.js"), join(dir, "bin", "prepare.js"));
    rmSync(join(dir, "src"), { recursive: true });
    const r = spawnSync(process.execPath, [join(dir, "bin", "prepare.js")], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("skipping the build");
  });
});
