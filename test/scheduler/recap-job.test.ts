// The weekly recap through the real core: the channel's most-voted papers of the week, once per ISO week.
import { describe, expect, it } from "vitest";
import { subscriptionId } from "../../src/subscriptions/subscription.js";

import { CHANNEL, EVERY_DAY_1700, useBot } from "./harness.js";

const RECAP_CRON = "0 16 * * 5"; // the default: Fridays at 16:00
const RECAP_ID = subscriptionId(CHANNEL, { kind: "recap" });
const FRIDAY_1600_BERLIN = "2026-06-19T14:00:00Z"; // ISO week 2026-W25

const world = useBot();

describe("weekly recap", () => {
  it("GIVEN votes on this week's digest THEN the recap posts the most-voted papers, most votes first, once per ISO week", async () => {
    await world.bot.subscribe(`daily cron "${EVERY_DAY_1700}"`);
    await world.bot.fire(EVERY_DAY_1700);
    const digest = world.bot.platform.sent[0]?.ref;
    if (!digest) throw new Error("no digest");
    // Two people vote for slot 2, one for slot 1.
    for (const [userId, number] of [
      ["U1", 2],
      ["U2", 2],
      ["U3", 1],
    ] as const) {
      const vote = await world.bot.core.paperboy.handleReaction({
        message: digest,
        userId,
        emoji: { kind: "keycap", number },
        change: "added",
      });
      expect(vote.status).toBe("counted");
    }
    await world.bot.subscribe("recap");
    expect((await world.bot.store.subscriptions.get(RECAP_ID))?.cron).toBe(RECAP_CRON);

    world.bot.clock.set(FRIDAY_1600_BERLIN);
    await world.bot.fire(RECAP_CRON);
    expect(world.bot.platform.sent).toHaveLength(2);
    const recap = world.bot.platform.sent[1]?.message;
    expect(recap?.blocks[0]).toEqual({ type: "header", text: "This week's most-voted papers — 2026-W25" });
    const cards = recap?.blocks.flatMap((b) => (b.type === "paper" ? [b.paper] : [])) ?? [];
    expect(cards.map((c) => [c.id, c.teamVotes])).toEqual([
      ["2606.13392", 2],
      ["2606.13681", 1],
    ]);
    expect((await world.bot.store.subscriptions.get(RECAP_ID))?.lastDelivered?.periodKey).toBe(
      "recap:2026-W25",
    );

    world.bot.clock.advance(60 * 60_000);
    await world.bot.fire(RECAP_CRON);
    expect(world.bot.platform.attempts).toHaveLength(2);
  });

  it("GIVEN nobody voted this week THEN the recap posts nothing", async () => {
    await world.bot.subscribe("recap");
    world.bot.clock.set(FRIDAY_1600_BERLIN);
    await world.bot.fire(RECAP_CRON);
    expect(world.bot.platform.attempts).toHaveLength(0);
    expect(await world.bot.store.deliveries.get(`${RECAP_ID}@recap:2026-W25`)).toMatchObject({
      state: "empty",
      summary: "nothing new",
    });
  });
});
