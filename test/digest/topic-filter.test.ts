// Topic filters: parsing words, "phrases" and -exclusions, and matching them against papers.
import { describe, expect, it } from "vitest";
import { describeTopic, formatTopic, matchesTopic, parseTopic } from "../../src/digest/topic-filter.js";
import { makePaper } from "../fakes/hf-fixture-papers.js";

const paper = (title: string, abstract = "", aiKeywords: string[] = []) =>
  makePaper({ id: "2401.00001", title, abstract, aiKeywords });

describe("parseTopic", () => {
  it.each([
    ["diffusion transformer", { words: ["diffusion", "transformer"], phrases: [], excluded: [] }],
    ['"world model" agents', { words: ["agents"], phrases: ["world model"], excluded: [] }],
    ["agents -survey", { words: ["agents"], phrases: [], excluded: ["survey"] }],
    ['agents -"position paper"', { words: ["agents"], phrases: [], excluded: ["position paper"] }],
    ["“world model” robots", { words: ["robots"], phrases: ["world model"], excluded: [] }],
    ['"unclosed phrase', { words: [], phrases: ["unclosed phrase"], excluded: [] }],
    ["diffusion, OR transformer.", { words: ["diffusion", "transformer"], phrases: [], excluded: [] }],
    ["RL rl Rl", { words: ["RL"], phrases: [], excluded: [] }],
    ['  - --  ""  ', { words: [], phrases: [], excluded: [] }],
  ])("reads %j", (text, expected) => {
    expect(parseTopic(text)).toEqual(expected);
  });

  it("round-trips through formatTopic", () => {
    const filter = parseTopic('agents "world model" -survey -"position paper"');
    expect(parseTopic(formatTopic(filter))).toEqual(filter);
  });
});

describe("matchesTopic", () => {
  it("matches everything with an empty filter", () => {
    expect(matchesTopic(paper("Anything"), parseTopic(""))).toBe(true);
  });

  it("does not match a word inside another word: rl is not in world", () => {
    const filter = parseTopic("rl");
    expect(matchesTopic(paper("A world of models"), filter)).toBe(false);
    expect(matchesTopic(paper("Offline RL for robots"), filter)).toBe(true);
    expect(matchesTopic(paper("Scaling RL-based agents"), filter)).toBe(true);
  });

  it("matches any of several words (OR)", () => {
    const filter = parseTopic("diffusion transformer");
    expect(matchesTopic(paper("Latent diffusion for video"), filter)).toBe(true);
    expect(matchesTopic(paper("A transformer for proteins"), filter)).toBe(true);
    expect(matchesTopic(paper("Graph neural networks"), filter)).toBe(false);
  });

  it("requires every phrase (AND), as a substring of normalised text", () => {
    const filter = parseTopic('"world model" "self-supervised"');
    expect(matchesTopic(paper("World models", "A self supervised world model for driving"), filter)).toBe(
      true,
    );
    expect(matchesTopic(paper("World models", "A supervised world model"), filter)).toBe(false);
  });

  it("requires a word and all phrases together", () => {
    const filter = parseTopic('robots "world model"');
    expect(matchesTopic(paper("World model for robots"), filter)).toBe(true);
    expect(matchesTopic(paper("World model for driving"), filter)).toBe(false);
  });

  it("rejects a paper with any excluded word or phrase", () => {
    const filter = parseTopic('agents -survey -"position paper"');
    expect(matchesTopic(paper("LLM agents: a survey"), filter)).toBe(false);
    expect(matchesTopic(paper("Agents", "This position paper argues"), filter)).toBe(false);
    expect(matchesTopic(paper("Agents that plan"), filter)).toBe(true);
  });

  it("ignores case and diacritics", () => {
    expect(matchesTopic(paper("Gödel machines revisited"), parseTopic("godel"))).toBe(true);
    expect(matchesTopic(paper("Godel machines"), parseTopic("GÖDEL"))).toBe(true);
  });

  it("looks at AI keywords and the abstract, not only the title", () => {
    expect(
      matchesTopic(paper("Untitled", "", ["mixture-of-experts"]), parseTopic('"mixture of experts"')),
    ).toBe(true);
    expect(matchesTopic(paper("Untitled", "We study sparse MoE routing."), parseTopic("moe"))).toBe(true);
  });

  it("lets a word match its plural", () => {
    expect(matchesTopic(paper("Language agents in the wild"), parseTopic("agent"))).toBe(true);
  });
});

describe("describeTopic", () => {
  it("says all papers for the empty filter", () => {
    expect(describeTopic(parseTopic(""))).toBe("all papers");
  });

  it("names words, phrases and exclusions in words", () => {
    expect(describeTopic(parseTopic('diffusion video "world model" -survey'))).toBe(
      "any of diffusion, video; with “world model”; not survey",
    );
  });
});
