// Typed /papers options → the core's text grammar, for every subcommand; and the registered command tree.
import { describe, expect, it } from "vitest";
import { papersCommand } from "../../../../adapters/discord/commands/definition.js";
import { commandToText } from "../../../../adapters/discord/commands/to-text.js";
import { parseCommand } from "../../../../src/commands/parse-command.js";

describe("commandToText", () => {
  it.each([
    ["search", { query: "self-supervised  learning" }, "search self-supervised learning"],
    ["today", {}, "today"],
    ["week", {}, "week"],
    ["month", {}, "month"],
    [
      "subscribe",
      { source: "daily", at: "09:30", tz: "Europe/Berlin", topic: "rlhf", top: 5, min: 10, layout: "cards" },
      'subscribe daily at 09:30 tz Europe/Berlin topic "rlhf" top 5 min 10 layout cards',
    ],
    ["subscribe", {}, "subscribe daily"],
    [
      "subscribe",
      { source: "arxiv", category: "cs.LG", cron: "0 9 * * 1-5" },
      'subscribe arxiv:cs.LG cron "0 9 * * 1-5"',
    ],
    ["unsubscribe", {}, "unsubscribe"],
    ["unsubscribe", { source: "weekly" }, "unsubscribe weekly"],
    ["settings", {}, "settings"],
    ["top", {}, "top"],
    ["top", { period: "all" }, "top all"],
    ["catchup", { days: 3 }, "catchup 3"],
    ["watch", { topic: "diffusion models", threshold: 20 }, 'watch "diffusion models" above 20'],
    ["unwatch", { topic: "diffusion models" }, 'unwatch "diffusion models"'],
    ["help", { topic: "subscribe" }, "help subscribe"],
  ] as const)("GIVEN /papers %s %j THEN the core reads %j", (subcommand, options, text) => {
    expect(commandToText({ subcommand, options })).toBe(text);
    // The text is what the shared grammar reads: it must parse to the same subcommand.
    const parsed = parseCommand(text);
    expect(parsed.ok && parsed.value.name).toBe(subcommand);
  });

  it("GIVEN a topic with quotes and a time zone with a smuggled keyword THEN each stays one token", () => {
    expect(
      commandToText({ subcommand: "subscribe", options: { topic: 'rlhf" top 99', tz: "UTC top 99" } }),
    ).toBe('subscribe daily tz UTCtop99 topic "rlhf\' top 99"');
  });
});

describe("papersCommand", () => {
  it("defines /papers for servers with every subcommand of the grammar and autocomplete on search", () => {
    const json = papersCommand();
    expect(json.name).toBe("papers");
    expect(json.contexts).toEqual([0]);
    const subs = (json.options ?? []).map((o) => o.name);
    expect(subs).toEqual([
      "search",
      "today",
      "week",
      "month",
      "subscribe",
      "unsubscribe",
      "settings",
      "top",
      "catchup",
      "watch",
      "unwatch",
      "help",
    ]);
    expect(JSON.stringify(json.options?.[0])).toContain('"autocomplete":true');
  });
});
