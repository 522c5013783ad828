// The one router: each command reaches the handler of its name, managing commands only for managers, and every
// path answers — usage for bad input, a notice when Hugging Face is down, a plain apology (logged) otherwise.
import { describe, expect, it } from "vitest";
import { createCommandRouter, type CommandHandlers } from "../../src/commands/router.js";
import type { Command } from "../../src/commands/command.js";
import { plainMessage, text } from "../../src/messages/outbound-message.js";
import { silentLogger, type Logger } from "../../src/ops/logger.js";
import { noopMetrics } from "../../src/ops/metrics.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import type { CommandInvocation } from "../../src/platform/events.js";
import type { CommandReply } from "../../src/platform/command-reply.js";
import { SourceUnavailableError } from "../../src/sources/paper-source.js";

const channel = channelRef("slack", "T1", "C1");
const ask = (commandText: string, canManage = true): CommandInvocation => ({
  channel,
  userId: "U1",
  text: commandText,
  canManage,
  managersHint: "workspace admins",
});
const said = (reply: CommandReply): string => reply.message.fallbackText;

function setup(fail?: Error) {
  const calls: Command[] = [];
  const errors: unknown[] = [];
  const answer = (_inv: CommandInvocation, command: Command): Promise<CommandReply> => {
    calls.push(command);
    if (fail !== undefined) return Promise.reject(fail);
    return Promise.resolve({ visibility: "public", message: plainMessage(text(`did ${command.name}`)) });
  };
  const handlers: CommandHandlers = {
    today: answer,
    week: answer,
    month: answer,
    search: answer,
    paper: answer,
    subscribe: answer,
    unsubscribe: answer,
    settings: answer,
    watch: answer,
    unwatch: answer,
    top: answer,
    catchup: answer,
  };
  const log: Logger = { ...silentLogger, error: (obj) => errors.push(obj) };
  return { router: createCommandRouter({ handlers, metrics: noopMetrics, log }), calls, errors };
}

describe("command router", () => {
  it.each([
    ["today", "today"],
    ["week", "week"],
    ["top month", "top"],
    ["catchup 3", "catchup"],
    ["settings", "settings"],
    ["self-supervised learning", "search"],
    ["subscribe daily at 08:30", "subscribe"],
    ["watch agents above 20", "watch"],
  ])("routes %j to the %s handler", async (input, name) => {
    const h = setup();
    expect(said(await h.router.handleCommand(ask(input)))).toBe(`did ${name}`);
    expect(h.calls.map((c) => c.name)).toEqual([name]);
  });

  it.each(["subscribe daily", "unsubscribe", "watch agents", "unwatch agents"])(
    "refuses %j to someone who cannot manage the channel, says who can, and never reaches the handler",
    async (input) => {
      const h = setup();
      const reply = await h.router.handleCommand(ask(input, false));
      expect(reply.visibility).toBe("ephemeral");
      expect(said(reply)).toContain(
        "only workspace admins can change this channel's subscriptions and watches",
      );
      expect(said(reply)).toContain("/papers settings");
      expect(h.calls).toEqual([]);
    },
  );

  it("lets anyone read the settings and the leaderboard", async () => {
    const h = setup();
    await h.router.handleCommand(ask("settings", false));
    await h.router.handleCommand(ask("top", false));
    expect(h.calls.map((c) => c.name)).toEqual(["settings", "top"]);
  });

  it("answers help itself and a malformed command with its usage, privately", async () => {
    const h = setup();
    const help = await h.router.handleCommand(ask("help"));
    expect(help.visibility).toBe("ephemeral");
    expect(said(help)).toContain("/papers");
    const bad = await h.router.handleCommand(ask("subscribe daily at 25:00"));
    expect(bad.visibility).toBe("ephemeral");
    expect(said(bad)).toMatch(/25:00/);
    expect(h.calls).toEqual([]);
  });

  it("turns Hugging Face being down into a notice that points at the archive", async () => {
    const h = setup(new SourceUnavailableError("huggingface", "http://127.0.0.1:9", "connection refused"));
    const reply = await h.router.handleCommand(ask("week"));
    expect(said(reply)).toContain("Hugging Face cannot be reached at http://127.0.0.1:9");
    expect(said(reply)).toContain("/papers <words>");
    expect(h.errors).toEqual([]);
  });

  it("turns any other failure into a plain apology and logs it, never the error text", async () => {
    const h = setup(new Error("SQLITE_BUSY: secret internals"));
    const reply = await h.router.handleCommand(ask("today"));
    expect(said(reply)).toBe(
      "Sorry, something went wrong answering that. It has been logged; please try again in a minute.",
    );
    expect(h.errors).toHaveLength(1);
  });
});
