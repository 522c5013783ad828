import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PaperId } from "../../src/papers/paper.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import type { Store } from "../../src/storage/key-value.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { createVoteService } from "../../src/votes/vote-service.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { CHANNEL, createClock, createHarness, daily, invocation } from "./harness.js";

let store: Store;
beforeEach(async () => {
  store = await createStore("memory://");
});
afterEach(async () => {
  await store.close();
});

const RECAP_ID = subscriptionId(CHANNEL, { kind: "recap" });
const DAILY_ID = subscriptionId(CHANNEL, { kind: "daily" });

async function setup() {
  const clock = createClock("2026-06-13T07:00:00Z");
  const base = createHarness(store, { now: clock.now });
  const votes = createVoteService({ votes: store.namespace("votes"), events: store.namespace("events"), posts: base.posts, now: clock.now });
  const papers = new Map(hfFixturePapers().map((p) => [p.id, p]));
  const h = createHarness(store, { now: clock.now, extra: { votes, paperById: (id: PaperId) => papers.get(id) } });
  return { ...h, votes, clock };
}

describe("weekly recap", () => {
  it("posts the channel's most-voted papers of the week once per ISO week", async () => {
    const h = await setup();
    await h.commands.subscribe(invocation(), daily());
    const digest = await h.job.run(DAILY_ID, h.clock.now());
    if (digest.status !== "posted") throw new Error(digest.status);
    const ref = digest.messages[0]?.ref;
    if (!ref) throw new Error("no message");
    // Two people vote for slot 2, one for slot 1.
    for (const [userId, number] of [["U1", 2], ["U2", 2], ["U3", 1]] as const) {
      await h.votes.handleReaction({ message: ref, userId, emoji: { kind: "keycap", number }, change: "added" });
    }
    await h.commands.subscribe(invocation(), { source: { kind: "recap" } });
    expect(h.scheduler.entries.get(RECAP_ID)?.cron).toBe("0 16 * * 5");

    h.clock.set("2026-06-19T14:00:00Z"); // Fri 16:00 Berlin-ish, ISO week 2026-W25
    const recap = await h.job.run(RECAP_ID, h.clock.now());
    expect(recap.status).toBe("posted");
    const message = h.platform.posted[1]?.messages[0];
    expect(message?.blocks[0]).toEqual({ type: "header", text: "This week's most-voted papers — 2026-W25" });
    const cards = message?.blocks.flatMap((b) => (b.type === "paper" ? [b.paper] : [])) ?? [];
    expect(cards.map((c) => [c.id, c.teamVotes])).toEqual([
      ["2606.13392", 2],
      ["2606.13681", 1],
    ]);

    h.clock.advance(3600_000);
    expect((await h.job.run(RECAP_ID, h.clock.now())).status).toBe("skipped");
    expect(h.platform.posted).toHaveLength(2);
  });

  it("posts nothing when nobody voted this week", async () => {
    const h = await setup();
    await h.commands.subscribe(invocation(), { source: { kind: "recap" } });
    expect(await h.job.run(RECAP_ID, h.clock.now())).toEqual({ status: "skipped", reason: "nothing new" });
    expect(h.platform.requests).toHaveLength(0);
  });
});
