// The adapter contract: what every chat adapter does with the real core behind it, run against its loopback fake.
// Each adapter's suite supplies a driver (how to type a command, react, press Share, read what the platform got).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChannelRef } from "../../src/index.js";
import { RECORDED_BATCH, startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { batchWithTopTitle, type RealCore } from "./real-core.js";

/** Who runs a command: someone who may change the channel's settings, or not. */
export type Role = "manager" | "member";

/** A command as typed (Slack, console) and as Discord's typed options; a driver sends whichever its platform takes. */
export interface ContractCommand {
  readonly text: string;
  readonly subcommand: string;
  readonly options: Readonly<Record<string, string | number>>;
}

export interface Reply {
  /** Every string of the reply as the platform got it, joined: what the asker can read. */
  readonly text: string;
  /** Only the asker sees it (Slack ephemeral, Discord flag 64; the console has one reader). */
  readonly private: boolean;
  /** Paper ids behind the reply's Share buttons. */
  readonly shares: readonly string[];
  /** The reply as the platform received it. */
  readonly payload: unknown;
}

export interface Posted {
  /** The platform's message id (Slack ts, Discord snowflake, console number). */
  readonly id: string;
  readonly text: string;
  /** The message as the platform received it. */
  readonly payload: unknown;
}

export type VoteEmoji = { readonly keycap: number } | "thumbs-up";

export interface AdapterDriver {
  readonly core: RealCore;
  /** The channel commands come from and digests go to. */
  readonly channel: ChannelRef;
  /** Registers the adapter's platform with the core, starts the adapter, then the core (as main.ts does). */
  start(): Promise<void>;
  stop(): Promise<void>;
  command(command: ContractCommand, as: Role): Promise<Reply>;
  /** What paperboy posted to the channel (digests, cards), oldest first. */
  posted(): readonly Posted[];
  react(
    message: Posted,
    emoji: VoteEmoji,
    as: { readonly user: string } | "bot",
    change?: "added" | "removed",
  ): Promise<void>;
  /** Presses Share for `paperId` on a search answer. */
  share(paperId: string, as: Role): Promise<Reply>;
  /** What in a payload the platform would make live (a mention, a forged link, a terminal escape) or refuse (a limit). */
  problems(payload: unknown): string[];
}

export interface ContractOptions {
  /** Cases the adapter cannot meet, each with the reason (printed as a skipped test). */
  readonly skip?: { readonly botReaction?: string; readonly share?: string };
}

export const COMMANDS = {
  today: { text: "today", subcommand: "today", options: {} },
  top: { text: "top week", subcommand: "top", options: { period: "week" } },
  settings: { text: "settings", subcommand: "settings", options: {} },
  subscribe: {
    text: "subscribe daily at 09:00",
    subcommand: "subscribe",
    options: { source: "daily", at: "09:00" },
  },
  badTime: {
    text: "subscribe daily at 25:00",
    subcommand: "subscribe",
    options: { source: "daily", at: "25:00" },
  },
  search: { text: "kazakh", subcommand: "search", options: { query: "kazakh" } },
} as const satisfies Record<string, ContractCommand>;

/** The most upvoted paper of the recorded batch: slot 1 of every digest of it. */
export const TOP_PAPER = { id: "2606.13681", title: "EvoArena" } as const;

/**
 * A paper title that tries everything: mentions in both dialects, link forgeries, markdown, terminal escapes, bidi
 * overrides, combining marks, a ZWJ family, and 10,000 characters of it.
 */
export const HOSTILE_TITLE =
  "<!channel> @everyone @here <@U123> <@&1278000000000000001> <https://evil.example|click> [click](https://evil.example) " +
  "*bold* _it_ ~~gone~~ `code` ||spoiler|| \u202Eevil\u202C \u001b[31mred\u001b[0m Z\u0338\u0322a\u0337l\u0336g\u0337o 👩‍👩‍👧‍👦 " +
  "read this now " +
  "<!here> @everyone <@U999> &amp; ".repeat(400).slice(0, 10_000);

/** Team-vote counts a reply shows, in order, whatever each renderer's wording ("team votes: 2", "2 team votes"). */
export function voteCounts(text: string): number[] {
  return [...text.matchAll(/team votes:? (\d+)|\b(\d+) team votes?\b/g)].map((m) => Number(m[1] ?? m[2]));
}

/** Every string in a payload, joined: what a reader could see. */
export function stringsOf(payload: unknown): string {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(payload);
  return out.join("\n");
}

export function describeAdapterContract(
  name: string,
  makeDriver: (hf: PaperApiServer) => Promise<AdapterDriver>,
  options: ContractOptions = {},
): void {
  describe(`${name} adapter contract`, () => {
    let hf: PaperApiServer;
    let driver: AdapterDriver | undefined;
    beforeAll(async () => {
      hf = await startPaperApiServer();
    });
    afterAll(() => hf.close());
    afterEach(async () => {
      await driver?.stop();
      driver = undefined;
    });

    /** A started driver; `prepare` sets up the paper source before anything is fetched. */
    async function started(prepare?: () => void): Promise<AdapterDriver> {
      hf.reset();
      prepare?.();
      driver = await makeDriver(hf);
      await driver.start();
      return driver;
    }

    /** The digest `/papers today` posted (the newest post), after checking the asker was told. */
    async function postToday(d: AdapterDriver): Promise<Posted> {
      const before = d.posted().length;
      const reply = await d.command(COMMANDS.today, "member");
      expect(reply.text).toMatch(/\b5 papers\b/); // in the platform's words: "Posted 5 papers …", "5 papers above …"
      expect(reply.private).toBe(true);
      const posts = d.posted();
      expect(posts).toHaveLength(before + 1);
      return posts.at(-1)!;
    }

    /** `/papers top` through the adapter once the core counts `expected` (reactions may arrive asynchronously). */
    async function topOnce(d: AdapterDriver, expected: RegExp): Promise<Reply> {
      await d.core.topShows(d.channel, expected);
      return d.command(COMMANDS.top, "member");
    }

    it("GIVEN /papers today THEN the digest is posted to the channel, the asker alone is told, and a keycap on it counts", async () => {
      const d = await started();
      const digest = await postToday(d);
      expect(digest.text).toContain(TOP_PAPER.title);
      await d.react(digest, { keycap: 1 }, { user: "U0ANN" });
      const top = await topOnce(d, /\(1 vote\)/);
      expect(top.text).toContain(TOP_PAPER.title);
      expect(voteCounts(top.text)).toEqual([1]);
    });

    it("GIVEN a manager's daily subscription fires THEN its digest is posted, recorded and votable", async () => {
      const d = await started();
      expect((await d.command(COMMANDS.subscribe, "manager")).text).toContain("Subscribed");
      const before = d.posted().length;
      await d.core.fire(await d.core.subscribedGroup());
      expect(d.posted()).toHaveLength(before + 1);
      const digest = d.posted().at(-1)!;
      expect(digest.text).toContain(TOP_PAPER.title);
      await d.react(digest, { keycap: 2 }, { user: "U0BOB" });
      expect(voteCounts((await topOnce(d, /\(1 vote\)/)).text)).toEqual([1]);
    });

    it("GIVEN a user votes for two papers and takes one back THEN /papers top shows what is left", async () => {
      const d = await started();
      const digest = await postToday(d);
      await d.react(digest, { keycap: 1 }, { user: "U0ANN" });
      await d.react(digest, { keycap: 2 }, { user: "U0ANN" });
      expect(voteCounts((await topOnce(d, /\(1 vote\)[^]*\(1 vote\)/)).text)).toEqual([1, 1]);
      await d.react(digest, { keycap: 1 }, { user: "U0ANN" }, "removed");
      const top = await topOnce(d, /^[^(]*\(1 vote\)[^(]*$/);
      expect(voteCounts(top.text)).toEqual([1]);
      expect(top.text).not.toContain(TOP_PAPER.title);
    });

    it.skipIf(options.skip?.botReaction !== undefined)(
      `GIVEN the bot reacts on its own digest THEN that reaction is not a vote${options.skip?.botReaction !== undefined ? ` (skipped: ${options.skip.botReaction})` : ""}`,
      async () => {
        const d = await started();
        const digest = await postToday(d);
        await d.react(digest, { keycap: 1 }, "bot");
        await d.react(digest, { keycap: 2 }, { user: "U0ANN" }); // arrives after the bot's: once it counts, both were handled
        const top = await topOnce(d, /\(1 vote\)/);
        expect(voteCounts(top.text)).toEqual([1]);
        expect(top.text).not.toContain(TOP_PAPER.title);
      },
    );

    it("GIVEN a paper title full of mentions, link forgeries, markdown and odd Unicode THEN what the platform gets is inert and accepted", async () => {
      const batch = batchWithTopTitle(HOSTILE_TITLE);
      const d = await started(() =>
        hf.respond("GET /api/daily_papers", (req) =>
          req.query.date === RECORDED_BATCH.date ? { json: batch } : undefined,
        ),
      );
      const digest = await postToday(d);
      expect(digest.text).toContain("read this now");
      expect(d.problems(digest.payload)).toEqual([]);
      // The title comes back in /papers top once someone votes for it: still inert there.
      await d.react(digest, { keycap: 1 }, { user: "U0ANN" });
      const top = await topOnce(d, /\(1 vote\)/);
      expect(top.text).toContain("read this now");
      expect(d.problems(top.payload)).toEqual([]);
    });

    it.skipIf(options.skip?.share !== undefined)(
      `GIVEN Share is pressed on a search hit THEN a card is posted to the channel, a vote on it counts and its removal takes it back${options.skip?.share !== undefined ? ` (skipped: ${options.skip.share})` : ""}`,
      async () => {
        const d = await started();
        const found = await d.command(COMMANDS.search, "member");
        const [paperId] = found.shares;
        expect(paperId).toMatch(/^\d{4}\.\d{4,5}$/);
        const before = d.posted().length;
        expect((await d.share(paperId!, "member")).text).toContain("Shared");
        expect(d.posted()).toHaveLength(before + 1);
        const card = d.posted().at(-1)!;
        expect(card.text).toContain(paperId);
        await d.react(card, "thumbs-up", { user: "U0ANN" });
        const top = await topOnce(d, /\(1 vote\)/);
        expect(top.text).toContain(paperId);
        expect(voteCounts(top.text)).toEqual([1]);
        await d.react(card, "thumbs-up", { user: "U0ANN" }, "removed");
        expect((await topOnce(d, /No votes yet/)).text).toContain("No votes yet");
      },
    );

    it("GIVEN nothing set up THEN /papers settings says so; GIVEN a manager subscribes THEN it lists the schedule", async () => {
      const d = await started();
      expect((await d.command(COMMANDS.settings, "member")).text).toContain("no subscriptions");
      expect((await d.command(COMMANDS.subscribe, "manager")).text).toContain("Subscribed");
      const settings = (await d.command(COMMANDS.settings, "member")).text;
      expect(settings).toContain("Hugging Face daily papers");
      expect(settings).toContain("weekdays at 09:00");
      expect(settings).toContain("0 9 * * 1-5");
      expect(settings).toContain("Europe/Berlin");
    });

    it("GIVEN a malformed command (at 25:00) THEN the reply names the wrong part with an example, and nothing is scheduled", async () => {
      const d = await started();
      const reply = await d.command(COMMANDS.badTime, "manager");
      expect(reply.text).toContain('"at 25:00" is not a time');
      expect(reply.text).toContain("/papers subscribe daily at 09:30");
      expect(reply.private).toBe(true);
      expect([...d.core.scheduler.entries.keys()]).toEqual(["watch-poll"]);
    });

    it("GIVEN the core fails answering (its store is down) THEN the asker gets the plain apology, and the next command works", async () => {
      const d = await started();
      d.core.outage.down = true;
      try {
        const reply = await d.command(COMMANDS.top, "member");
        expect(reply.text).toContain("Sorry, something went wrong answering that.");
        expect(reply.private).toBe(true);
      } finally {
        d.core.outage.down = false;
      }
      expect((await d.command(COMMANDS.settings, "member")).text).toContain("no subscriptions");
    });
  });
}
