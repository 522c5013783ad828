// Digest composition: compact and cards shapes, slots, overflow lines, empty digests and search lists.
import { describe, expect, it } from "vitest";
import { composeDigest, composePaperList } from "../../src/digest/compose-digest.js";
import { rankPapers } from "../../src/digest/rank-papers.js";
import type { ComposeOptions } from "../../src/digest/digest-types.js";
import {
  slotsOf,
  type Inline,
  type MessageBlock,
  type OutboundMessage,
} from "../../src/messages/outbound-message.js";
import type { PaperId } from "../../src/papers/paper.js";
import { CHAT_WORDS } from "../../src/platform/platform-words.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const ranked = rankPapers(hfFixturePapers(), { now: new Date("2026-06-12T14:00:00Z") });
const base: ComposeOptions = {
  title: "Trending papers — Fri 12 June",
  top: 5,
  layout: "compact",
  moreCommand: "/papers today",
};

const inlineText = (content: readonly Inline[]) => content.map((run) => run.text).join("");
const contexts = (message: OutboundMessage) =>
  message.blocks.flatMap((b) => (b.type === "context" ? [inlineText(b.content)] : []));
const types = (message: OutboundMessage) => message.blocks.map((b) => b.type);
const papers = (message: OutboundMessage) =>
  message.blocks.flatMap<Extract<MessageBlock, { type: "paper" }>>((b) => (b.type === "paper" ? [b] : []));

describe("composeDigest, compact layout", () => {
  const digest = composeDigest(ranked, base);
  const message = digest.messages[0]!;

  it("posts one message with the top 5 in slots 1..5", () => {
    expect(digest.messages).toHaveLength(1);
    expect([...slotsOf(message).keys()]).toEqual([1, 2, 3, 4, 5]);
    expect(slotsOf(message).get(1)).toBe("2606.13681");
    expect(digest.shown).toEqual(ranked.slice(0, 5).map((r) => r.paper.id));
  });

  it("summarises the other 25 in one '+25 more' line", () => {
    expect(digest.overflow).toBe(25);
    expect(contexts(message)).toContain("+25 more: /papers today");
  });

  it("opens with the header, separates papers with dividers and ends with how to vote", () => {
    expect(types(message)).toEqual([
      "header",
      "paper",
      "divider",
      "paper",
      "divider",
      "paper",
      "divider",
      "paper",
      "divider",
      "paper",
      "context",
      "context",
    ]);
    expect(message.blocks[0]).toEqual({ type: "header", text: base.title });
    expect(contexts(message).at(-1)).toBe("React with 1️⃣–5️⃣ to vote for a paper.");
  });

  it("hints each paper's keycap", () => {
    expect(papers(message).map((b) => b.paper.voteHint)).toEqual([
      "react 1️⃣",
      "react 2️⃣",
      "react 3️⃣",
      "react 4️⃣",
      "react 5️⃣",
    ]);
  });

  it("has a plain-text fallback listing the papers", () => {
    const lines = message.fallbackText.split("\n");
    expect(lines[1]).toBe(
      "1. EvoArena: Tracking Memory Evolution for Robust LLM Agents in Dynamic Environments (▲ 118)",
    );
    expect(lines).toContain("+25 more: /papers today");
  });

  it("shows the notice as context right after the header", () => {
    const notice = "⚠ Hugging Face could not be reached; these may be stale";
    const withNotice = composeDigest(ranked, { ...base, notice }).messages[0]!;
    expect(withNotice.blocks[1]).toEqual({ type: "context", content: [{ type: "text", text: notice }] });
  });

  it("has no overflow line when everything fits", () => {
    const few = composeDigest(ranked.slice(0, 3), base);
    expect(few.overflow).toBe(0);
    expect(contexts(few.messages[0]!).some((c) => c.includes("more"))).toBe(false);
    expect(contexts(few.messages[0]!).at(-1)).toBe("React with 1️⃣–3️⃣ to vote for a paper.");
  });

  it("carries team votes and ranking reasons onto the cards", () => {
    const id = ranked[1]!.paper.id;
    const withReason = [ranked[0]!, { ...ranked[1]!, reason: "like X, which you voted for" }];
    const digestWithVotes = composeDigest(withReason, {
      ...base,
      teamVotes: new Map<PaperId, number>([[id, 3]]),
    });
    const second = papers(digestWithVotes.messages[0]!)[1]!.paper;
    expect(second).toMatchObject({ teamVotes: 3, reason: "like X, which you voted for" });
  });

  it("caps a digest at ten keycap slots", () => {
    const big = composeDigest(ranked, { ...base, top: 50 });
    expect(big.shown).toHaveLength(10);
    expect(big.overflow).toBe(20);
  });
});

