// Renderer: hostile text stays inert, limits hold, overflow is summarised, buttons are ours.
import { describe, expect, it } from "vitest";
import { DISCORD_LIMITS } from "../../../../adapters/discord/limits.js";
import { truncate } from "../../../../src/messages/truncate.js";
import {
  embedChars,
  renderDiscord,
  renderDiscordMessage,
} from "../../../../adapters/discord/render/embeds.js";
import { escapeDiscord } from "../../../../adapters/discord/render/escape.js";
import type { OutboundMessage } from "../../../../src/index.js";
import { digest, paperCard } from "../messages.js";

const HOSTILE = [
  "@everyone new paper",
  "@here look",
  "ping <@1278000000000000004> and <@!1278000000000000004>",
  "role <@&1278000000000000001> channel <#1278000000000000002>",
  "[Totally arXiv](https://evil.example/steal)",
  "two links [a](https://evil.example/a) then [b](https://evil.example/b)",
  "\\[escaped](https://evil.example/c)",
  "bare https://evil.example/d link",
  "<https://evil.example/e>",
  "**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```",
  "# Heading\n- bullet\n1. numbered",
  "zero\u200bwidth @\u200beveryone and \u202Eevil\u202C right-to-left \u2066iso\u2069",
  "emoji 👩‍👩‍👧‍👦 🇺🇦 👍🏽 3️⃣",
  "x".repeat(10_000),
  "@everyone [x](https://evil.example) ".repeat(300),
];

/** Every string Discord shows from a payload; `markdown` where Discord renders markdown and autolinks. */
function texts(payload: ReturnType<typeof renderDiscordMessage>): { text: string; markdown: boolean }[] {
  const md = (text: string | undefined) => ({ text: text ?? "", markdown: true });
  const out = [md(payload.content)];
  for (const e of payload.embeds)
    out.push(md(e.title), md(e.description), { text: e.footer?.text ?? "", markdown: false });
  for (const e of payload.embeds) out.push(...(e.fields ?? []).flatMap((f) => [md(f.name), md(f.value)]));
  for (const row of payload.components)
    for (const b of row.components) out.push({ text: "label" in b ? (b.label ?? "") : "", markdown: false });
  return out;
}

