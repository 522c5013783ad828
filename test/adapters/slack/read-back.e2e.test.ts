// Exactly-once digests on Slack with the real core: each post carries its delivery handle as message metadata, and a
// delivery left "posting" (Slack created the message but the answer was lost) is found again through
// conversations.history and recorded instead of posted twice — after a retry in process and after a crash.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeSlackApi, type FakeSlackApi } from "../../fakes/fake-slack-api.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { ACME } from "./slack-harness.js";
import { startSlackCore, type SlackCore } from "./slack-core.js";

// Saturday 13 June 2026, 15:00 UTC: the last completed Hugging Face day is Friday 12 June (the recorded batch).
const NOW = new Date("2026-06-13T15:00:00Z");
const KEYCAP_NAMES = ["one", "two", "three", "four", "five"];

let hf: PaperApiServer;
let fake: FakeSlackApi;
let dir: string;
let CHANNEL = "";
let channelNo = 0;
const running: SlackCore[] = [];

async function start(options: Partial<Parameters<typeof startSlackCore>[0]> = {}): Promise<SlackCore> {
  const started = await startSlackCore({ hf, fake, now: () => NOW, channel: CHANNEL, ...options });
  running.push(started);
  return started;
}

/** Slack creates the message, then answers 500: the send fails (and is not repeated in process). */
function loseThePostsAnswer(): void {
  fake.failNext("chat.postMessage", { status: 500, afterPosting: true }, CHANNEL);
}

beforeAll(async () => {
  hf = await startPaperApiServer();
  fake = await startFakeSlackApi();
  dir = mkdtempSync(join(tmpdir(), "paperboy-read-back-"));
});
afterAll(async () => {
  await fake.close();
  await hf.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  CHANNEL = `C0ONCE${String(++channelNo).padStart(4, "0")}`;
  hf.reset();
  fake.calls.length = 0;
  fake.responses.length = 0;
  fake.resetReactionBuckets();
});
afterEach(async () => {
  for (const s of running.splice(0).reverse()) await s.close();
});

describe("the delivery handle in Slack message metadata", () => {
  it("GIVEN a scheduled digest THEN its message carries metadata paperboy_post {delivery, index} naming the ledger's open delivery", async () => {
    const s = await start();
    const id = await s.subscribe("daily at 09:00");
    const held = fake.holdPost({ channel: CHANNEL });
    const firing = s.fire(id, NOW);
    const message = await held.message;
    const [open] = await s.store.deliveries.open();
    expect(open?.state).toBe("posting");
    expect(message.metadata).toEqual({
      event_type: "paperboy_post",
      event_payload: { delivery: open?.handle, index: 0 },
    });
    held.release();
    await firing;
    expect(await s.store.deliveries.get(open!.key)).toMatchObject({
      state: "posted",
      sent: [{ index: 0, id: message.ts }],
    });
  });
});

describe("a post whose answer was lost", () => {
  it("GIVEN Slack created the digest but answered 500 THEN the retry finds it through conversations.history, records it and seeds once: one message", async () => {
    const s = await start();
    const id = await s.subscribe("daily at 09:00");
    loseThePostsAnswer();
    await s.fire(id, NOW);
    // The retry (20 ms later) reads the channel back instead of posting again.
    await fake.waitFor(() => fake.reactionsOn(CHANNEL, fake.messagesIn(CHANNEL)[0]?.ts ?? "").length === 5);
    await s.core.queue.idle();
    const messages = fake.messagesIn(CHANNEL, ACME.teamId);
    expect(messages).toHaveLength(1);
    expect(fake.callsOf("chat.postMessage")).toHaveLength(1);
    const history = fake.callsOf("conversations.history");
    expect(history.length).toBeGreaterThan(0);
    expect(history[0]?.args).toMatchObject({ channel: CHANNEL, include_all_metadata: "true" });
    expect(fake.reactionsOn(CHANNEL, messages[0]!.ts)).toEqual(KEYCAP_NAMES);
    expect(fake.callsOf("reactions.add")).toHaveLength(5);

    // It is paperboy's post now: a keycap on it counts, and the period is done.
    expect((await s.react(messages[0]!.ts, "U0ANN", "one")).status).toBe(200);
    expect(await s.topShows(/\(1 vote\)/)).toMatch(/\(1 vote\)/);
    await s.fire(id, new Date(NOW.getTime() + 60_000));
    expect(fake.messagesIn(CHANNEL, ACME.teamId)).toHaveLength(1);
  });

  it("GIVEN the process crashed with the delivery left posting THEN the next process resumes it at start-up and records the message it finds instead of posting it again", async () => {
    const storeUrl = `sqlite://${join(dir, "crash.sqlite")}`;
    // The first process would retry only after a minute: it "crashes" (stops) long before.
    const first = await start({ storeUrl, retry: { baseMs: 60_000, capMs: 60_000 } });
    const id = await first.subscribe("daily at 09:00");
    loseThePostsAnswer();
    await first.fire(id, NOW);
    const [left] = await first.store.deliveries.open();
    expect(left).toMatchObject({ state: "posting", posting: 0, sent: [] });
    expect(fake.messagesIn(CHANNEL, ACME.teamId)).toHaveLength(1);
    expect(fake.callsOf("reactions.add")).toHaveLength(0);
    running.splice(running.indexOf(first), 1);
    await first.close();

    const second = await start({ storeUrl });
    await second.core.queue.idle();
    const messages = fake.messagesIn(CHANNEL, ACME.teamId);
    expect(messages).toHaveLength(1);
    expect(fake.callsOf("chat.postMessage")).toHaveLength(1);
    expect(fake.callsOf("conversations.history").length).toBeGreaterThan(0);
    expect(await second.store.deliveries.get(left!.key)).toMatchObject({
      state: "posted",
      sent: [{ index: 0, id: messages[0]!.ts }],
    });
    await fake.waitFor(() => fake.reactionsOn(CHANNEL, messages[0]!.ts).length === 5);
    expect(fake.reactionsOn(CHANNEL, messages[0]!.ts)).toEqual(KEYCAP_NAMES);
    expect(fake.callsOf("reactions.add")).toHaveLength(5);
    expect((await second.react(messages[0]!.ts, "U0BOB", "two")).status).toBe(200);
    expect(await second.topShows(/\(1 vote\)/)).toMatch(/\(1 vote\)/);
  });
});
