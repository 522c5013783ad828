// Paper links in chat text and command arguments: which hosts carry an arXiv id, and what is left alone.
import { describe, expect, it } from "vitest";
import { parseCommand, parsePaperMessage } from "../../src/commands/parse-command.js";
import { findPaperLinks, paperIdOfUrl, paperReference } from "../../src/papers/paper-link.js";

describe("paperIdOfUrl", () => {
  it.each([
    ["https://arxiv.org/abs/2606.13681", "2606.13681"],
    ["https://arxiv.org/abs/2606.13681v3", "2606.13681"],
    ["https://arxiv.org/pdf/2606.13681v2", "2606.13681"],
    ["https://arxiv.org/pdf/2606.13681v2.pdf", "2606.13681"],
    ["http://export.arxiv.org/abs/2606.13681", "2606.13681"],
    ["https://www.arxiv.org/abs/2606.13681?context=cs", "2606.13681"],
    ["https://arxiv.org/html/2606.13681v1", "2606.13681"],
    ["https://arxiv.org/html/2606.13681v1/", "2606.13681"],
    ["https://huggingface.co/papers/2606.13681", "2606.13681"],
    ["https://huggingface.co/papers/2606.13681#community", "2606.13681"],
    ["https://www.alphaxiv.org/abs/2606.13681", "2606.13681"],
    ["https://alphaxiv.org/overview/2606.13681v2", "2606.13681"],
    ["https://ar5iv.labs.arxiv.org/html/1706.03762", "1706.03762"],
    ["https://ar5iv.org/abs/1706.03762", "1706.03762"],
    ["https://www.semanticscholar.org/arxiv/1706.03762", "1706.03762"],
    ["https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"],
    ["https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"],
    ["https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"],
  ])("GIVEN %s THEN it names %s", (url, id) => {
    expect(paperIdOfUrl(url)).toBe(id);
  });

  it.each([
    "https://arxiv.org/list/cs.LG/recent",
    "https://evil.example/arxiv.org/abs/2606.13681",
    "https://arxiv.org.evil.example/abs/2606.13681",
    "https://user@arxiv.org/abs/2606.13681",
    "javascript:alert(1)//arxiv.org/abs/2606.13681",
    "https://paperswithcode.com/paper/attention-is-all-you-need",
    "https://huggingface.co/papers/2606.13681/extra",
    "https://arxiv.org/abs/2606.136",
  ])("GIVEN %s THEN it names no paper", (url) => {
    expect(paperIdOfUrl(url)).toBeUndefined();
  });
});

describe("findPaperLinks", () => {
  it("GIVEN hostile text around links THEN only the links count, once per paper, URLs exactly as written, at most three", () => {
    const text =
      "@everyone <!channel> look [https://arxiv.org/abs/2401.00001](https://evil.example) and " +
      "<https://huggingface.co/papers/2606.13681|click> (https://arxiv.org/pdf/2606.13681v2). " +
      `${"𝔘".repeat(500)} https://alphaxiv.org/abs/2401.00002, https://arxiv.org/abs/2401.00003 https://arxiv.org/abs/2401.00004`;
    expect(findPaperLinks(text)).toEqual([
      { url: "https://arxiv.org/abs/2401.00001", id: "2401.00001" },
      { url: "https://huggingface.co/papers/2606.13681", id: "2606.13681" },
      { url: "https://alphaxiv.org/abs/2401.00002", id: "2401.00002" },
    ]);
  });
});

describe("the /papers grammar", () => {
  it.each([
    ["2606.13681", "2606.13681"],
    ["arXiv:2606.13681v2", "2606.13681"],
    ["hep-th/9901001", "hep-th/9901001"],
    ["https://arxiv.org/pdf/2606.13681v2", "2606.13681"],
    ["<https://huggingface.co/papers/2606.13681>", "2606.13681"],
    ["search https://arxiv.org/abs/2606.13681", "2606.13681"],
  ])("GIVEN /papers %s THEN it is a lookup of %s, not a search", (text, id) => {
    expect(parseCommand(text)).toEqual({ ok: true, value: { name: "paper", id } });
  });

  it("GIVEN a link among words THEN it is a search, as before", () => {
    expect(parseCommand("diffusion https://arxiv.org/abs/2606.13681")).toMatchObject({
      ok: true,
      value: { name: "search" },
    });
    expect(paperReference("https://example.com/abs/2606.13681")).toBeUndefined();
  });

  it("GIVEN a message with a link among other text THEN its first paper link is the lookup; none → a usage answer", () => {
    expect(parsePaperMessage("read this @here: https://arxiv.org/abs/2606.13681v1 !!")).toEqual({
      ok: true,
      value: { name: "paper", id: "2606.13681" },
    });
    expect(parsePaperMessage("2606.13681")).toEqual({ ok: true, value: { name: "paper", id: "2606.13681" } });
    const none = parsePaperMessage("no links here @everyone");
    expect(none.ok).toBe(false);
  });
});
