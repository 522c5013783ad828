// Similarity boosts: candidates that resemble papers the channel voted for rank higher, with a reason.
import { describe, expect, it } from "vitest";
import { textTerms } from "../../src/archive/text-terms.js";
import type { Paper, PaperId } from "../../src/papers/paper.js";
import { similarityBoosts } from "../../src/digest/similarity.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const daily = hfFixturePapers();
const byId = (id: string) => daily.find((p) => p.id === id)!;

describe("similarity boosts", () => {
  const liked = [byId("2606.12243")]; // VIA-SD: speculative decoding
  const related = makePaper({
    id: "2607.00001",
    title: "Faster Speculative Decoding with Adaptive Drafters",
    aiKeywords: ["speculative decoding", "drafters", "verifiers"],
    abstract:
      "We accelerate speculative decoding of large language models with adaptive drafters and cheap verifiers.",
  });
  const unrelated = byId("2606.08039"); // MuJoCo drones simulator

  it("boosts a candidate sharing keywords with a liked paper and explains why", () => {
    const boosts = similarityBoosts([related, unrelated], liked, { maxBoost: 1.5 });
    const boost = boosts.get(related.id);
    expect(boost?.score).toBeGreaterThan(0);
    expect(boost?.score).toBeLessThanOrEqual(1.5);
    expect(boost?.reason).toBe(
      'like "VIA-SD: Verification via Intra-Model Routing for…", which you voted for',
    );
  });

  it("gives an unrelated candidate no boost", () => {
    expect(similarityBoosts([related, unrelated], liked, { maxBoost: 1.5 }).has(unrelated.id)).toBe(false);
  });

  it("gives a liked paper itself no boost", () => {
    expect(similarityBoosts([liked[0]!, related], liked, { maxBoost: 1.5 }).has(liked[0]!.id)).toBe(false);
  });

  it("names the most similar liked paper when several were liked", () => {
    const boosts = similarityBoosts([related], [unrelated, ...liked], { maxBoost: 1 });
    expect(boosts.get(related.id)?.reason).toContain("VIA-SD");
  });

  it("is deterministic and empty without liked papers", () => {
    const a = similarityBoosts(daily, [byId("2606.13392")], { maxBoost: 2 });
    const b = similarityBoosts(daily, [byId("2606.13392")], { maxBoost: 2 });
    expect([...a]).toEqual([...b]);
    expect(similarityBoosts(daily, [], { maxBoost: 2 }).size).toBe(0);
  });

  it("scores a shared, already indexed batch exactly like the plain TF-IDF cosine, whatever each channel liked", () => {
    const likedSets = [
      [byId("2606.12243")],
      [byId("2606.13392"), byId("2606.08039")],
      hfFixturePapers("papers_search_q-llama-3-herd_2025-05-18.json").slice(0, 4),
      [related, byId("2606.12243")],
      [{ ...related }], // a fresh copy with the same text, as the store hands out per digest
      [
        {
          ...related,
          title: "Quadrotor drones in simulation",
          aiKeywords: ["drones"],
          abstract: "MuJoCo drones and quadrotors.",
        },
      ],
    ];
    for (const likedPapers of likedSets) {
      const got = similarityBoosts(daily, likedPapers, { maxBoost: 1.5 }); // `daily` is indexed on first use
      const want = referenceBoosts(daily, likedPapers, 1.5);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [id, boost] of want) {
        expect(got.get(id)?.score).toBeCloseTo(boost.score, 12);
        expect(got.get(id)?.reason).toContain(boost.likedTitle.slice(0, 40));
      }
    }
  });
});

/** The textbook computation the fast path must match: every vector built from scratch per call. */
function referenceBoosts(candidates: readonly Paper[], liked: readonly Paper[], maxBoost: number) {
  const counts = (p: Paper): Map<string, number> => {
    const c = new Map<string, number>();
    const add = (text: string, w: number): void => {
      for (const t of textTerms(text)) c.set(t, (c.get(t) ?? 0) + w);
    };
    add(p.title, 2);
    add(p.aiKeywords.join(" ; "), 2);
    add(p.abstract, 1);
    return c;
  };
  const docs = new Map<string, Map<string, number>>();
  for (const p of [...liked, ...candidates]) if (!docs.has(p.id)) docs.set(p.id, counts(p));
  const df = new Map<string, number>();
  for (const c of docs.values()) for (const t of c.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const vec = (c: Map<string, number>) => {
    const w = new Map<string, number>();
    for (const [t, tf] of c) w.set(t, (1 + Math.log(tf)) * Math.log(1 + docs.size / (df.get(t) ?? 1)));
    return { w, norm: Math.sqrt([...w.values()].reduce((a, x) => a + x * x, 0)) };
  };
  const likedIds = new Set(liked.map((p) => p.id));
  const out = new Map<PaperId, { score: number; likedTitle: string }>();
  for (const cand of candidates) {
    if (likedIds.has(cand.id) || out.has(cand.id)) continue;
    const cv = vec(docs.get(cand.id)!);
    let best: { s: number; p: Paper } | undefined;
    for (const l of [...liked].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const lv = vec(docs.get(l.id)!);
      let dot = 0;
      for (const [t, x] of cv.w) dot += x * (lv.w.get(t) ?? 0);
      const s = dot / (cv.norm * lv.norm);
      if (!best || s > best.s) best = { s, p: l };
    }
    if (best && best.s >= 0.1)
      out.set(cand.id, { score: maxBoost * Math.min(1, best.s), likedTitle: best.p.title });
  }
  return out;
}