/** Live things Discord would act on: mentions, bidi overrides, and (in markdown) links we did not build. */
function liveProblems(
  { text, markdown }: { text: string; markdown: boolean },
  ourUrls: readonly string[],
): string[] {
  const problems: string[] = [];
  if (/@(everyone|here)/i.test(text)) problems.push("everyone/here");
  if (/<@[!&]?\d+>|<#\d+>/.test(text)) problems.push("mention");
  if (/[\u202A-\u202E\u2066-\u2069]/.test(text)) problems.push("bidi control");
  if (!markdown) return problems;
  // Code spans render neither links nor markdown; an escaped backtick does not open one.
  text = text.replace(/(?<!\\)`[^`]*`/g, "``");
  for (const m of text.matchAll(/(?<!\\)\[[^\]]*\]\(([^)]*)\)/g))
    if (!ourUrls.includes(m[1] ?? "")) problems.push(`masked link ${m[0]}`);
  for (const m of text.matchAll(/https?:\/\/[^\s)>]+/g))
    if (!ourUrls.some((u) => u.startsWith(m[0]) || m[0].startsWith(u))) problems.push(`url ${m[0]}`);
  return problems;
}

describe("hostile text", () => {
  const ourUrls = [paperCard(1), paperCard(2)].flatMap((p) => [p.url, ...p.links.map((l) => l.url)]);

  it.each(HOSTILE)(
    "GIVEN a title, summary, author and query of %j THEN nothing in the output is a live mention or a foreign link",
    (evil) => {
      const message: OutboundMessage = {
        fallbackText: evil,
        blocks: [
          { type: "header", text: evil },
          {
            type: "text",
            content: [
              { type: "text", text: `Results for ${evil}` },
              { type: "bold", text: evil },
              { type: "code", text: evil },
            ],
          },
          {
            type: "paper",
            slot: 1,
            paper: paperCard(1, { title: evil, summary: evil, authors: evil, reason: evil, voteHint: evil }),
          },
          { type: "paper", slot: 2, paper: paperCard(2, { title: evil, organization: evil }) },
          { type: "context", content: [{ type: "italic", text: evil }] },
          {
            type: "actions",
            buttons: [{ kind: "action", text: evil, actionId: "share", value: "2606.00001" }],
          },
        ],
      };
      const payload = renderDiscordMessage(message);
      for (const text of texts(payload))
        expect(liveProblems(text, ourUrls), text.text.slice(0, 200)).toEqual([]);
      expect(payload.allowed_mentions).toEqual({ parse: [] });
      expect(payload.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(
        DISCORD_LIMITS.embedsTotalChars,
      );
      for (const e of payload.embeds) {
        expect(e.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.title);
        expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      }
      expect((payload.content ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    },
  );

  it("escapes markdown so a title shows its asterisks instead of turning bold", () => {
    expect(escapeDiscord("**Scaling** laws")).toBe("\\*\\*Scaling\\*\\* laws");
  });

  it("escapes every masked link on a line, not only the first (discord.js escapes one)", () => {
    expect(escapeDiscord("[a](https://x.example) [b](https://y.example)")).not.toMatch(/(?<!\\)\[b\]/);
  });

  it("keeps emoji sequences whole when a long title is cut", () => {
    const title = truncate(`${"a".repeat(250)}👩‍👩‍👧‍👦👩‍👩‍👧‍👦`, DISCORD_LIMITS.title);
    expect(title.length).toBeLessThanOrEqual(256);
    expect(title.endsWith("…")).toBe(true);
    expect(title).not.toMatch(/\u200d…$/);
  });

  it("links only http(s) URLs: a javascript: paper link becomes no button and no link", () => {
    const payload = renderDiscordMessage({
      fallbackText: "x",
      blocks: [
        {
          type: "paper",
          slot: 1,
          paper: paperCard(1, {
            url: "javascript:alert(1)",
            links: [{ kind: "code", label: "Code", url: "javascript:alert(1)" }],
          }),
        },
      ],
    });
    expect(JSON.stringify(payload)).not.toContain("javascript:");
  });
});

describe("limits and layout", () => {
  it("GIVEN 60 papers THEN at most 10 embeds, at most 6000 characters, and '+50 more' in the content", () => {
    const { payload, slots } = renderDiscord(digest(60));
    expect(payload.embeds.length).toBeLessThanOrEqual(10);
    expect(payload.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(6000);
    expect(payload.content).toContain(`+${String(60 - payload.embeds.length)} more: /papers today`);
    expect(slots.size).toBe(payload.embeds.length);
  });

  it("GIVEN 10 papers with 10,000-character summaries THEN every one is shown, shortened, within 6000", () => {
    const { payload, slots } = renderDiscord(digest(10, () => ({ summary: "s".repeat(10_000) })));
    expect(slots.size).toBe(10);
    expect(payload.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(6000);
  });

  it("renders a paper as a linked, coloured embed with its meta line and an https thumbnail", () => {
    const { payload } = renderDiscord(
      digest(2, (n) => ({
        thumbnail: `https://cdn.example/${String(n)}.png`,
        githubStars: 42,
        teamVotes: 3,
      })),
    );
    expect(payload.embeds[0]).toMatchObject({
      title: "1. Paper number 1",
      url: "https://huggingface.co/papers/2606.00001",
      color: 0xffd21e,
      thumbnail: { url: "https://cdn.example/1.png" },
      footer: { text: "react 1 to vote" },
    });
    expect(payload.embeds[0]?.description).toContain(
      "Ada Lovelace, Alan Turing +3 · Example Lab · 2026-06-12 · ▲ 99 · ★ 42 · 3 team votes",
    );
    expect(payload.embeds[0]?.description).toContain("[arXiv](https://arxiv.org/abs/2606.00001)");
  });

  it("turns a share action into a paperboy:share:<id> button and link buttons into link-style buttons", () => {
    const payload = renderDiscordMessage({
      fallbackText: "x",
      blocks: [
        {
          type: "actions",
          buttons: [
            { kind: "action", text: "Share", actionId: "share", value: "2407.21783" },
            { kind: "link", text: "arXiv", url: "https://arxiv.org/abs/2407.21783" },
          ],
        },
      ],
    });
    expect(payload.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: "Share", custom_id: "paperboy:share:2407.21783" },
          { type: 2, style: 5, label: "arXiv", url: "https://arxiv.org/abs/2407.21783" },
        ],
      },
    ]);
  });

  it("caps buttons at 5 per row and 5 rows", () => {
    const buttons = Array.from({ length: 40 }, (_, i) => ({
      kind: "link" as const,
      text: `L${String(i)}`,
      url: `https://x.example/${String(i)}`,
    }));
    const payload = renderDiscordMessage({ fallbackText: "x", blocks: [{ type: "actions", buttons }] });
    expect(payload.components).toHaveLength(5);
    expect(payload.components.every((r) => r.components.length <= 5)).toBe(true);
  });

  it("GIVEN more papers with buttons than Discord has rows THEN their numbered buttons are packed five to a row", () => {
    const blocks: OutboundMessage["blocks"] = Array.from({ length: 10 }, (_, i) => i + 1).flatMap((n) => [
      { type: "paper" as const, slot: n, paper: paperCard(n) },
      {
        type: "actions" as const,
        buttons: [
          {
            kind: "action" as const,
            text: "Share to channel",
            actionId: "share" as const,
            value: `2606.0000${String(n)}`,
          },
        ],
      },
    ]);
    const payload = renderDiscordMessage({ fallbackText: "x", blocks });
    expect(
      payload.components.map((r) => r.components.map((b) => ("label" in b ? b.label : undefined))),
    ).toEqual([
      ["Share 1", "Share 2", "Share 3", "Share 4", "Share 5"],
      ["Share 6", "Share 7", "Share 8", "Share 9", "Share 10"],
    ]);
  });

  it("GIVEN one paper with a Share action THEN its links are buttons too, unnumbered", () => {
    const payload = renderDiscordMessage({
      fallbackText: "x",
      blocks: [
        { type: "paper", slot: 1, paper: paperCard(1) },
        {
          type: "actions",
          buttons: [{ kind: "action", text: "Share to channel", actionId: "share", value: "2606.00001" }],
        },
      ],
    });
    const labels = payload.components.flatMap((r) =>
      r.components.map((b) => ("label" in b ? b.label : undefined)),
    );
    expect(labels.at(-1)).toBe("Share to channel");
    expect(labels).toContain("arXiv");
  });

  it("never sends an empty message: a message with no blocks falls back to its text", () => {
    expect(renderDiscordMessage({ fallbackText: "Nothing new today.", blocks: [] }).content).toBe(
      "Nothing new today.",
    );
  });
});
