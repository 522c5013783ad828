// Neutral messages for Discord adapter tests: digests of N papers, with hostile text where asked.
import type { OutboundMessage, PaperCard, PaperId } from "../../../src/index.js";

export function paperCard(n: number, over: Partial<PaperCard> = {}): PaperCard {
  const id = `2606.${String(n).padStart(5, "0")}` as PaperId;
  return {
    id,
    title: `Paper number ${String(n)}`,
    url: `https://huggingface.co/papers/${id}`,
    summary: `A one-sentence summary of paper ${String(n)}.`,
    authors: "Ada Lovelace, Alan Turing +3",
    organization: "Example Lab",
    date: "2026-06-12",
    upvotes: 100 - n,
    links: [
      { kind: "huggingFace", label: "Hugging Face", url: `https://huggingface.co/papers/${id}` },
      { kind: "arxiv", label: "arXiv", url: `https://arxiv.org/abs/${id}` },
    ],
    voteHint: `react ${String(n)} to vote`,
    ...over,
  };
}

export function digest(count: number, over: (n: number) => Partial<PaperCard> = () => ({})): OutboundMessage {
  return {
    fallbackText: `Top ${String(count)} papers`,
    blocks: [
      { type: "header", text: "Trending papers, 12 June" },
      ...Array.from({ length: count }, (_, i) => ({
        type: "paper" as const,
        slot: i + 1,
        paper: paperCard(i + 1, over(i + 1)),
      })),
      { type: "context", content: [{ type: "text", text: "React with a number to vote." }] },
    ],
  };
}
