// The one quote-aware reader behind commands, topic filters and search queries.
import { describe, expect, it } from "vitest";
import { queryTokens, tokenize } from "../../src/shared/tokenize.js";
import { parseTopic } from "../../src/digest/topic-filter.js";
import { parseQuery } from "../../src/archive/search-index.js";

describe("tokenize", () => {
  it("splits on any whitespace and keeps quoted strings whole, straight or smart", () => {
    expect(tokenize('diffusion\t“world  model”  "agents"\nrl').map((t) => [t.text, t.quoted])).toEqual([
      ["diffusion", false],
      ["world model", true],
      ["agents", true],
      ["rl", false],
    ]);
  });

  it("runs an unclosed quote to the end and says so", () => {
    expect(tokenize('topic "world model')).toEqual([
      { text: "topic", quoted: false, unclosed: false, start: 0, end: 5 },
      { text: "world model", quoted: true, unclosed: true, start: 6, end: 18 },
    ]);
  });
});

describe("queryTokens", () => {
  it('reads -word and -"phrase" as exclusions, and a lone - before a space as a word', () => {
    expect(queryTokens('agents -survey -"world model" - x')).toEqual([
      { text: "agents", quoted: false, negated: false },
      { text: "survey", quoted: false, negated: true },
      { text: "world model", quoted: true, negated: true },
      { text: "-", quoted: false, negated: false },
      { text: "x", quoted: false, negated: false },
    ]);
  });

  it("gives topic filters and search queries the same reading of one text", () => {
    const text = 'diffusion “world model” -survey -"review paper"';
    expect(parseTopic(text)).toEqual({
      words: ["diffusion"],
      phrases: ["world model"],
      excluded: ["survey", "review paper"],
    });
    const query = parseQuery(text);
    expect(query.phrases).toEqual(["world model"]);
    expect(query.excluded).toEqual(["survey", "review", "paper"]);
    expect(query.text).toBe("diffusion world model");
  });
});
