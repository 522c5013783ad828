// The adapter contract for the console: lines typed into its input (/papers …, +N / -N votes) with the real core behind
// it; what the "platform" receives is what it prints.
import { PassThrough, Writable } from "node:stream";
import { createConsolePlatform } from "../../../adapters/console/index.js";
import type { ChatPlatform, Paperboy } from "../../../src/index.js";
import { channelRef, loadConfig } from "../../../src/index.js";
import { describeAdapterContract, type AdapterDriver, type Posted, type Reply } from "../contract.js";
import { createRealCore, NOW } from "../real-core.js";

// C0 controls other than the line break, DEL, C1 controls (ESC starts ANSI sequences), bidi overrides and isolates.
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describeAdapterContract(
  "console",
  async (hf): Promise<AdapterDriver> => {
    const core = await createRealCore(hf);
    const channel = channelRef("console", "local", "console");
    /** Each write the console makes: one per printed message or answer. */
    const printed: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        printed.push(chunk.toString("utf8"));
        done();
      },
    });
    const input = new PassThrough();
    /** Resolves the next time the console has handled an input and printed its answer. */
    let handled: (() => void)[] = [];
    const settle = <T>(work: Promise<T>): Promise<T> =>
      work.finally(() =>
        // The console prints right after the core answers; a macrotask later it has.
        setImmediate(() => {
          const waiting = handled;
          handled = [];
          for (const resolve of waiting) resolve();
        }),
      );
    // The core as the console sees it, telling the driver when each answer is in (no behaviour changed).
    const paperboy: Paperboy = {
      ...core.core.paperboy,
      handleCommand: (invocation) => settle(core.core.paperboy.handleCommand(invocation)),
      handleReaction: (event, opts) => settle(core.core.paperboy.handleReaction(event, opts)),
      handleAction: (action) => settle(core.core.paperboy.handleAction(action)),
    };
    let started: () => void = () => undefined;
    const adapter = createConsolePlatform(loadConfig({ STORE_URL: "memory://" }), {
      core: paperboy,
      now: () => NOW,
      coreStarted: new Promise<void>((resolve) => (started = resolve)),
      input,
      output,
    });
    /** What the console posted (its ChatPlatform's sends), with the text it printed for each. */
    const posts: Posted[] = [];
    const platform: ChatPlatform = {
      ...adapter.platform,
      async send(target, message, handle) {
        const outcome = await adapter.platform.send(target, message, handle);
        const text = printed.at(-1) ?? "";
        if (outcome.status === "sent") posts.push({ id: outcome.message.ref.id, text, payload: text });
        return outcome;
      },
    };
    const type = async (line: string): Promise<string> => {
      const answered = new Promise<void>((resolve) => handled.push(resolve));
      input.write(`${line}\n`);
      await answered;
      return printed.at(-1) ?? "";
    };
    /** The ids of the results a search printed with `share N`, in slot order (from each one's Hugging Face link). */
    let searchIds: string[] = [];
    const reply = (text: string): Reply => {
      const results = text.split(/\n(?=\d+\. )/).slice(1);
      const shares = results.flatMap((r) =>
        /\n {3}share \d+ — /.test(r) ? [/huggingface\.co\/papers\/(\d{4}\.\d{4,5})/.exec(r)?.[1] ?? ""] : [],
      );
      if (shares.length > 0) searchIds = shares;
      return { text, private: true, shares, payload: text };
    };

    return {
      core,
      channel,
      async start() {
        core.core.paperboy.registerPlatform(platform);
        const greeted = new Promise<void>((resolve) => handled.push(resolve));
        await adapter.start();
        await core.core.start();
        started();
        await greeted; // the greeting's digest of today is in
      },
      async stop() {
        input.end();
        await adapter.stop();
        await adapter.ended;
        await core.close();
      },
      // One user, who may manage: the console's `canManage` is always true.
      command: async (command) => reply(await type(`/papers ${command.text}`)),
      posted: () => posts,
      async react(message, emoji, _as, change = "added") {
        if (message.id !== posts.at(-1)?.id) throw new Error("the console votes on its last post only");
        // A card's vote (👍 elsewhere) is +1 on the card.
        const slot = emoji === "thumbs-up" ? 1 : emoji.keycap;
        await type(`${change === "added" ? "+" : "-"}${String(slot)}`);
      },
      // Share is typed: `share N` for result N of the last search.
      share: async (paperId) => reply(await type(`share ${String(searchIds.indexOf(paperId) + 1)}`)),
      problems: (payload) => {
        const found = TERMINAL_CONTROL.exec(String(payload));
        return found === null
          ? []
          : [`control character U+${found[0].charCodeAt(0).toString(16).padStart(4, "0")}`];
      },
    };
  },
  {
    skip: {
      botReaction:
        "the console has no bot identity on input: every +N is its one user, and it seeds no reactions",
    },
  },
);
