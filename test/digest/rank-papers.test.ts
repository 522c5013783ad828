// Ranking: the recorded 2026-06-12 Daily Papers batch, seen/minUpvotes/topic filters, boosts, recency, ties.
import { describe, expect, it } from "vitest";
import { parseTopic } from "../../src/digest/topic-filter.js";
import { rankPapers } from "../../src/digest/rank-papers.js";
import type { PaperId } from "../../src/papers/paper.js";
import { hfFixturePapers, makePaper } from "../fakes/hf-fixture-papers.js";

const daily = hfFixturePapers();
const now = new Date("2026-06-12T14:00:00Z");
const id = (raw: string) => raw as PaperId;

describe("rankPapers on the recorded 2026-06-12 batch", () => {
  it("puts the 118-upvote paper first and keeps all 30", () => {
    const ranked = rankPapers(daily, { now });
    expect(ranked).toHaveLength(30);
    expect(ranked[0]?.paper.id).toBe("2606.13681");
    expect(ranked[0]?.paper.upvotes).toBe(118);
    expect(ranked.slice(0, 3).map((r) => r.paper.upvotes)).toEqual([118, 103, 74]);
  });

  it("orders a same-day batch by upvotes", () => {
    const upvotes = rankPapers(daily, { now }).map((r) => r.paper.upvotes);
    expect(upvotes).toEqual([...upvotes].sort((a, b) => b - a));
  });

  it("drops papers the channel has seen", () => {
    const ranked = rankPapers(daily, { now, seen: new Set([id("2606.13681")]) });
    expect(ranked).toHaveLength(29);
    expect(ranked[0]?.paper.id).toBe("2606.13392");
  });

  it("drops papers below minUpvotes", () => {
    const ranked = rankPapers(daily, { now, minUpvotes: 10 });
    expect(ranked.map((r) => r.paper.upvotes).every((u) => u >= 10)).toBe(true);
    expect(ranked).toHaveLength(daily.filter((p) => p.upvotes >= 10).length);
  });

  it("keeps only papers on the topic", () => {
    const ranked = rankPapers(daily, { now, topic: parseTopic("agents -memory") });
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked.map((r) => r.paper.id)).not.toContain("2606.13681"); // EvoArena is about agent memory
  });

  it("lets a boost lift a paper and carries its reason", () => {
    const boosts = new Map([[id("2606.13106"), { score: 10, reason: "like EvoArena, which you voted for" }]]);
    const ranked = rankPapers(daily, { now, boosts });
    expect(ranked[0]?.paper.id).toBe("2606.13106");
    expect(ranked[0]?.reason).toBe("like EvoArena, which you voted for");
    expect(ranked[1]?.reason).toBeUndefined();
  });
});

describe("rankPapers rules", () => {
  it("keeps the duplicate with more upvotes", () => {
    const low = makePaper({ id: "2401.00001", title: "old copy", upvotes: 3 });
    const high = makePaper({ id: "2401.00001v2", title: "new copy", upvotes: 9 });
    const ranked = rankPapers([low, high], { now });
    expect(ranked).toHaveLength(1);
    expect(ranked[0]?.paper.title).toBe("new copy");
  });

  it("prefers a fresh paper over an older one with the same upvotes", () => {
    const old = makePaper({ id: "2401.00001", title: "old", upvotes: 20, dailyDate: "2026-06-01" });
    const fresh = makePaper({ id: "2401.00002", title: "fresh", upvotes: 20, dailyDate: "2026-06-12" });
    expect(rankPapers([old, fresh], { now }).map((r) => r.paper.title)).toEqual(["fresh", "old"]);
  });

  it("uses publishedAt when there is no dailyDate", () => {
    const old = makePaper({
      id: "2401.00001",
      title: "old",
      upvotes: 5,
      publishedAt: "2026-05-01T00:00:00.000Z",
    });
    const fresh = makePaper({
      id: "2401.00002",
      title: "fresh",
      upvotes: 5,
      publishedAt: "2026-06-11T00:00:00.000Z",
    });
    expect(rankPapers([old, fresh], { now }).map((r) => r.paper.title)).toEqual(["fresh", "old"]);
  });

  it("breaks exact ties by id, whatever the input order", () => {
    const a = makePaper({ id: "2401.00002", title: "b", upvotes: 5, dailyDate: "2026-06-12" });
    const b = makePaper({ id: "2401.00001", title: "a", upvotes: 5, dailyDate: "2026-06-12" });
    expect(rankPapers([a, b], { now }).map((r) => r.paper.id)).toEqual(["2401.00001", "2401.00002"]);
    expect(rankPapers([b, a], { now }).map((r) => r.paper.id)).toEqual(["2401.00001", "2401.00002"]);
  });

  it("returns scores that fall with rank", () => {
    const scores = rankPapers(daily, { now }).map((r) => r.score);
    expect(scores.every((s, i) => i === 0 || s <= (scores[i - 1] ?? Infinity))).toBe(true);
    expect(scores.every(Number.isFinite)).toBe(true);
  });
});
