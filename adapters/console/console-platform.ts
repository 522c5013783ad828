// The console adapter: a ChatPlatform that prints, and a line reader that turns typed lines into commands and votes.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { channelRef, slotsOf } from "../../src/index.js";
import type { ChannelRef, ChatPlatform, MessageRef, Paperboy, SendOutcome } from "../../src/index.js";
import { renderText, safeText } from "./render-text.js";

export interface ConsoleOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly now?: () => Date;
  /** The local user's id; votes are keyed by it. */
  readonly userId?: string;
}

export interface ConsoleAdapter {
  readonly platform: ChatPlatform;
  readonly channel: ChannelRef;
  /** Prints the current digest, then reads lines until end of input. */
  run(core: Paperboy): Promise<void>;
}

const VOTE = /^([+-])\s*(\d{1,2})$/;

export function createConsoleAdapter(options: ConsoleOptions): ConsoleAdapter {
  const channel = channelRef("console", "local", "console");
  const userId = options.userId ?? "you";
  const now = options.now ?? (() => new Date());
  const write = (text: string) => options.output.write(`${text}\n`);
  let counter = 0;
  let lastPosted: MessageRef | undefined;

  /** What this console posted, by delivery handle: the read-back of a delivery resumed in the same run. */
  const posted = new Map<string, { index: number; ref: MessageRef }[]>();
  const platform: ChatPlatform = {
    id: "console",
    send(channelRef, message, handle): Promise<SendOutcome> {
      counter += 1;
      const ref: MessageRef = { channel: channelRef, id: String(counter) };
      write(renderText(message));
      lastPosted = ref;
      posted.set(handle.delivery, [...(posted.get(handle.delivery) ?? []), { index: handle.index, ref }]);
      return Promise.resolve({ status: "sent", message: { ref, slots: slotsOf(message) } });
    },
    // The console shows no reactions: `+N` is how its user votes.
    react: () => Promise.resolve(),
    findPosted: (_channel, delivery) => Promise.resolve({ status: "found", messages: posted.get(delivery) ?? [] }),
    isHealthy: () => true,
  };

  async function vote(core: Paperboy, sign: string, slot: number): Promise<void> {
    if (lastPosted === undefined) {
      write("Nothing to vote on yet: votes apply to the last digest (/papers today).");
      return;
    }
    const result = await core.handleReaction({
      message: lastPosted,
      userId,
      emoji: { kind: "keycap", number: slot },
      change: sign === "+" ? "added" : "removed",
      at: now(),
    });
    write(
      result.status === "counted"
        ? `${sign === "+" ? "Voted for" : "Took back your vote for"} paper ${slot} (${result.paperId}): ${result.votes} vote(s).`
        : `No vote recorded: ${safeText(result.reason)}.`,
    );
  }

  async function command(core: Paperboy, text: string): Promise<void> {
    const reply = await core.handleCommand({ channel, userId, text, canManage: true, channelName: "console" });
    write(renderText(reply.message));
  }

  return {
    platform,
    channel,
    async run(core) {
      write("paperboy console — type /papers help, +3 to vote for paper 3 of the last digest, -3 to take it back.");
      await command(core, "today");
      const lines = createInterface({ input: options.input, terminal: false });
      for await (const raw of lines) {
        const line = raw.trim();
        if (line === "") continue;
        if (line === "quit" || line === "exit") break;
        const voteMatch = VOTE.exec(line);
        if (voteMatch?.[1] !== undefined && voteMatch[2] !== undefined) {
          await vote(core, voteMatch[1], Number(voteMatch[2]));
          continue;
        }
        await command(core, line.replace(/^\/papers\b\s*/i, ""));
      }
      lines.close();
    },
  };
}
