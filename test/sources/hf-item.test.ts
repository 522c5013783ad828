// Hugging Face item parsing: recorded Daily Papers and search bodies, drifted and malformed items.
import { describe, expect, it } from "vitest";
import { toPaperId } from "../../src/papers/paper.js";
import { parseHfItems, parseHfPaper } from "../../src/sources/hf-item.js";
import { FIXTURES, recordedJson } from "../fakes/paper-api-server.js";

describe("parseHfItems on the recorded 2026-06-12 Daily Papers batch", () => {
  const { papers, dropped } = parseHfItems(recordedJson(FIXTURES.daily));

  it("keeps all 30 items and drops none", () => {
    expect(papers).toHaveLength(30);
    expect(dropped).toBe(0);
  });

  it("maps the first item's fields onto Paper", () => {
    const first = papers[0]!;
    expect(first).toMatchObject({
      id: "2606.00467",
      title:
        "On the Limits of LLM Adaptability: Impact of Model-Internalized Priors on Annotation Task Performance",
      dailyDate: "2026-06-12",
      publishedAt: "2026-05-30T00:00:00.000Z",
      upvotes: 0,
      organization: "California institute of technology",
      authors: [{ name: "Etienne Casanova" }, { name: "Rafal Kocielnik" }, { name: "R. Michael Alvarez" }],
      thumbnail: "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.00467.png",
    });
    expect(first.abstract).toMatch(/^Large Language Models \(LLMs\) are increasingly used/);
    expect(first.aiSummary).toMatch(/^Large language models exhibit limited ability/);
    expect(first.aiKeywords).toContain("decision stickiness");
  });

  it("keeps GitHub repo, stars and project page when the paper has them", () => {
    const web = papers.find((p) => p.id === "2606.10423")!;
    expect(web).toMatchObject({
      githubRepo: "https://github.com/jayoohwang1/webchallenger",
      githubStars: 2,
      projectPage: "https://jayoohwang1.github.io/webchallenger-site/",
      comments: 2,
    });
  });

  it("gives every paper a batch date and a canonical id", () => {
    for (const paper of papers) {
      expect(paper.dailyDate).toBe("2026-06-12");
      expect(toPaperId(paper.id)).toBe(paper.id);
    }
  });
});

describe("parseHfItems on recorded search bodies (no submittedBy, no ai_summary)", () => {
  it("parses the 9 kazakh results, including 2021 papers", () => {
    const { papers, dropped } = parseHfItems(recordedJson(FIXTURES.searchKazakh));
    expect(dropped).toBe(0);
    expect(papers).toHaveLength(9);
    expect(papers.map((p) => p.id)).toContain("2111.13419");
    expect(papers[0]!.aiSummary).toBeUndefined();
    expect(papers[0]!.dailyDate).toBeUndefined();
  });

  it("parses the 11 llama results, the first with all 533 authors", () => {
    const { papers, dropped } = parseHfItems(recordedJson(FIXTURES.searchLlama));
    expect(dropped).toBe(0);
    expect(papers).toHaveLength(11);
    expect(papers[0]!.id).toBe("2407.21783");
    expect(papers[0]!.authors).toHaveLength(533);
  });
});

describe("parseHfItems with drifted or broken items", () => {
  it("drops and counts one malformed item among valid ones (29 of 30)", () => {
    const items = recordedJson(FIXTURES.daily) as { paper: unknown }[];
    items[7] = { ...items[7], paper: { title: "no id here" } };
    const { papers, dropped } = parseHfItems(items);
    expect(papers).toHaveLength(29);
    expect(dropped).toBe(1);
  });

  it("drops items missing paper, paper.id or paper.title, and items whose id is not an arXiv id", () => {
    const { papers, dropped } = parseHfItems([
      null,
      "text",
      { title: "no paper" },
      { paper: { id: "2401.01234" } },
      { paper: { title: "T" } },
      { paper: { id: "not-an-arxiv-id", title: "T" } },
      { paper: { id: 2401.01234, title: "numeric id" } },
      { paper: { id: "2401.01234", title: "Kept" } },
    ]);
    expect(papers.map((p) => p.title)).toEqual(["Kept"]);
    expect(dropped).toBe(7);
  });

  it("reads the hand-made older 2024-10 shape (no summary, no submittedOnDailyAt, no ai_summary)", () => {
    // Hand-made body labelled as such: no genuine 2024-10 recording is stored (PLATFORMS.md §2.9).
    const { papers } = parseHfItems([
      {
        paper: {
          id: "2410.18975v2",
          title: "Unbounded:\n  A Generative Infinite Game",
          summary: "We introduce\nthe concept.",
          authors: [
            { name: "Jialu Li", hidden: false },
            { name: "Ghost", hidden: true },
          ],
          publishedAt: "2024-10-24T17:59:31.000Z",
          upvotes: 52,
        },
        publishedAt: "2024-10-25T01:21:43.063Z",
        title: "Unbounded: A Generative Infinite Game",
        numComments: 3,
      },
    ]);
    expect(papers[0]).toEqual({
      id: "2410.18975",
      title: "Unbounded: A Generative Infinite Game",
      abstract: "We introduce the concept.",
      aiKeywords: [],
      authors: [{ name: "Jialu Li" }],
      publishedAt: "2024-10-24T17:59:31.000Z",
      upvotes: 52,
      comments: 3,
    });
  });

  it("collapses newlines in paper.title when the item has no display title", () => {
    const { papers } = parseHfItems([{ paper: { id: "2401.01234", title: "A\n  B\tC " } }]);
    expect(papers[0]!.title).toBe("A B C");
  });

  it("keeps only http(s) links and ignores wrongly typed optional fields instead of dropping the paper", () => {
    const { papers, dropped } = parseHfItems([
      {
        paper: {
          id: "2401.01234",
          title: "T",
          githubRepo: "javascript:alert(1)",
          githubStars: 10,
          projectPage: "ftp://example.org",
          upvotes: "many",
          ai_keywords: "not a list",
        },
        thumbnail: "data:image/png;base64,AAAA",
        numComments: -3,
      },
    ]);
    expect(dropped).toBe(0);
    const paper = papers[0]!;
    expect(paper.githubRepo).toBeUndefined();
    expect(paper.githubStars).toBeUndefined();
    expect(paper.projectPage).toBeUndefined();
    expect(paper.thumbnail).toBeUndefined();
    expect(paper.upvotes).toBe(0);
    expect(paper.comments).toBe(0);
    expect(paper.aiKeywords).toEqual([]);
  });

  it("throws a clear error when the body is not an array", () => {
    expect(() => parseHfItems({ error: "Invalid date" })).toThrow(/expected a JSON array/);
    expect(() => parseHfItems(null)).toThrow(/got null/);
  });
});

describe("parseHfPaper (GET /api/papers/{id}, no wrapper)", () => {
  it("reads a bare paper object and strips the version from its id", () => {
    const item = recordedJson(FIXTURES.daily)[27] as { paper: Record<string, unknown> };
    const paper = parseHfPaper({ ...item.paper, id: `${String(item.paper.id)}v2` });
    expect(paper?.id).toBe("2606.13681");
    expect(paper?.upvotes).toBe(118);
  });

  it("is undefined for a malformed body", () => {
    expect(parseHfPaper({ title: "no id" })).toBeUndefined();
    expect(parseHfPaper("nope")).toBeUndefined();
  });
});
