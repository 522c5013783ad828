// Test support: hand-made neutral messages (digests, search answers) in the shapes the core composes.
import type { MessageBlock, OutboundMessage, PaperCard, PaperId } from "../../../src/index.js";
import { keycap } from "../../../src/index.js";

export function paperId(i: number): PaperId {
  return `2606.${String(10000 + i)}` as PaperId;
}

export function card(i: number, overrides: Partial<PaperCard> = {}): PaperCard {
  const id = paperId(i);
  return {
    id,
    title: `Paper number ${String(i)}: scaling laws for things`,
    url: `https://huggingface.co/papers/${id}`,
    summary: "We show that a simple method beats a complicated one on every benchmark we tried.",
    authors: "Ada Lovelace, Alan Turing, Grace Hopper +4",
    organization: "Acme Research",
    date: "2026-06-12",
    upvotes: 100 - i,
    githubStars: 42,
    links: [
      { kind: "huggingFace", label: "Hugging Face", url: `https://huggingface.co/papers/${id}` },
      { kind: "arxiv", label: "arXiv", url: `https://arxiv.org/abs/${id}` },
      { kind: "pdf", label: "PDF", url: `https://arxiv.org/pdf/${id}` },
      { kind: "code", label: "Code", url: "https://github.com/acme/thing" },
    ],
    voteHint: `react ${keycap(i)}`,
    ...overrides,
  };
}

/** A compact digest: header, then `n` numbered papers. */
export function compactDigest(n: number, make: (i: number) => PaperCard = (i) => card(i)): OutboundMessage {
  const blocks: MessageBlock[] = [{ type: "header", text: "Trending on Hugging Face — Fri 12 Jun" }];
  for (let i = 1; i <= n; i++) blocks.push({ type: "paper", slot: i, paper: make(i) });
  blocks.push({ type: "context", content: [{ type: "text", text: "React with a number to vote." }] });
  return { fallbackText: `${String(n)} trending papers`, blocks };
}

/** A search answer: each paper followed by its Share button, as the core composes it. */
export function searchAnswer(query: string, n: number): OutboundMessage {
  const blocks: MessageBlock[] = [
    {
      type: "text",
      content: [
        { type: "text", text: "Results for " },
        { type: "bold", text: query },
      ],
    },
  ];
  for (let i = 1; i <= n; i++) {
    blocks.push({ type: "paper", slot: i, paper: card(i) });
    blocks.push({
      type: "actions",
      buttons: [{ kind: "action", text: "Share to channel", actionId: "share", value: paperId(i) }],
    });
  }
  return { fallbackText: `Results for ${query}`, blocks };
}
