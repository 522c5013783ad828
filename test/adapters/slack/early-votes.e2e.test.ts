// Votes that come early or while the store is down, with the real core behind a real Bolt app: a keycap while Tier 3
// still paces the seeding, a reaction_added that outruns chat.postMessage's answer (held, then applied), for compact
// digests and for cards; and a vote the store cannot take answered 500, then counted once when Slack delivers it again.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "../../../src/storage/create-store.js";
import { startFakeSlackApi, type FakeSlackApi, type SlackMessage } from "../../fakes/fake-slack-api.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { withOutage } from "../../fakes/store-outage.js";
import { MEMBER, reactionEvent, startSlackCore, type SlackCore } from "./slack-core.js";

// Saturday 13 June 2026, 15:00 UTC: the last completed Hugging Face day is Friday 12 June (the recorded batch).
const NOW = new Date("2026-06-13T15:00:00Z");
const ONE_VOTE = /\(1 vote\)/;
const ANY_VOTE = /\(\d+ votes?\)/;

let hf: PaperApiServer;
let fake: FakeSlackApi;
let s: SlackCore | undefined;
let channel = "";
let channelNo = 0;

async function start(options: Partial<Parameters<typeof startSlackCore>[0]> = {}): Promise<SlackCore> {
  s = await startSlackCore({ hf, fake, now: () => NOW, channel, ...options });
  return s;
}

/** Reacts `reaction` 20 ms after the first message matching `which` appears in the channel; resolves with the answer. */
function reactSoonAfter(
  core: SlackCore,
  which: (m: SlackMessage) => boolean,
  reaction: string,
): Promise<{ status: number; at: number }> {
  return new Promise((resolve, reject) => {
    const off = fake.onMessage((m) => {
      if (m.channel !== channel || !which(m)) return;
      off();
      setTimeout(() => {
        core
          .react(m.ts, "U0ANN", reaction)
          .then((res) => resolve({ status: res.status, at: Date.now() }), reject);
      }, 20);
    });
  });
}

const indexOf = (m: SlackMessage): unknown => m.metadata?.event_payload.index;

beforeAll(async () => {
  hf = await startPaperApiServer();
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake.close();
  await hf.close();
});
beforeEach(() => {
  channel = `C0EARLY${String(++channelNo).padStart(4, "0")}`;
  hf.reset();
  fake.calls.length = 0;
  fake.responses.length = 0;
  fake.reactionsPerMinute = 50;
  fake.reactionBurst = 50;
  fake.reactionRateViolations = 0;
  fake.resetReactionBuckets();
});
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("a compact digest whose keycaps Tier 3 still paces", () => {
  it("GIVEN reactions.add throttled like Tier 3 WHEN a keycap comes 20 ms after the digest appears THEN it counts (the post was recorded before seeding)", async () => {
    const core = await start();
    const id = await core.subscribe("daily at 09:00");
    fake.reactionBurst = 2;
    fake.reactionsPerMinute = 120;
    const vote = reactSoonAfter(core, () => true, "two");
    await core.fire(id, NOW);
    const answered = await vote;
    expect(answered.status).toBe(200);
    // The vote was answered while the keycaps were still going on (Slack refused some with 429 meanwhile).
    expect(fake.reactionRateViolations).toBeGreaterThan(0);
    expect(answered.at).toBeLessThan(fake.callsOf("reactions.add").at(-1)!.at);
    expect(fake.reactionsOn(channel, fake.messagesIn(channel)[0]!.ts)).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);
    expect(await core.topShows(ONE_VOTE)).toMatch(ONE_VOTE);
  });

  it("GIVEN reaction_added arrives before chat.postMessage's answer THEN Slack gets its 200, the vote is held, and it counts once the post is recorded", async () => {
    const core = await start();
    const id = await core.subscribe("daily at 09:00");
    const held = fake.holdPost({ channel });
    const firing = core.fire(id, NOW);
    const message = await held.message;
    expect((await core.react(message.ts, "U0ANN", "two")).status).toBe(200);
    expect(core.core.votes.held()).toBe(1);
    expect(await core.top()).not.toMatch(ANY_VOTE);
    held.release();
    await firing;
    expect(await core.topShows(ONE_VOTE)).toMatch(ONE_VOTE);
    expect(core.core.votes.held()).toBe(0);
  });
});

describe("a cards digest", () => {
  it("GIVEN a 👍 on the first card 20 ms after it appears THEN it counts for that card's paper", async () => {
    const core = await start();
    const id = await core.subscribe("daily at 09:00 layout cards");
    const vote = reactSoonAfter(core, (m) => indexOf(m) === 1, "+1");
    await core.fire(id, NOW);
    expect((await vote).status).toBe(200);
    expect(fake.messagesIn(channel).map(indexOf)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await core.topShows(ONE_VOTE)).toMatch(ONE_VOTE);
  });

  it("GIVEN a 👍 on a card before that card's chat.postMessage answer THEN it is held and counts once the card is recorded", async () => {
    const core = await start();
    const id = await core.subscribe("daily at 09:00 layout cards");
    const held = fake.holdPost({ channel, skip: 1 });
    const firing = core.fire(id, NOW);
    const card = await held.message;
    expect(indexOf(card)).toBe(1);
    expect((await core.react(card.ts, "U0ANN", "+1::skin-tone-2")).status).toBe(200);
    expect(core.core.votes.held()).toBe(1);
    held.release();
    await firing;
    expect(await core.topShows(ONE_VOTE)).toMatch(ONE_VOTE);
  });
});

describe("a vote while the store is down", () => {
  it("GIVEN the store fails THEN reaction_added is answered 500; delivered again once it is back, the vote counts once", async () => {
    const outage = withOutage(await createStore("memory://"));
    const core = await start({ store: outage.store });
    const answer = await core.papers("today", MEMBER);
    expect(JSON.stringify(answer)).toContain("Posted 5 papers");
    const [digest] = fake.messagesIn(channel);
    const event = reactionEvent(digest!.ts, "U0ANN", "one", NOW, "reaction_added", channel);

    outage.down = true;
    expect((await core.slack.event(event)).status).toBe(500);
    outage.down = false;
    expect(await core.top()).not.toMatch(ANY_VOTE);

    // Slack delivers the same event (same event_id) again, and once more for good measure.
    expect((await core.slack.event(event)).status).toBe(200);
    expect((await core.slack.event(event)).status).toBe(200);
    const top = await core.topShows(ONE_VOTE);
    expect(top.match(/\(\d+ votes?\)/g)).toEqual(["(1 vote)"]);
  });
});
