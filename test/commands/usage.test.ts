// Help and usage messages: every subcommand listed with an example that parses, subscribe details, errors.
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/parse-command.js";
import { COMMAND_HELP, SUBSCRIBE_HELP, helpMessage, usageMessage } from "../../src/commands/usage.js";
import type { CommandName } from "../../src/commands/command.js";
import type { Inline, OutboundMessage } from "../../src/messages/outbound-message.js";

const lines = (message: OutboundMessage): string[] =>
  message.blocks.flatMap((b) =>
    b.type === "text" || b.type === "context" ? [b.content.map((run: Inline) => run.text).join("")] : [],
  );
const codes = (message: OutboundMessage): string[] =>
  message.blocks.flatMap((b) =>
    b.type === "text" || b.type === "context"
      ? b.content.filter((r) => r.type === "code").map((r) => r.text)
      : [],
  );

const ALL_COMMANDS: CommandName[] = [
  "help",
  "today",
  "week",
  "month",
  "search",
  "paper",
  "subscribe",
  "unsubscribe",
  "settings",
  "top",
  "catchup",
  "watch",
  "unwatch",
];

describe("helpMessage", () => {
  it("lists every subcommand once", () => {
    expect(COMMAND_HELP.map((c) => c.name).sort()).toEqual([...ALL_COMMANDS].sort());
    expect(lines(helpMessage())).toHaveLength(ALL_COMMANDS.length);
  });

  it.each(COMMAND_HELP.map((c) => [c.name, c.example] as const))(
    "shows a %s example that parses to %j",
    (name, example) => {
      const result = parseCommand(example.replace(/^\/papers\s*/, ""));
      expect(result.ok && result.value.name).toBe(name);
    },
  );

  it("gives the full subscribe options for help subscribe, and each option parses", () => {
    const message = helpMessage("subscribe");
    expect(message.blocks[0]).toEqual({ type: "header", text: "/papers subscribe" });
    for (const option of SUBSCRIBE_HELP) {
      expect(codes(message)).toContain(option.option);
      expect(parseCommand(`subscribe ${option.option}`).ok, option.option).toBe(true);
    }
    const example = codes(message).at(-1)!;
    expect(parseCommand(example.replace(/^\/papers /, "")).ok).toBe(true);
  });

  it("shows one command's line for a known topic", () => {
    expect(lines(helpMessage("catchup"))).toEqual([
      "/papers catchup 14 — the best papers of the last N days, 1 to 90 (default 7)",
    ]);
  });

  it("falls back to every command, with a note, for an unknown topic", () => {
    const message = helpMessage("teleport");
    expect(lines(message)[0]).toBe("No help for “teleport”; here is every command.");
    expect(lines(message)).toHaveLength(ALL_COMMANDS.length + 1);
  });

  it("uses inline runs only: no markdown characters are added around examples", () => {
    for (const line of lines(helpMessage())) expect(line).not.toMatch(/[`*_]/);
  });
});

describe("usageMessage", () => {
  it("shows the problem in bold and the example as code", () => {
    const result = parseCommand("subscribe at 25:00");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const message = usageMessage(result.error);
    expect(message.blocks[0]).toEqual({
      type: "text",
      content: [{ type: "bold", text: result.error.problem }],
    });
    expect(codes(message)).toEqual([result.error.example, "/papers help"]);
    expect(message.fallbackText).toBe(`${result.error.problem}\nTry: ${result.error.example}`);
  });

  it("is the general help with no error", () => {
    expect(usageMessage()).toEqual(helpMessage());
  });
});
