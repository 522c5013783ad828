// The scopes paperboy asks for at install time, the two manifests and the installer's guide list the same set:
// a scope added in code but not in a manifest (or the other way round) breaks installs or read-back in the field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES, SLACK_UNFURL_DOMAINS } from "../../../adapters/slack/index.js";
import { paperIdOfUrl } from "../../../src/papers/paper-link.js";

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

  it.each(["manifest.yml", "manifest.socket-mode.yml"])(
    "GIVEN %s THEN its unfurl domains are exactly the adapter's five, and it subscribes to link_shared",
    (file) => {
      const text = readFileSync(new URL(`../../../adapters/slack/${file}`, import.meta.url), "utf8");
      const block = /unfurl_domains:\n((?:\s+- [^\n]+\n)+)/.exec(text)?.[1] ?? "";
      expect([...block.matchAll(/- ([\w.-]+)/g)].map((m) => m[1])).toEqual([...SLACK_UNFURL_DOMAINS]);
      expect(text).toMatch(/bot_events:[^]*- link_shared/);
    },
  );

  it("GIVEN every kind of paper link paperboy reads THEN its host is an unfurl domain or a subdomain of one", () => {
    const samples = [
      "https://arxiv.org/abs/2606.13681",
      "https://export.arxiv.org/abs/2606.13681",
      "https://www.arxiv.org/pdf/2606.13681",
      "https://huggingface.co/papers/2606.13681",
      "https://www.alphaxiv.org/abs/2606.13681",
      "https://ar5iv.labs.arxiv.org/html/2606.13681",
      "https://ar5iv.org/abs/2606.13681",
      "https://www.semanticscholar.org/arxiv/2606.13681",
    ];
    for (const url of samples) {
      expect(paperIdOfUrl(url), url).toBe("2606.13681");
      const host = new URL(url).hostname;
      expect(
        SLACK_UNFURL_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`)),
        url,
      ).toBe(true);
    }
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
