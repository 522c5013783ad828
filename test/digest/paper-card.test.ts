// Paper cards: summary sentence, author line, stars, dates and which URLs may become links.
import { describe, expect, it } from "vitest";
import { firstSentence, formatCount, SUMMARY_MAX_CHARS, toPaperCard } from "../../src/digest/paper-card.js";
import { capText as cap } from "../../src/messages/truncate.js";

const capText = (text: string, max = SUMMARY_MAX_CHARS): string => cap(text, max);
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

describe("firstSentence", () => {
  it.each([
    ["We propose X, e.g. for video. Then more.", "We propose X, e.g. for video."],
    ["Methods (e.g. DPO) work. Second.", "Methods (e.g. DPO) work."],
    [
      "As shown by Smith et al. In this work we go further. Next.",
      "As shown by Smith et al. In this work we go further.",
    ],
    ["We compare GPT vs. Claude on tasks. Second.", "We compare GPT vs. Claude on tasks."],
    ["Only 34.8% of errors are fixed. The rest persist.", "Only 34.8% of errors are fixed."],
    ["Work by R. Michael Alvarez shows this. More.", "Work by R. Michael Alvarez shows this."],
    ["Does it scale? Yes.", "Does it scale?"],
    ["We use i.e. Adam here. Done.", "We use i.e. Adam here."],
    ["No terminal period", "No terminal period"],
    ["Line\nbreaks\n are  collapsed. Second.", "Line breaks are collapsed."],
  ])("%j → %j", (text, expected) => {
    expect(firstSentence(text)).toBe(expected);
  });

  it("finds the first sentence of a recorded abstract with decimals", () => {
    const paper = hfFixturePapers().find((p) => p.id === "2606.00467")!;
    expect(firstSentence(paper.abstract)).toBe(
      "Large Language Models (LLMs) are increasingly used for zero-shot annotation and LLM-as-a-judge tasks, yet their reliability hinges on how model-internalized priors interact with user-provided instructions.",
    );
  });
});

describe("capText", () => {
  it("cuts long text at a word boundary with an ellipsis", () => {
    const long = "word ".repeat(100).trim();
    const cut = capText(long, 300);
    expect(cut.endsWith("word…")).toBe(true);
    expect(Array.from(cut).length).toBeLessThanOrEqual(300);
  });

  it("leaves short text alone", () => {
    expect(capText("short", 300)).toBe("short");
  });
});

describe("formatCount", () => {
  it.each([
    [9, "9"],
    [950, "950"],
    [1234, "1.2k"],
    [1000, "1k"],
    [12_345, "12k"],
    [1_250_000, "1.3M"],
  ])("%d → %s", (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
});

describe("toPaperCard", () => {
  it("shows three authors and +N for the 533-author llama paper", () => {
    const llama = hfFixturePapers("papers_search_q-llama-3-herd_2025-05-18.json")[0]!;
    expect(toPaperCard(llama).authors).toBe("Abhimanyu Dubey, Abhinav Jauhri, Abhinav Pandey +530");
  });

  it("lists all authors when there are three or fewer", () => {
    const paper = makePaper({ id: "2401.00001", title: "T", authors: [{ name: "Ada" }, { name: "Alan" }] });
    expect(toPaperCard(paper).authors).toBe("Ada, Alan");
  });

  it("prefers the AI summary and falls back to the abstract's first sentence", () => {
    const base = { id: "2401.00001", title: "T", abstract: "First, e.g. this. Second." };
    expect(toPaperCard(makePaper({ ...base, aiSummary: "AI says so." })).summary).toBe("AI says so.");
    expect(toPaperCard(makePaper(base)).summary).toBe("First, e.g. this.");
  });

  it("builds the recorded EvoArena card with links, stars, date and organisation", () => {
    const evo = hfFixturePapers().find((p) => p.upvotes === 118)!;
    const card = toPaperCard(evo, { teamVotes: 2, reason: "because", voteHint: "react 1️⃣" });
    expect(card).toMatchObject({
      id: "2606.13681",
      url: "https://huggingface.co/papers/2606.13681",
      date: "2026-06-12",
      upvotes: 118,
      githubStars: 9,
      organization: "Massachusetts Institute of Technology",
      teamVotes: 2,
      reason: "because",
      voteHint: "react 1️⃣",
    });
    expect(card.links.map((l) => [l.kind, l.label])).toEqual([
      ["huggingFace", "Hugging Face"],
      ["arxiv", "arXiv"],
      ["pdf", "PDF"],
      ["code", "Code ★ 9"],
      ["project", "Project page"],
    ]);
    expect(card.links.find((l) => l.kind === "pdf")?.url).toBe("https://arxiv.org/pdf/2606.13681");
  });

  it("labels code with compact star counts", () => {
    const paper = makePaper({
      id: "2401.00001",
      title: "T",
      githubRepo: "https://github.com/a/b",
      githubStars: 1234,
    });
    expect(toPaperCard(paper).links.find((l) => l.kind === "code")?.label).toBe("Code ★ 1.2k");
  });

  it("never turns a javascript: or other non-http URL into a link", () => {
    const paper = makePaper({
      id: "2401.00001",
      title: "T",
      githubRepo: "javascript:alert(1)",
      projectPage: "data:text/html,hi",
      thumbnail: "ftp://example.com/x.png",
    });
    const card = toPaperCard(paper);
    expect(card.links.map((l) => l.kind)).toEqual(["huggingFace", "arxiv", "pdf"]);
    expect(card.links.every((l) => /^https?:\/\//.test(l.url))).toBe(true);
    expect(card.thumbnail).toBeUndefined();
  });

  it("uses the arXiv date when the paper never entered Daily Papers", () => {
    const paper = makePaper({ id: "2401.00001", title: "T", publishedAt: "2024-01-02T00:00:00.000Z" });
    expect(toPaperCard(paper).date).toBe("2024-01-02");
  });

  it("leaves out team votes of zero", () => {
    expect(
      toPaperCard(makePaper({ id: "2401.00001", title: "T" }), { teamVotes: 0 }).teamVotes,
    ).toBeUndefined();
  });
});
