// The scopes paperboy asks for at install time, the two manifests and the installer's guide list the same set:
// a scope added in code but not in a manifest (or the other way round) breaks installs or read-back in the field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../../../adapters/slack/index.js";

function manifestScopes(file: string): string[] {
  const text = readFileSync(new URL(`../../../adapters/slack/${file}`, import.meta.url), "utf8");
  const block = /scopes:\n\s+bot:\n((?:\s+- [^\n]+\n)+)/.exec(text)?.[1] ?? "";
  return [...block.matchAll(/- ([\w:.]+)/g)].map((m) => m[1]!);
}

describe("Slack bot scopes", () => {
  it.each(["manifest.yml", "manifest.socket-mode.yml"])(
    "GIVEN %s THEN it lists exactly the scopes the OAuth flow asks for",
    (file) => {
      expect(manifestScopes(file).sort()).toEqual([...SLACK_BOT_SCOPES].sort());
    },
  );

  it("GIVEN docs/slack.md THEN its scope table explains every scope and no other", () => {
    const doc = readFileSync(new URL("../../../docs/slack.md", import.meta.url), "utf8");
    const table = /\| bot scope \|[^\n]*\n\|[-|]+\|\n((?:\|[^\n]*\n)+)/.exec(doc)?.[1] ?? "";
    const rows = [...table.matchAll(/^\| `([\w:.]+)` \|/gm)].map((m) => m[1]!);
    expect(rows.sort()).toEqual([...SLACK_BOT_SCOPES].sort());
  });
});

describe("docs/slack.md and the HTTP manifest", () => {
  it("names as many places to replace https://paperboy.example.com as the manifest has", () => {
    const manifest = readFileSync(new URL("../../../adapters/slack/manifest.yml", import.meta.url), "utf8");
    const places = manifest
      .split("\n")
      .filter(
        (line) => !line.trimStart().startsWith("#") && line.includes("https://paperboy.example.com"),
      ).length;
    const doc = readFileSync(new URL("../../../docs/slack.md", import.meta.url), "utf8");
    const words = ["zero", "one", "two", "three", "four", "five", "six"];
    expect(places).toBe(4);
    expect(doc).toContain(`your public URL (${words[places] ?? String(places)} places:`);
    expect(doc).toMatch(/press \*\*Retry\*\*/);
  });
});
