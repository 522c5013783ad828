// The /papers grammar: every subcommand, every rejected input as a UsageError, and a no-throw fuzz.
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/parse-command.js";
import type { Command } from "../../src/commands/command.js";
import { parseTopic } from "../../src/digest/topic-filter.js";

const parsed = (text: string): Command => {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error.problem}`);
  return result.value;
};
const problem = (text: string): string => {
  const result = parseCommand(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.value)}`);
  expect(result.error.example).toMatch(/^\/papers/);
  return result.error.problem;
};

describe("parseCommand: subcommands", () => {
  it.each<[string, Command]>([
    ["", { name: "today" }],
    ["   ", { name: "today" }],
    ["today", { name: "today" }],
    ["TODAY", { name: "today" }],
    ["week", { name: "week" }],
    ["Month", { name: "month" }],
    ["settings", { name: "settings" }],
    ["help", { name: "help" }],
    ["help subscribe", { name: "help", topic: "subscribe" }],
    ["HELP Watch", { name: "help", topic: "watch" }],
    ["--help", { name: "help" }],
    ["top", { name: "top", period: "week" }],
    ["top week", { name: "top", period: "week" }],
    ["top month", { name: "top", period: "month" }],
    ["top ALL", { name: "top", period: "all" }],
    ["catchup", { name: "catchup", days: 7 }],
    ["catchup 14", { name: "catchup", days: 14 }],
    ["catchup 1", { name: "catchup", days: 1 }],
    ["catchup 90 days", { name: "catchup", days: 90 }],
    ["catchup 3d", { name: "catchup", days: 3 }],
    ["watch diffusion", { name: "watch", topic: "diffusion" }],
    ['watch "world model" above 20', { name: "watch", topic: '"world model"', threshold: 20 }],
    ["watch “world model” ABOVE 0", { name: "watch", topic: '"world model"', threshold: 0 }],
    ['unwatch "world model"', { name: "unwatch", topic: '"world model"' }],
    ["unsubscribe", { name: "unsubscribe" }],
    ["unsubscribe weekly", { name: "unsubscribe", source: { kind: "weekly" } }],
    ["unsubscribe arxiv:cs.CL", { name: "unsubscribe", source: { kind: "arxiv", category: "cs.CL" } }],
  ])("reads %j", (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it.each([
    ["self-supervised learning", "self-supervised learning"],
    ['diffusion "world model" -survey', 'diffusion "world model" -survey'],
    ["“world model” robots", '"world model" robots'],
    ["search today", "today"],
    ["SEARCH week in review", "week in review"],
    ["-survey agents", "-survey agents"],
    ["  many   spaces\there ", "many spaces here"],
  ])("searches %j as %j", (text, query) => {
    expect(parsed(text)).toEqual({ name: "search", query });
  });
});

describe("parseCommand: subscribe", () => {
  it("defaults to the daily source with no options", () => {
    expect(parsed("subscribe")).toEqual({ name: "subscribe", options: { source: { kind: "daily" } } });
  });

  it("reads every option at once", () => {
    const command = parsed(
      'subscribe weekly at 9:05 tz europe/berlin topic "world model" top 5 min 10 layout Cards',
    );
    expect(command).toEqual({
      name: "subscribe",
      options: {
        source: { kind: "weekly" },
        at: "09:05",
        timezone: "Europe/Berlin",
        topic: { text: '"world model"', filter: parseTopic('"world model"') },
        top: 5,
        minUpvotes: 10,
        layout: "cards",
      },
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ["subscribe monthly", { source: { kind: "monthly" } }],
    ["subscribe recap", { source: { kind: "recap" } }],
    ["subscribe arxiv:cs.CL", { source: { kind: "arxiv", category: "cs.CL" } }],
    ["subscribe ARXIV:cs.cl", { source: { kind: "arxiv", category: "cs.CL" } }],
    ["subscribe arxiv:hep-th", { source: { kind: "arxiv", category: "hep-th" } }],
    ["subscribe arxiv:physics.optics", { source: { kind: "arxiv", category: "physics.optics" } }],
    ["subscribe at 23:59", { source: { kind: "daily" }, at: "23:59" }],
    ["subscribe at 00:00 daily", { source: { kind: "daily" }, at: "00:00" }],
    ["subscribe tz UTC", { source: { kind: "daily" }, timezone: "UTC" }],
    [
      "subscribe topic agents",
      { source: { kind: "daily" }, topic: { text: "agents", filter: parseTopic("agents") } },
    ],
    [
      'subscribe topic "agents -survey"',
      { source: { kind: "daily" }, topic: { text: "agents -survey", filter: parseTopic("agents -survey") } },
    ],
    ["subscribe top 1 min 0", { source: { kind: "daily" }, top: 1, minUpvotes: 0 }],
    ["subscribe top 10 min 100000", { source: { kind: "daily" }, top: 10, minUpvotes: 100000 }],
    ["subscribe layout compact", { source: { kind: "daily" }, layout: "compact" }],
    ["subscribe updates off", { source: { kind: "daily" }, updates: { on: false } }],
    ["subscribe weekly updates ON", { source: { kind: "weekly" }, updates: { on: true } }],
    ["subscribe updates 50", { source: { kind: "daily" }, updates: { on: true, milestone: 50 } }],
    ['subscribe cron "30 9 * * MON-FRI"', { source: { kind: "daily" }, cron: "30 9 * * MON-FRI" }],
    [
      'subscribe cron "*/15 8-18 1,15 JAN-DEC 0-7"',
      { source: { kind: "daily" }, cron: "*/15 8-18 1,15 JAN-DEC 0-7" },
    ],
    ["subscribe cron “0 7 * * 1”", { source: { kind: "daily" }, cron: "0 7 * * 1" }],
  ])("reads %j", (text, options) => {
    expect(parsed(text)).toEqual({ name: "subscribe", options });
  });
});

describe("parseCommand: rejected input names the bad part", () => {
  it.each([
    ["x".repeat(312), "That query is 312 characters; the limit is 250."],
    ["--foo", "Unknown option --foo"],
    ["--foo=bar diffusion", "Unknown option --foo"],
    ["-x diffusion", "Unknown option -x"],
    ["subscribe at 25:00", '"at 25:00" is not a time'],
    ["subscribe at 9pm", "e.g. at 21:00"],
    ["subscribe at 12:60", "HH:MM on the 24-hour clock"],
    ["subscribe at", '"at" needs a time'],
    ["subscribe tz Mars/Olympus", 'Unknown time zone "Mars/Olympus"'],
    ["subscribe tz Mars/Olympus", "e.g. tz Europe/Berlin"],
    ["subscribe top 0", '"top 0" must be a whole number from 1 to 10'],
    ["subscribe top 11", '"top 11"'],
    ["subscribe top 2.5", '"top 2.5"'],
    ["subscribe top -3", '"top -3"'],
    ["subscribe min -1", '"min -1"'],
    ["subscribe min 100001", '"min 100001"'],
    ["subscribe min 1e3", '"min 1e3"'],
    ["subscribe layout grid", '"layout grid" is not a layout; use compact or cards'],
    ["subscribe updates maybe", '"updates maybe" must be on, off, or the upvote milestone'],
    ["subscribe updates 0", '"updates 0" must be on, off'],
    ["subscribe updates", '"updates" needs on, off or an upvote milestone'],
    ["subscribe arxiv:CS CL", "Unknown subscribe option"],
    ["subscribe arxiv:cs.CL.x", '"arxiv:cs.CL.x" is not an arXiv category'],
    ["subscribe arxiv:c$", "is not an arXiv category"],
    ["subscribe arxiv", '"arxiv" needs a category'],
    ["subscribe arxiv:", "is not an arXiv category"],
    ["subscribe cron 0 9 * * *", "Put the cron expression in quotes"],
    ['subscribe cron "0 9 * *"', "has 4"],
    ['subscribe cron "0 9 * * * *"', "has 6"],
    ['subscribe cron "60 9 * * *"', 'Cron field 1 (minute): "60" is out of range 0–59'],
    ['subscribe cron "0 24 * * *"', "(hour)"],
    ['subscribe cron "0 9 0 * *"', "(day of month)"],
    ['subscribe cron "0 9 * 13 *"', "(month)"],
    ['subscribe cron "0 9 * * FUNDAY"', "(day of week)"],
    ['subscribe cron "0 9 * * 5-1"', "runs backwards"],
    ['subscribe cron "*/0 9 * * *"', "bad step"],
    ['subscribe cron "0 9 * * ?"', "(day of week)"],
    ['subscribe cron "0 9 1,,2 * *"', "is empty"],
    ['subscribe cron "0 9 * * *', "Put the cron expression in quotes"],
    ["subscribe topic diffusion models", 'quote it: topic "diffusion models"'],
    ["subscribe topic", '"topic" needs'],
    ["subscribe topic top 5", '"topic" needs'],
    ['subscribe topic "', "never closed"],
    ['subscribe topic "unclosed', "never closed"],
    ["subscribe hourly", 'Unknown subscribe option "hourly"'],
    ["subscribe daily --fast", 'Unknown subscribe option "--fast"'],
    ["subscribe top 3 top 5", '"top" is given twice'],
    ["subscribe daily weekly", "Two sources given (daily and weekly)"],
    ['subscribe at 09:00 cron "0 9 * * *"', "either at or cron"],
    ['subscribe "daily"', "Unexpected"],
    ['subscribe top "5"', "not a quoted text"],
    ["today diffusion", '"today" takes nothing after it'],
    ["week foo", '"week" takes nothing after it'],
    ["settings now", '"settings" takes nothing'],
    ["top year", '"top year" is not a period'],
    ["top week month", '"top week month"'],
    ["catchup 0", "from 1 to 90"],
    ["catchup 91", "from 1 to 90"],
    ["catchup soon", '"catchup soon"'],
    ["watch", '"watch" needs a topic'],
    ["watch above 5", '"watch" needs a topic'],
    ["watch agents above", '"above " needs a whole number'],
    ["watch agents above lots", '"above lots"'],
    ["unwatch", '"unwatch" needs a topic'],
    ["unsubscribe hourly", '"unsubscribe hourly"'],
    ["unsubscribe daily weekly", '"unsubscribe daily weekly"'],
    ["search", '"search" needs words'],
    ["-survey", "only excludes"],
    ["???", "nothing to search for"],
    ["diffusion\u0000models", "control character (U+0000)"],
    ["diffusion\u0007", "control character (U+0007)"],
    ["diffusion\u001bmodels", "U+001B"],
    ["diffusion\u007f", "U+007F"],
    ["diffusion\u0085", "control character (U+0085)"],
    ["diffusion\u202emodels", "text-direction character (U+202E)"],
    ["diffusion\u2066", "U+2066"],
    ["diffusion\ud800", "broken character"],
  ])("%j → %j", (text, fragment) => {
    expect(problem(text)).toContain(fragment);
  });

  it("measures length after whitespace is normalised, in characters not code units", () => {
    expect(parseCommand("a".repeat(250)).ok).toBe(true);
    expect(problem("a".repeat(251))).toBe("That query is 251 characters; the limit is 250.");
    expect(parseCommand(`  ${"a ".repeat(125)}\n\n  `).ok).toBe(true);
    expect(parseCommand("🦙".repeat(250)).ok).toBe(false); // nothing to search for, but not a length error
    expect(problem("🦙".repeat(251))).toBe("That query is 251 characters; the limit is 250.");
  });
});

describe("parseCommand: fuzz", () => {
  // Deterministic PRNG so a failure can be reproduced.
  function mulberry32(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const pieces = [
    "subscribe",
    "unsubscribe",
    "watch",
    "unwatch",
    "top",
    "catchup",
    "help",
    "search",
    "at",
    "tz",
    "topic",
    "min",
    "layout",
    "cron",
    "above",
    "daily",
    "arxiv:",
    "cs.CL",
    '"',
    "“",
    "”",
    "-",
    "--",
    "*",
    "/",
    ":",
    "25:00",
    "9pm",
    "Europe/Berlin",
    "Mars/Olympus",
    "0",
    "10",
    "-1",
    "1e9",
    " ",
    "\t",
    "\n",
    "\u0000",
    "\u202e",
    "\u0085",
    "\ud800",
    "🦙",
    "é",
    "\u0301",
    "\u00a0",
    "𝔘",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "toString",
  ];

  it("never throws on 2,000 random strings and always returns a Result", () => {
    const random = mulberry32(20260612);
    for (let n = 0; n < 2000; n++) {
      let text = "";
      const parts = Math.floor(random() * 12);
      for (let p = 0; p < parts; p++) {
        if (random() < 0.6) text += pieces[Math.floor(random() * pieces.length)] ?? "";
        else text += String.fromCharCode(Math.floor(random() * 0x3000));
        if (random() < 0.5) text += " ";
      }
      if (random() < 0.02) text = text.repeat(40);
      const result = parseCommand(text);
      expect(typeof result.ok, JSON.stringify(text)).toBe("boolean");
      if (!result.ok) {
        expect(result.error.problem.length).toBeGreaterThan(0);
        expect(result.error.example).toMatch(/^\/papers/);
      }
    }
  });

  it("treats prototype property names as plain words", () => {
    expect(problem("top constructor")).toContain('"top constructor"');
    expect(problem("subscribe __proto__")).toContain('Unknown subscribe option "__proto__"');
    expect(parsed("toString")).toMatchObject({ name: "search", query: "toString" });
  });
});
