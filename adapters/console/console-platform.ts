// The console adapter: a ChatPlatform that prints, and a line reader that turns typed lines into commands and votes.
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { channelRef, plural, slotsOf } from "../../src/index.js";
import type {
  ChannelRef,
  ChatPlatform,
  Config,
  MessageRef,
  PlatformAdapter,
  PlatformAdapterDeps,
  PlatformAdapterFactory,
  SendOutcome,
  VoteResult,
} from "../../src/index.js";
import { CONSOLE_WORDS } from "./console-words.js";
import { renderText, safeText, shareTargets } from "./render-text.js";

/** The console's extras beside the common adapter deps: where it reads lines and prints. */
export interface ConsoleIo {
  readonly input: Readable;
  readonly output: Writable;
  /** The local user's id; votes are keyed by it. */
  readonly userId?: string;
}

export interface ConsolePlatformAdapter extends PlatformAdapter {
  /** The one channel the console is: console:local:console. */
  readonly channel: ChannelRef;
  /** Resolves at end of input, after `quit`/`exit`, or once stopped. */
  readonly ended: Promise<void>;
}

const VOTE = /^([+-])\s*(\d{1,2})$/;
const SHARE = /^share\s+(\d{1,2})$/i;

/**
 * What the console says about a `+N` / `-N`: what happened to this user's vote, in plain words. `card`: the last post
 * is one paper (a share), not a numbered digest.
 */
export function voteAnswer(sign: "+" | "-", slot: number, result: VoteResult, card = false): string {
  if (result.status !== "counted") return `No vote recorded: ${safeText(result.reason)}.`;
  const paper = card ? `the shared paper (${result.paperId})` : `paper ${String(slot)} (${result.paperId})`;
  const votes = plural(result.votes, "vote");
  if (sign === "+")
    return result.changed ? `Voted for ${paper}: ${votes}.` : `You already vote for ${paper}: ${votes}.`;
  if (result.changed) return `Took back your vote for ${paper}: ${votes} left.`;
  if (result.voted) return `Your vote for ${paper} stays: you voted for it on another post too.`;
  return `You had not voted for ${paper}${card ? "" : " of the last digest"}; nothing to take back.`;
}

/**
 * The local console. `start()` opens the session in the background: once the core has started (`coreStarted`) it
 * prints a greeting and today's digest, then reads lines until end of input; `ended` resolves then.
 */
export function createConsolePlatform(
  _config: Config,
  deps: Pick<PlatformAdapterDeps, "core" | "now" | "coreStarted"> & ConsoleIo,
): ConsolePlatformAdapter {
  const { core } = deps;
  const channel = channelRef("console", "local", "console");
  const userId = deps.userId ?? "you";
  const now = deps.now ?? (() => new Date());
  const write = (text: string) => deps.output.write(`${text}\n`);
  let counter = 0;
  let lastPosted: MessageRef | undefined;
  let lastPostedIsCard = false;

  /** What this console posted, by delivery handle: the read-back of a delivery resumed in the same run. */
  const posted = new Map<string, { index: number; ref: MessageRef }[]>();
  /** Slot → paper id of the last search's results: what `share N` shares. */
  let lastSearch = new Map<number, string>();
  const platform: ChatPlatform = {
    id: "console",
    words: CONSOLE_WORDS,
    send(channelRef, message, handle): Promise<SendOutcome> {
      counter += 1;
      const ref: MessageRef = { channel: channelRef, id: String(counter) };
      write(renderText(message));
      lastPosted = ref;
      lastPostedIsCard = message.blocks.length === 1 && message.blocks[0]?.type === "paper";
      posted.set(handle.delivery, [...(posted.get(handle.delivery) ?? []), { index: handle.index, ref }]);
      return Promise.resolve({ status: "sent", message: { ref, slots: slotsOf(message) } });
    },
    // The console shows no reactions: `+N` is how its user votes.
    react: () => Promise.resolve(),
    findPosted: (_channel, delivery) =>
      Promise.resolve({ status: "found", messages: posted.get(delivery) ?? [] }),
    isHealthy: () => true,
  };

  async function vote(sign: "+" | "-", slot: number): Promise<void> {
    if (lastPosted === undefined) {
      write("Nothing to vote on yet: votes apply to the last digest (/papers today).");
      return;
    }
    // A card (a shared paper, a cards-layout digest) is one paper and nothing else, voted on with a vote emoji
    // rather than a keycap.
    const card = lastPostedIsCard && slot === 1;
    const result = await core.handleReaction({
      message: lastPosted,
      userId,
      emoji: card ? { kind: "unicode", value: "👍" } : { kind: "keycap", number: slot },
      change: sign === "+" ? "added" : "removed",
      at: now(),
    });
    write(voteAnswer(sign, slot, result, card));
  }

  async function share(slot: number): Promise<void> {
    const paperId = lastSearch.get(slot);
    if (paperId === undefined) {
      write(
        lastSearch.size === 0
          ? "Nothing to share yet: search first (/papers <words>), then share N shares result N."
          : `The last search has no result ${String(slot)}; share 1 to share ${String(lastSearch.size)}.`,
      );
      return;
    }
    const reply = await core.handleAction({ channel, userId, actionId: "share", value: paperId });
    write(renderText(reply.message));
  }

  async function command(text: string): Promise<void> {
    const reply = await core.handleCommand({
      channel,
      userId,
      text,
      canManage: true,
      channelName: "console",
    });
    const targets = shareTargets(reply.message);
    if (targets.size > 0) lastSearch = targets;
    write(renderText(reply.message));
  }

  let lines: Interface | undefined;
  let session: Promise<void> | undefined;
  let stopped = false;
  let markEnded: () => void = () => undefined;
  let failed: (error: unknown) => void = () => undefined;
  const ended = new Promise<void>((resolve, reject) => {
    markEnded = resolve;
    failed = reject;
  });
  // Handled here so a session failing before anyone awaits `ended` is not an unhandled rejection; awaiting still throws.
  ended.catch(() => undefined);

  async function run(): Promise<void> {
    await deps.coreStarted;
    if (stopped) return;
    write(
      "paperboy console — type /papers help; +3 votes for paper 3 of the last digest, -3 takes it back; after a search, share 2 posts result 2 here.",
    );
    await command("today");
    if (stopped) return;
    lines = createInterface({ input: deps.input, terminal: false });
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === "") continue;
      if (line === "quit" || line === "exit") break;
      const voteMatch = VOTE.exec(line);
      if (voteMatch?.[1] !== undefined && voteMatch[2] !== undefined) {
        await vote(voteMatch[1] === "+" ? "+" : "-", Number(voteMatch[2]));
        continue;
      }
      const shareMatch = SHARE.exec(line);
      if (shareMatch?.[1] !== undefined) {
        await share(Number(shareMatch[1]));
        continue;
      }
      await command(line.replace(/^\/papers\b\s*/i, ""));
    }
    lines.close();
  }

  return {
    platform,
    channel,
    ended,
    start() {
      // A session that fails (a vote the store cannot take) ends with that error: `ended` rejects with it.
      session ??= run().then(markEnded, failed);
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      lines?.close();
      if (session === undefined) markEnded();
      else await session;
    },
  };
}

createConsolePlatform satisfies PlatformAdapterFactory<ConsoleIo>;
