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
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g)) if (m[1]) specs.push(m[1]);
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) if (m[1]) specs.push(m[1]);
  return specs;
}

describe("architecture", () => {
  it("keeps every platform SDK and adapter out of src/, except the composition root's factories", () => {
    for (const file of filesUnder("src")) {
      const specs = importsOf(file);
      expect(specs.filter((s) => PLATFORM_SDK.test(s)), file).toEqual([]);
      if (file !== "src/main.ts") expect(specs.filter((s) => s.includes("adapters/")), file).toEqual([]);
    }
  });

  it("lets adapters reach the core only through src/index.ts and never each other", () => {
    for (const file of filesUnder("adapters")) {
      const platform = file.split("/")[1] ?? "";
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = relative(root, resolve(root, file, "..", spec));
        if (target.startsWith("src/")) expect(target, `${file} imports ${spec}`).toBe("src/index.js");
        if (target.startsWith("adapters/")) expect(target.split("/")[1], `${file} imports ${spec}`).toBe(platform);
      }
    }
  });

  it("keeps each engine library in the one place that owns it", () => {
    const importers = (re: RegExp) => filesUnder("src").filter((f) => importsOf(f).some((s) => re.test(s)));
    expect(importers(/^node-cron$/)).toEqual(["src/scheduler/node-cron-scheduler.ts"]);
    // keyv serves documents and the cache only, one namespace factory per engine (ADR 0006).
    expect(importers(/^(keyv|@keyv\/)/)).toEqual(["src/storage/redis/redis-store.ts", "src/storage/sqlite/sqlite-store.ts"]);
    expect(importers(/^better-sqlite3$/).every((f) => f.startsWith("src/storage/sqlite/"))).toBe(true);
    expect(importers(/^@redis\/client$/)).toEqual(["src/storage/redis/redis-connection.ts"]);
    expect(importers(/^(bullmq|ioredis)$/)).toEqual(["src/scheduler/bullmq-queue.ts"]);
  });
});
