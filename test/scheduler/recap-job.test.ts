// The weekly recap through the real core: the channel's most-voted papers of the week, once per ISO week.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { CHANNEL, EVERY_DAY_1700, startBot, type Bot } from "./harness.js";

const RECAP_CRON = "0 16 * * 5"; // the default: Fridays at 16:00
const RECAP_ID = subscriptionId(CHANNEL, { kind: "recap" });
const FRIDAY_1600_BERLIN = "2026-06-19T14:00:00Z"; // ISO week 2026-W25

let hf: PaperApiServer;
beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());

let bot: Bot;
beforeEach(async () => {
  hf.reset();
  bot = await startBot(hf);
});
afterEach(() => bot.stop());

describe("weekly recap", () => {
  it("GIVEN votes on this week's digest THEN the recap posts the most-voted papers, most votes first, once per ISO week", async () => {
    await bot.subscribe(`daily cron "${EVERY_DAY_1700}"`);
    await bot.fire(EVERY_DAY_1700);
    const digest = bot.platform.sent[0]?.ref;
    if (!digest) throw new Error("no digest");
    // Two people vote for slot 2, one for slot 1.
    for (const [userId, number] of [
      ["U1", 2],
      ["U2", 2],
      ["U3", 1],
    ] as const) {
      const vote = await bot.core.paperboy.handleReaction({
        message: digest,
        userId,
        emoji: { kind: "keycap", number },
        change: "added",
      });
      expect(vote.status).toBe("counted");
    }
    await bot.subscribe("recap");
    expect((await bot.store.subscriptions.get(RECAP_ID))?.cron).toBe(RECAP_CRON);

    bot.clock.set(FRIDAY_1600_BERLIN);
    await bot.fire(RECAP_CRON);
    expect(bot.platform.sent).toHaveLength(2);
    const recap = bot.platform.sent[1]?.message;
    expect(recap?.blocks[0]).toEqual({ type: "header", text: "This week's most-voted papers — 2026-W25" });
    const cards = recap?.blocks.flatMap((b) => (b.type === "paper" ? [b.paper] : [])) ?? [];
    expect(cards.map((c) => [c.id, c.teamVotes])).toEqual([
      ["2606.13392", 2],
      ["2606.13681", 1],
    ]);
    expect((await bot.store.subscriptions.get(RECAP_ID))?.lastDelivered?.periodKey).toBe("recap:2026-W25");

    bot.clock.advance(60 * 60_000);
    await bot.fire(RECAP_CRON);
    expect(bot.platform.attempts).toHaveLength(2);
  });

  it("GIVEN nobody voted this week THEN the recap posts nothing", async () => {
    await bot.subscribe("recap");
    bot.clock.set(FRIDAY_1600_BERLIN);
    await bot.fire(RECAP_CRON);
    expect(bot.platform.attempts).toHaveLength(0);
    expect(await bot.store.deliveries.get(`${RECAP_ID}@recap:2026-W25`)).toMatchObject({
      state: "empty",
      summary: "nothing new",
    });
  });
});
