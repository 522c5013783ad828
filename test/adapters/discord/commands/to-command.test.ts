// Typed /papers options → the core's Command through the parser's own readers: the same Command the text would
// give, the parser's usage errors for bad values, and nothing a value holds can turn into another option.
import { describe, expect, it } from "vitest";
import { commandFromOptions } from "../../../../adapters/discord/commands/to-command.js";
import { commandToText, type OptionValue } from "../../../../adapters/discord/commands/to-text.js";
import { parseCommand } from "../../../../src/commands/parse-command.js";

const read = (subcommand: string, options: Record<string, OptionValue> = {}) =>
  commandFromOptions({ subcommand, options });

describe("commandFromOptions", () => {
  it.each([
    ["search", { query: "self-supervised  learning" }],
    ["search", { query: "diffusion “world model” -survey" }],
    ["today", {}],
    ["week", {}],
    ["month", {}],
    [
      "subscribe",
      { source: "daily", at: "09:30", tz: "Europe/Berlin", topic: "rlhf", top: 5, min: 10, layout: "cards" },
    ],
    ["subscribe", {}],
    ["subscribe", { source: "weekly", topic: "world model" }],
    ["subscribe", { source: "daily", updates: "off" }],
    ["subscribe", { layout: "cards", updates: "50" }],
    ["subscribe", { source: "arxiv", category: "cs.lg", cron: "0 9 * * 1-5" }],
    ["unsubscribe", {}],
    ["unsubscribe", { source: "arxiv", category: "CS.cl" }],
    ["settings", {}],
    ["top", {}],
    ["top", { period: "all" }],
    ["catchup", {}],
    ["catchup", { days: 3 }],
    ["watch", { topic: "diffusion models", threshold: 20 }],
    ["unwatch", { topic: "diffusion models" }],
    ["help", { topic: "subscribe" }],
  ] as const)("GIVEN /papers %s %j THEN the Command is the one its text reads as", (subcommand, options) => {
    const typed = { subcommand, options };
    const parsed = commandFromOptions(typed);
    expect(parsed.ok).toBe(true);
    expect(parsed).toEqual(parseCommand(commandToText(typed)));
  });

  it.each([
    ["subscribe", { at: "25:00" }, "subscribe daily at 25:00"],
    ["subscribe", { tz: "Mars/Olympus" }, "subscribe daily tz Mars/Olympus"],
    ["subscribe", { at: "09:00", cron: "0 9 * * *" }, 'subscribe daily at 09:00 cron "0 9 * * *"'],
    ["subscribe", { cron: "61 9 * * *" }, 'subscribe daily cron "61 9 * * *"'],
    ["subscribe", { source: "arxiv" }, "subscribe arxiv"],
    ["subscribe", { source: "arxiv", category: "cs.LG.x" }, "subscribe arxiv:cs.LG.x"],
    ["subscribe", { top: 11 }, "subscribe daily top 11"],
    ["catchup", { days: 91 }, "catchup 91"],
    ["watch", { topic: "diffusion", threshold: 100_001 }, 'watch "diffusion" above 100001'],
    ["search", { query: "-survey" }, "search -survey"],
  ] as const)(
    "GIVEN /papers %s %j THEN it is the parser's usage error for %j",
    (subcommand, options, text) => {
      const parsed = read(subcommand, options);
      expect(parsed.ok).toBe(false);
      const fromText = parseCommand(text);
      expect(fromText.ok).toBe(false);
      if (parsed.ok || fromText.ok) return;
      // The same rule answers; the wording names the value as typed (one token here, where text splits on spaces).
      expect(parsed.error.example).toBe(fromText.error.example);
    },
  );

  it("GIVEN a value holding another option's keyword THEN it stays that option's value and is judged as one", () => {
    const zone = read("subscribe", { tz: "UTC top 99" });
    expect(zone.ok ? zone.value : zone.error.problem).toBe(
      'Unknown time zone "UTC top 99"; use an IANA name, e.g. tz Europe/Berlin.',
    );
    const topic = read("subscribe", { topic: 'rlhf" top 99' });
    expect(topic).toMatchObject({
      ok: true,
      value: { name: "subscribe", options: { source: { kind: "daily" } } },
    });
    expect(
      topic.ok && topic.value.name === "subscribe" ? topic.value.options.top : "not read",
    ).toBeUndefined();
  });

  it('GIVEN a subscribe topic in the topic grammar (rlhf OR "reward model") THEN its quoted phrase stays a phrase', () => {
    const parsed = read("subscribe", { topic: 'rlhf OR "reward model"' });
    expect(
      parsed.ok && parsed.value.name === "subscribe" && parsed.value.options.topic?.filter.phrases,
    ).toEqual(["reward model"]);
  });

  it('GIVEN a watch topic ending in "above 20" and no threshold THEN the words are the topic, not a threshold', () => {
    expect(read("watch", { topic: "diffusion above 20" })).toEqual({
      ok: true,
      value: { name: "watch", topic: '"diffusion above 20"' },
    });
  });

  it("GIVEN a control character or a bidi override in a value THEN the parser refuses it as it refuses typed text", () => {
    const parsed = read("search", { query: "llama\u202Eherd" });
    expect(parsed).toEqual(parseCommand("llama\u202Eherd"));
    expect(parsed.ok).toBe(false);
    expect(read("subscribe", { topic: "rl\u0007hf" }).ok).toBe(false);
  });

  it("GIVEN a subcommand this version does not define THEN it is the help", () => {
    expect(read("frobnicate", { x: 1 })).toEqual({ ok: true, value: { name: "help" } });
  });
});
