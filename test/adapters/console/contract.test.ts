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
    const reply = (text: string): Reply => ({ text, private: true, shares: [], payload: text });

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
        if (emoji === "thumbs-up") throw new Error("the console votes with +N on its last digest only");
        if (message.id !== posts.at(-1)?.id) throw new Error("the console votes on its last digest only");
        await type(`${change === "added" ? "+" : "-"}${String(emoji.keycap)}`);
      },
      share: () => Promise.reject(new Error("the console has no Share button to press")),
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
      share: "the console prints a search's Share actions but has no way to press one",
    },
  },
);
