// The console adapter: a ChatPlatform that prints, and a line reader that turns typed lines into commands and votes.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { channelRef, slotsOf } from "../../src/index.js";
import type { ChannelRef, ChatPlatform, DeliveryOutcome, MessageRef, Paperboy, PostRequest } from "../../src/index.js";
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

  const platform: ChatPlatform = {
    id: "console",
    post(request: PostRequest): Promise<DeliveryOutcome> {
      const messages = request.messages.map((message) => {
        counter += 1;
        const ref: MessageRef = { channel: request.channel, id: String(counter) };
        write(renderText(message));
        return { ref, slots: slotsOf(message) };
      });
      const last = messages.at(-1);
      if (last !== undefined) lastPosted = last.ref;
      return Promise.resolve({ status: "posted", messages });
    },
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
