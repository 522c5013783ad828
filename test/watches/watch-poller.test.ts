// Watch alerts through the real core: one votable card per paper that passes a watch's threshold, once per channel.
import { describe, expect, it } from "vitest";
import { WATCH_POLL_CRON } from "../../src/watches/watch-poller.js";
import { FIXTURES, recordedJson, type PaperApiServer } from "../fakes/paper-api-server.js";
import type { ChannelRef } from "../../src/platform/channel-ref.js";
import type { FakePlatform, SentMessage } from "../fakes/fake-platform.js";
import { channel, CHANNEL, useBot } from "../scheduler/harness.js";

const HOUR_MS = 60 * 60_000;

interface RecordedItem {
  paper: { id: string; upvotes: number; title: string };
}

/** Trending serves the recorded batch with `change` applied (a paper gaining upvotes, a new one). */
function trendingWith(hf: PaperApiServer, change: (items: RecordedItem[]) => RecordedItem[]): void {
  const items = change(recordedJson(FIXTURES.daily) as RecordedItem[]);
  hf.respond("GET /api/daily_papers", (req) => (req.query.sort === "trending" ? { json: items } : undefined));
}

/** The paper cards sent (an alert is a header message, then its card), to `where` when given. */
function cards(platform: FakePlatform, where?: ChannelRef): SentMessage[] {
  return (where ? platform.inChannel(where) : platform.sent).filter((s) =>
    s.message.blocks.some((b) => b.type === "paper"),
  );
}

const world = useBot();

describe("watch poller", () => {
  it("GIVEN a watch THEN it alerts once per paper on the topic above the threshold, as a card that takes votes, and never twice", async () => {
    await world.bot.ask("watch agents above 50");
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 1, failed: 0 });
    // Of the recorded batch, only EvoArena (118 upvotes) is about agents and above 50.
    expect(world.bot.platform.shownIds()).toEqual(["2606.13681"]);
    const ref = cards(world.bot.platform)[0]?.ref;
    if (!ref) throw new Error("no alert");
    expect(await world.bot.store.posts.lookup(ref)).toMatchObject({ kind: "alert", layout: "cards" });
    const vote = await world.bot.core.paperboy.handleReaction({
      message: ref,
      userId: "U2",
      emoji: { kind: "unicode", value: "👍" },
      change: "added",
    });
    expect(vote).toMatchObject({ status: "counted", paperId: "2606.13681", votes: 1 });
    // Trending and today's (New York) batch, still collecting upvotes.
    const asked = world.hf.requestsTo("/api/daily_papers").map((r) => r.query.sort ?? r.query.date);
    expect(asked).toEqual(expect.arrayContaining(["trending", "2026-06-13"]));

    world.bot.clock.advance(HOUR_MS); // still trending an hour later: not announced again
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 0, failed: 0 });
    expect(cards(world.bot.platform)).toHaveLength(1);
    expect(world.bot.platform.attempts).toHaveLength(world.bot.platform.sent.length);
  });

  it("GIVEN a paper below the threshold THEN it alerts when the paper crosses it later", async () => {
    await world.bot.ask("watch sparse attention above 200");
    await world.bot.core.watchPoller.poll();
    expect(world.bot.platform.attempts).toHaveLength(0);
    trendingWith(world.hf, (items) =>
      items.map((i) => (i.paper.id === "2606.13392" ? { paper: { ...i.paper, upvotes: 240 } } : i)),
    );
    world.bot.clock.advance(HOUR_MS);
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 1, failed: 0 });
    expect(world.bot.platform.shownIds()).toEqual(["2606.13392"]);
  });

  it("alerts each watching channel separately", async () => {
    await world.bot.ask("watch agents above 50");
    await world.bot.ask("watch agents above 50", channel("C2"));
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 2, failed: 0 });
    expect(cards(world.bot.platform, CHANNEL).map((c) => c.message.fallbackText)).toEqual([
      expect.stringContaining("EvoArena"),
    ]);
    expect(cards(world.bot.platform, channel("C2")).map((c) => c.message.fallbackText)).toEqual([
      expect.stringContaining("EvoArena"),
    ]);
  });

  it("GIVEN an alert whose post failed THEN the next poll posts it once, and after unwatch nothing more is alerted", async () => {
    await world.bot.ask("watch agents above 50");
    world.bot.platform.nextOnce({ kind: "fail", error: "HTTP 500", retryable: true });
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 0, failed: 1 });
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 1, failed: 0 });
    expect(world.bot.platform.shownIds()).toEqual(["2606.13681"]);
    expect(world.bot.platform.attempts).toHaveLength(3); // the failed header, then the header and the card
    await world.bot.ask("unwatch agents");
    trendingWith(world.hf, (items) => {
      const evo = items.find((i) => i.paper.id === "2606.13681");
      return evo ? [...items, { paper: { ...evo.paper, id: "2606.99999", upvotes: 500 } }] : items;
    });
    world.bot.clock.advance(HOUR_MS);
    expect(await world.bot.core.watchPoller.poll()).toEqual({ alerts: 0, failed: 0 });
    expect(world.bot.platform.attempts).toHaveLength(3);
  });

  it("puts an hourly UTC poll on the scheduler, and its tick alerts", async () => {
    expect(world.bot.scheduler.entries.get("watch-poll")).toMatchObject({
      cron: WATCH_POLL_CRON,
      timezone: "UTC",
    });
    await world.bot.ask("watch agents above 50");
    await world.bot.fire(WATCH_POLL_CRON, { timezone: "UTC" });
    expect(world.bot.platform.shownIds()).toEqual(["2606.13681"]);
  });
});