describe("composeDigest, cards layout", () => {
  const digest = composeDigest(ranked, { ...base, layout: "cards", top: 3 });

  it("posts a header message and one message per paper", () => {
    expect(digest.messages).toHaveLength(4);
    expect(digest.shown).toHaveLength(3);
    expect(digest.overflow).toBe(27);
  });

  it("explains voting and the overflow in the header message", () => {
    const header = digest.messages[0]!;
    expect(slotsOf(header).size).toBe(0);
    expect(contexts(header)).toEqual([
      "+27 more: /papers today",
      "React 👍 🔥 ❤️ ⬆️ on a paper to vote; its thread is for discussion.",
    ]);
  });

  it("puts each paper at slot 1 with a vote-emoji hint and its links, and no second set of link buttons", () => {
    const card = digest.messages[1]!;
    // Renderers make the link buttons from the card's links; an actions block here would show them twice.
    expect(types(card)).toEqual(["paper"]);
    expect([...slotsOf(card)]).toEqual([[1, "2606.13681"]]);
    expect(papers(card)[0]!.paper.voteHint).toBe("react 👍 🔥 ❤️ ⬆️");
    expect(papers(card)[0]!.paper.links.map((l) => l.kind)).toEqual([
      "huggingFace",
      "arxiv",
      "pdf",
      "code",
      "project",
    ]);
  });

  it("uses the channel's vote emoji when given", () => {
    const custom = composeDigest(ranked, { ...base, layout: "cards", top: 1, voteEmoji: ["🚀"] });
    expect(papers(custom.messages[1]!)[0]!.paper.voteHint).toBe("react 🚀");
  });

  it("leaves out the Code link for a paper with no safe repo link", () => {
    const paper = makePaper({ id: "2401.00001", title: "T", githubRepo: "javascript:alert(1)" });
    const cards = composeDigest([{ paper, score: 1 }], { ...base, layout: "cards" });
    expect(papers(cards.messages[1]!)[0]!.paper.links.map((l) => l.kind)).toEqual([
      "huggingFace",
      "arxiv",
      "pdf",
    ]);
  });

  it("says how to vote in the platform's own words", () => {
    const words = {
      ...CHAT_WORDS,
      slotHint: (slot: number) => `+${String(slot)}`,
      slotsHint: (n: number) => `Type +1 … +${String(n)}.`,
    };
    const typed = composeDigest(ranked, base, words).messages[0]!;
    expect(papers(typed).map((b) => b.paper.voteHint)).toEqual(["+1", "+2", "+3", "+4", "+5"]);
    expect(contexts(typed).at(-1)).toBe("Type +1 … +5.");
  });
});

describe("composeDigest with nothing to show", () => {
  it("posts one 'No new papers' message with the notice", () => {
    const digest = composeDigest([], { ...base, notice: "stale" });
    expect(digest).toMatchObject({ shown: [], overflow: 0 });
    expect(digest.messages).toHaveLength(1);
    expect(contexts(digest.messages[0]!)).toEqual(["stale"]);
    expect(digest.messages[0]!.fallbackText).toContain("No new papers");
  });

  it("says what its composer found instead when told (a first digest, an on-demand week)", () => {
    const digest = composeDigest([], { ...base, empty: "No papers trended on Hugging Face this week yet." });
    expect(digest.messages[0]!.fallbackText).toContain("No papers trended on Hugging Face this week yet.");
    expect(digest.messages[0]!.fallbackText).not.toContain("since the last digest");
  });
});

describe("the '+N more' line", () => {
  it("GIVEN links to the period's Hugging Face pages THEN it points there, not to a command", () => {
    const withLinks = composeDigest(ranked, {
      title: base.title,
      top: 5,
      layout: "compact",
      moreLinks: [{ text: "Fri 12 June", url: "https://huggingface.co/papers/date/2026-06-12" }],
    });
    const message = withLinks.messages[0]!;
    const more = message.blocks.find((b) => b.type === "context" && inlineText(b.content).startsWith("+25"));
    expect(more).toEqual({
      type: "context",
      content: [
        { type: "text", text: "+25 more on Hugging Face: " },
        { type: "link", text: "Fri 12 June", url: "https://huggingface.co/papers/date/2026-06-12" },
      ],
    });
    expect(message.fallbackText).toContain(
      "+25 more on Hugging Face: Fri 12 June https://huggingface.co/papers/date/2026-06-12",
    );
  });
});

describe("composePaperList", () => {
  it("follows each result with its one Share button (renderers add the link buttons from the card)", () => {
    const message = composePaperList(ranked.slice(0, 2), {
      title: "Papers about agents",
      shareButtons: true,
    });
    expect(types(message)).toEqual(["header", "paper", "actions", "paper", "actions"]);
    expect([...slotsOf(message).keys()]).toEqual([1, 2]);
    const actions = message.blocks[2] as Extract<MessageBlock, { type: "actions" }>;
    expect(actions.buttons).toEqual([
      { kind: "action", actionId: "share", value: "2606.13681", text: "Share to channel" },
    ]);
  });

  it("has no buttons when shareButtons is false", () => {
    const message = composePaperList(
      ranked.slice(0, 1).map((r) => r.paper),
      { title: "t", shareButtons: false },
    );
    expect(types(message)).toEqual(["header", "paper"]);
  });

  it("says no papers match the query and gives a hint", () => {
    const message = composePaperList([], { title: "Search", shareButtons: true, query: "quantum llamas" });
    const texts = message.blocks.flatMap((b) => (b.type === "text" ? [inlineText(b.content)] : []));
    expect(texts[0]).toBe("No papers match “quantum llamas”.");
    expect(contexts(message)[0]).toContain("/papers week");
  });

  it("never puts markdown into runs: a hostile title stays one plain field", () => {
    const paper = makePaper({ id: "2401.00001", title: "*bold* <!channel> [x](javascript:y)" });
    const message = composePaperList([paper], { title: "t", shareButtons: false });
    expect(papers(message)[0]!.paper.title).toBe("*bold* <!channel> [x](javascript:y)");
  });
});
