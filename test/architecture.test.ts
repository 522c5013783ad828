// The import boundaries of STYLE.md section 2, checked in the build.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const PLATFORM_SDK = /^(@slack\/|discord\.js$|@discordjs\/|discord-api-types)/;

function filesUnder(dir: string): string[] {
  const abs = join(root, dir);
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(relative(root, path)));
    else if (name.endsWith(".ts")) out.push(relative(root, path));
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g))
    if (m[1]) specs.push(m[1]);
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) if (m[1]) specs.push(m[1]);
  return specs;
}

describe("architecture", () => {
  it("keeps every platform SDK and adapter out of src/, except the composition root's factories", () => {
    for (const file of filesUnder("src")) {
      const specs = importsOf(file);
      expect(
        specs.filter((s) => PLATFORM_SDK.test(s)),
        file,
      ).toEqual([]);
      if (file !== "src/main.ts")
        expect(
          specs.filter((s) => s.includes("adapters/")),
          file,
        ).toEqual([]);
    }
  });

  it("lets adapters reach the core only through src/index.ts and never each other", () => {
    for (const file of filesUnder("adapters")) {
      const platform = file.split("/")[1] ?? "";
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = relative(root, resolve(root, file, "..", spec));
        if (target.startsWith("src/")) expect(target, `${file} imports ${spec}`).toBe("src/index.js");
        if (target.startsWith("adapters/"))
          expect(target.split("/")[1], `${file} imports ${spec}`).toBe(platform);
      }
    }
  });

  it("keeps each engine library in the one place that owns it", () => {
    const importers = (re: RegExp) => filesUnder("src").filter((f) => importsOf(f).some((s) => re.test(s)));
    expect(importers(/^node-cron$/)).toEqual(["src/scheduler/node-cron-scheduler.ts"]);
    // keyv serves documents and the cache only, one namespace factory per engine (ADR 0006).
    expect(importers(/^(keyv|@keyv\/)/)).toEqual([
      "src/storage/redis/redis-store.ts",
      "src/storage/sqlite/sqlite-store.ts",
    ]);
    expect(importers(/^better-sqlite3$/).every((f) => f.startsWith("src/storage/sqlite/"))).toBe(true);
    expect(importers(/^@redis\/client$/)).toEqual(["src/storage/redis/redis-connection.ts"]);
    expect(importers(/^(bullmq|ioredis)$/)).toEqual(["src/scheduler/bullmq-queue.ts"]);
  });

  // The core's own layers (README "Development"): the model and ports at the bottom, the use cases above them, the
  // composition root on top. Folder → folder arrows must not run back up.
  const folderOf = (file: string): string => {
    const parts = file.split("/");
    return parts.length > 2 ? (parts[1] ?? "") : file;
  };
  const localImports = (file: string): string[] =>
    importsOf(file)
      .filter((s) => s.startsWith("."))
      .map((s) => relative(root, resolve(root, file, "..", s)).replace(/\.js$/, ".ts"));
  // Cross-cutting leaves every layer may use: the logger and metrics ports (they import nothing above the model).
  const LEAVES = new Set(["src/ops/logger.ts", "src/ops/metrics.ts"]);
  const MODEL = new Set(["papers", "messages", "platform", "shared", "config"]);

  it("keeps the model and the ports (papers, messages, platform, shared, config) free of anything above them", () => {
    for (const file of filesUnder("src").filter((f) => MODEL.has(folderOf(f)) || LEAVES.has(f))) {
      for (const target of localImports(file)) {
        const ok = MODEL.has(folderOf(target)) || LEAVES.has(target);
        expect(ok, `${file} imports ${target}`).toBe(true);
      }
    }
  });

  it("lets only the composition root reach the wiring, the engines and the process-level ops", () => {
    const composition = new Set(["src/main.ts", "src/create-core.ts", "src/index.ts", "src/paperboy.ts"]);
    const guarded: [RegExp, (importer: string) => boolean][] = [
      [/^src\/(main|create-core)\.ts$/, (f) => f === "src/main.ts"],
      [/^src\/storage\/(sqlite|redis)\//, (f) => f.startsWith("src/storage/")],
      [
        /^src\/scheduler\/(bullmq-queue|local-queue|node-cron-scheduler)\.ts$/,
        (f) => f === "src/scheduler/create-work-queue.ts",
      ],
      [/^src\/ops\/(ops-server|shutdown)\.ts$/, () => false],
    ];
    for (const file of filesUnder("src").filter((f) => !composition.has(f))) {
      for (const target of localImports(file)) {
        for (const [pattern, allowed] of guarded) {
          if (pattern.test(target)) expect(allowed(file), `${file} imports ${target}`).toBe(true);
        }
      }
    }
  });

  it("has no cycle between the core's folders (an arrow one way only)", () => {
    const edges = new Map<string, Set<string>>();
    for (const file of filesUnder("src").filter((f) => !LEAVES.has(f))) {
      const from = folderOf(file);
      for (const target of localImports(file)) {
        if (LEAVES.has(target)) continue;
        const to = folderOf(target);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    for (const [from, tos] of edges)
      for (const to of tos) if (from < to && edges.get(to)?.has(from)) cycles.push(`${from} <-> ${to}`);
    expect(cycles).toEqual([]);
  });

  it("exports from src/index.ts only what the adapters import", () => {
    const index = readFileSync(join(root, "src/index.ts"), "utf8");
    const exported = [...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
      (m[1] ?? "")
        .split(",")
        .map((n) => n.replace(/\btype\b/, "").trim())
        .filter((n) => n !== ""),
    );
    const used = new Set<string>();
    for (const file of filesUnder("adapters")) {
      const text = readFileSync(join(root, file), "utf8");
      for (const m of text.matchAll(/import (?:type )?\{([^}]*)\} from ["']([^"']+)["']/g)) {
        if (relative(root, resolve(root, file, "..", m[2] ?? "")) !== "src/index.js") continue;
        for (const n of (m[1] ?? "").split(",")) used.add(n.replace(/\btype\b/, "").trim());
      }
    }
    expect(exported.filter((n) => !used.has(n))).toEqual([]);
  });
});
