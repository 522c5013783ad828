// Block Kit rendering: every block type, the limits table, overflow summaries, and hostile text rendered inert.
import { describe, expect, it } from "vitest";
import { SLACK_LIMITS } from "../../../adapters/slack/limits.js";
import {
  blockTextLength,
  renderSlackBlocks,
  type SlackBlock,
} from "../../../adapters/slack/render/block-kit.js";
import { renderSlackMessage } from "../../../adapters/slack/index.js";
import type { OutboundMessage } from "../../../src/index.js";
import { findLiveMarkup } from "./live-markup.js";
import { card, compactDigest, paperId, searchAnswer } from "./sample-messages.js";

type Section = Extract<SlackBlock, { type: "section" }>;
type Context = Extract<SlackBlock, { type: "context" }>;
type Actions = Extract<SlackBlock, { type: "actions" }>;

const totalText = (blocks: readonly SlackBlock[]) => blocks.reduce((n, b) => n + blockTextLength(b), 0);

describe("renderSlackMessage", () => {
  it("renders every neutral block type", () => {
    const message: OutboundMessage = {
      fallbackText: "all kinds",
      blocks: [
        { type: "header", text: "Header" },
        {
          type: "text",
          content: [
            { type: "text", text: "plain " },
            { type: "bold", text: "bold" },
            { type: "italic", text: "it" },
            { type: "code", text: "x" },
          ],
        },
        { type: "divider" },
        { type: "paper", slot: 1, paper: card(1) },
        { type: "context", content: [{ type: "link", text: "docs", url: "https://huggingface.co/papers" }] },
        { type: "actions", buttons: [{ kind: "link", text: "Open", url: "https://huggingface.co/papers" }] },
      ],
    };
    const { text, blocks } = renderSlackMessage(message);
    expect(text).toBe("all kinds");
    expect(blocks.map((b) => b.type)).toEqual([
      "header",
      "section",
      "divider",
      "section",
      "context",
      "actions",
      "context",
      "actions",
    ]);
    expect(blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "plain *bold*_it_`x`", verbatim: true },
    });
    expect(blocks[6]).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "<https://huggingface.co/papers|docs>", verbatim: true }],
    });
  });

  it("renders a paper as a linked numbered title with summary, facts, and Hugging Face / PDF / Code buttons", () => {
    const { blocks } = renderSlackMessage(compactDigest(1));
    const [, section, context, actions] = blocks as [SlackBlock, Section, Context, Actions];
    expect(section.text.text).toBe(
      `*1.* *<https://huggingface.co/papers/${paperId(1)}|Paper number 1: scaling laws for things>*\nWe show that a simple method beats a complicated one on every benchmark we tried.`,
    );
    expect(context.elements[0]?.text).toContain("▲ 99");
    expect(context.elements[0]?.text).toContain("react 1️⃣");
    expect(actions.elements.map((e) => [e.text.text, e.url])).toEqual([
      ["Hugging Face", `https://huggingface.co/papers/${paperId(1)}`],
      ["PDF", `https://arxiv.org/pdf/${paperId(1)}`],
      ["Code", "https://github.com/acme/thing"],
    ]);
  });

  it("merges a paper's Share button into its own actions block", () => {
    const { blocks } = renderSlackMessage(searchAnswer("q", 2));
    expect(blocks.map((b) => b.type)).toEqual([
      "section",
      "section",
      "context",
      "actions",
      "section",
      "context",
      "actions",
    ]);
    // One set of buttons per paper, each naming its paper's number.
    expect((blocks[3] as Actions).elements.map((e) => e.text.text)).toEqual([
      "Hugging Face 1",
      "PDF 1",
      "Code 1",
      "Share 1",
    ]);
    expect((blocks[6] as Actions).elements.map((e) => e.text.text)).toEqual([
      "Hugging Face 2",
      "PDF 2",
      "Code 2",
      "Share 2",
    ]);
    const share = (blocks[3] as Actions).elements.at(-1);
    expect(share).toMatchObject({ action_id: "paperboy:share", value: paperId(1) });
  });

  it("shows a card's thumbnail as its section's image, with its title as alt text, only over https", () => {
    const picture = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.10001.png";
    const one = (thumbnail: string, title = "A <!channel> & @here title") =>
      renderSlackMessage({
        fallbackText: "card",
        blocks: [{ type: "paper", slot: 1, paper: card(1, { thumbnail, title }) }],
      }).blocks[0] as Section;
    expect(one(picture).accessory).toEqual({
      type: "image",
      image_url: picture,
      alt_text: "A <\u2060!channel> & @\u2060here title",
    });
    expect(one(picture.replace("https:", "http:")).accessory).toBeUndefined();
    expect(one("javascript:alert(1)").accessory).toBeUndefined();
    expect(one(picture, "t".repeat(5_000)).accessory?.alt_text.length).toBeLessThanOrEqual(
      SLACK_LIMITS.altText,
    );
    // A compact list of papers stays text; a search hit (with its own buttons) has its picture.
    const withPictures = (message: OutboundMessage) =>
      message.blocks.map((b) =>
        b.type === "paper" ? { ...b, paper: { ...b.paper, thumbnail: picture } } : b,
      );
    const digest = compactDigest(3);
    const listed = renderSlackMessage({ ...digest, blocks: withPictures(digest) }).blocks;
    expect(listed.filter((b) => b.type === "section" && b.accessory !== undefined)).toEqual([]);
    const search = searchAnswer("q", 3);
    const hits = renderSlackMessage({ ...search, blocks: withPictures(search) }).blocks;
    expect(hits.filter((b) => b.type === "section" && b.accessory !== undefined)).toHaveLength(3);
  });

  it("drops buttons whose URL is not http(s)", () => {
    const { blocks } = renderSlackMessage({
      fallbackText: "x",
      blocks: [
        {
          type: "actions",
          buttons: [
            { kind: "link", text: "bad", url: "javascript:alert(1)" },
            { kind: "link", text: "ok", url: "https://arxiv.org" },
          ],
        },
      ],
    });
    expect((blocks[0] as Actions).elements.map((e) => e.text.text)).toEqual(["ok"]);
  });

  it("always sets a plain-text fallback", () => {
    expect(renderSlackMessage({ fallbackText: "", blocks: [] }).text).toBe("paperboy");
  });
});

