// `/papers …` from any platform: parsed once, checked once (who may change the channel's settings), routed to the
// use case that owns it, and answered on every path — a usage message, a refusal, the answer, or a plain notice.
import type { Logger } from "../ops/logger.js";
import type { Metrics } from "../ops/metrics.js";
import { code, plainMessage, text } from "../messages/outbound-message.js";
import type { CommandInvocation } from "../platform/events.js";
import { ephemeral, type CommandReply } from "../platform/command-reply.js";
import { SourceUnavailableError } from "../sources/paper-source.js";
import type { Result } from "../shared/result.js";
import { MANAGING_COMMANDS, type Command, type CommandName, type UsageError } from "./command.js";
import { parseCommand } from "./parse-command.js";
import { helpMessage, usageMessage } from "./usage.js";

/** One handler per command (help is the router's own). */
export type CommandHandlers = {
  readonly [K in Exclude<CommandName, "help">]: (
    inv: CommandInvocation,
    command: Extract<Command, { name: K }>,
  ) => Promise<CommandReply>;
};

/** A command as an adapter hands it over: typed text, or (Discord) already read from structured options. */
export interface CommandRequest extends CommandInvocation {
  /**
   * The command read from structured input through the parser's own readers, or the usage error found doing so.
   * When present the router runs it instead of parsing `text` (which then only names the command in logs).
   */
  readonly parsed?: Result<Command, UsageError>;
}

export interface CommandRouter {
  /** Never throws: a bad input is a usage message, an outage a plain notice. */
  handleCommand(request: CommandRequest): Promise<CommandReply>;
  /** What the user is told when a command or a button press failed (logged here). */
  failureReply(error: unknown, what: string): CommandReply;
}

/** The one permission check: only the channel's managers change its subscriptions and watches. */
function refusal(inv: CommandInvocation): CommandReply {
  return ephemeral(
    plainMessage(
      text(
        `Sorry, only ${inv.managersHint ?? "channel managers"} can change this channel's subscriptions and watches. Anyone can use `,
      ),
      code("/papers settings"),
      text(" to see them."),
    ),
  );
}

export function createCommandRouter(deps: {
  readonly handlers: CommandHandlers;
  readonly metrics: Metrics;
  readonly log: Logger;
}): CommandRouter {
  const { handlers, log } = deps;

  function run(inv: CommandInvocation, command: Command): Promise<CommandReply> {
    if (MANAGING_COMMANDS.has(command.name) && !inv.canManage) return Promise.resolve(refusal(inv));
    if (command.name === "help") return Promise.resolve(ephemeral(helpMessage(command.topic)));
    // Each command goes to the handler of its own name; the mapped type above keeps the pairs in step.
    const handler = handlers[command.name] as (
      inv: CommandInvocation,
      command: Command,
    ) => Promise<CommandReply>;
    return handler(inv, command);
  }

  function failureReply(error: unknown, what: string): CommandReply {
    if (error instanceof SourceUnavailableError) {
      return ephemeral(
        plainMessage(
          text(`${error.message}. paperboy keeps working from its archive: try `),
          code("/papers <words>"),
          text(" to search what it has seen."),
        ),
      );
    }
    log.error({ err: error, command: what }, "command failed");
    return ephemeral(
      plainMessage(
        text("Sorry, something went wrong answering that. It has been logged; please try again in a minute."),
      ),
    );
  }

  return {
    async handleCommand(inv) {
      const parsed = inv.parsed ?? parseCommand(inv.text);
      const name = parsed.ok ? parsed.value.name : "usage";
      deps.metrics.command(name, inv.channel.platform);
      if (!parsed.ok) return ephemeral(usageMessage(parsed.error));
      try {
        return await run(inv, parsed.value);
      } catch (error) {
        return failureReply(error, name);
      }
    },
    failureReply,
  };
}
