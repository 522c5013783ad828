// Similarity boosts: candidates that resemble papers the channel voted for rank higher, with a reason.
import { describe, expect, it } from "vitest";
import { similarityBoosts } from "../../../src/papers/search/similarity.js";
import { hfFixturePapers, makePaper } from "../../fakes/hf-fixture-papers.js";

const daily = hfFixturePapers();
const byId = (id: string) => daily.find((p) => p.id === id)!;

describe("similarity boosts", () => {
  const liked = [byId("2606.12243")]; // VIA-SD: speculative decoding
  const related = makePaper({
    id: "2607.00001",
    title: "Faster Speculative Decoding with Adaptive Drafters",
    aiKeywords: ["speculative decoding", "drafters", "verifiers"],
    abstract: "We accelerate speculative decoding of large language models with adaptive drafters and cheap verifiers.",
  });
  const unrelated = byId("2606.08039"); // MuJoCo drones simulator

  it("boosts a candidate sharing keywords with a liked paper and explains why", () => {
    const boosts = similarityBoosts([related, unrelated], liked, { maxBoost: 1.5 });
    const boost = boosts.get(related.id);
    expect(boost?.score).toBeGreaterThan(0);
    expect(boost?.score).toBeLessThanOrEqual(1.5);
    expect(boost?.reason).toBe('like "VIA-SD: Verification via Intra-Model Routing for Speculativ…", which you voted for');
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
});