describe("limits", () => {
  it("keeps a 60-paper message within 50 blocks and summarises the rest as +N more", () => {
    const rendered = renderSlackBlocks(compactDigest(60));
    expect(rendered.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    const shown = rendered.slots.size;
    expect(rendered.omitted).toBe(60 - shown);
    expect([...rendered.slots.keys()]).toEqual(Array.from({ length: shown }, (_, i) => i + 1));
    const summary = rendered.blocks.find((b) => b.type === "context" && b.elements[0]!.text.startsWith("+"));
    expect(summary).toMatchObject({
      elements: [
        { text: `+${String(60 - shown)} more not shown (Slack fits ${String(shown)} in one message)` },
      ],
    });
    // the trailing "react with a number" context survives
    expect(JSON.stringify(rendered.blocks.at(-1))).toContain("React with a number");
  });

  it("keeps the total block text under 12,000 characters even when every paper is huge", () => {
    const huge = compactDigest(30, (i) =>
      card(i, { title: "T".repeat(10_000), summary: "S".repeat(10_000), authors: "A".repeat(10_000) }),
    );
    const rendered = renderSlackBlocks(huge);
    expect(totalText(rendered.blocks)).toBeLessThanOrEqual(12_000);
    expect(rendered.omitted).toBeGreaterThan(0);
  });

  it("cuts a 10,000-character title in a paper, a header and a text block", () => {
    const long = "L".repeat(10_000);
    const { blocks } = renderSlackMessage({
      fallbackText: long,
      blocks: [
        { type: "header", text: long },
        { type: "text", content: [{ type: "text", text: long }] },
        { type: "paper", slot: 1, paper: card(1, { title: long }) },
      ],
    });
    const header = blocks[0] as Extract<SlackBlock, { type: "header" }>;
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    for (const b of blocks) {
      if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (b.type === "context")
        for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    expect((blocks[2] as Section).text.text.length).toBeLessThan(1_000);
    expect(renderSlackMessage({ fallbackText: long, blocks: [] }).text.length).toBeLessThanOrEqual(
      SLACK_LIMITS.fallbackText,
    );
  });

  it("GIVEN a title of & and a summary of < that grow fivefold when escaped THEN the paper's section stays within 3,000 characters", () => {
    const { blocks } = renderSlackMessage(
      compactDigest(1, (i) => card(i, { title: "&".repeat(2_000), summary: "<".repeat(2_000) })),
    );
    const sections = blocks.filter((b): b is Section => b.type === "section");
    expect(sections.length).toBeGreaterThan(0);
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(findLiveMarkup(blocks)).toEqual([]);
  });

  it("allows 100 blocks in the App Home view", () => {
    const rendered = renderSlackBlocks(compactDigest(40), SLACK_LIMITS.blocksPerHomeView);
    expect(rendered.blocks.length).toBeGreaterThan(SLACK_LIMITS.blocksPerMessage);
    expect(rendered.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerHomeView);
  });
});

describe("hostile text", () => {
  const hostile = [
    "<!channel> please read",
    "<!here|here> <!everyone> <!subteam^S123|@team>",
    "<@U123> and <@W999|boss> and <#C123|general>",
    "<https://evil.example|https://huggingface.co/papers/1>",
    "<https://evil.example>",
    "@here @channel @everyone",
    "*bold* _it_ ~strike~ `code` ```block``` > quote",
    "[click](https://evil.example)",
    "zero\u200Bwidth <!chan\u200Bnel> @\u200Bhere",
    "right-to-left \u202Egnp.exe\u202C and \u2067isolate\u2069",
    "emoji 👩‍🔬🏳️‍🌈 <!channel>🔥",
    "&lt;!channel&gt; pre-escaped",
    "x".repeat(10_000) + "<!channel>",
  ];
  it.each(hostile)("renders %j as text in titles, authors, organisations, summaries and queries", (text) => {
    const paper = card(1, {
      title: text,
      authors: text,
      organization: text,
      summary: text,
      reason: text,
      voteHint: text,
    });
    const message: OutboundMessage = {
      fallbackText: text,
      blocks: [
        { type: "header", text },
        {
          type: "text",
          content: [
            { type: "text", text: "Results for " },
            { type: "bold", text },
            { type: "link", text, url: "https://huggingface.co/papers?q=1" },
          ],
        },
        { type: "paper", slot: 1, paper },
        {
          type: "context",
          content: [
            { type: "italic", text },
            { type: "code", text },
          ],
        },
        {
          type: "actions",
          buttons: [
            { kind: "link", text, url: "https://arxiv.org/abs/1" },
            { kind: "action", text, actionId: "share", value: paperId(1) },
          ],
        },
      ],
    };
    const rendered = renderSlackMessage(message);
    expect(findLiveMarkup(rendered)).toEqual([]);
    expect(rendered.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(totalText(rendered.blocks)).toBeLessThanOrEqual(12_000);
  });

  it("builds no link from a paper URL that is not http(s)", () => {
    const rendered = renderSlackMessage(
      compactDigest(1, () => card(1, { url: "javascript:alert(1)", title: "t" })),
    );
    expect(JSON.stringify(rendered.blocks)).not.toContain("javascript:");
  });
});
