// Interactive commands against a Hugging Face that hangs or sends too much: one deadline over every retry, the
// archive answers, and the asker is told why — with production retry settings on the loopback fake.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Core } from "../../src/create-core.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import type { Store } from "../../src/storage/store.js";
import { createFakePlatform, type FakePlatform } from "../fakes/fake-platform.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { createTestCore } from "../fakes/test-core.js";

const NOW = new Date("2026-06-13T15:00:00Z");
const WEEK_LATER = new Date("2026-06-20T15:00:00Z"); // nothing cached for those dates
const channel = channelRef("console", "T1", "C1");
const DEADLINE_MS = 1_000;

let hf: PaperApiServer;
let core: Core;
let store: Store;
let platform: FakePlatform;
let now: Date;
let releaseHang: () => void;
let hangEnded: boolean;

const ask = (text: string) => core.paperboy.handleCommand({ channel, userId: "U1", text, canManage: true });

/** Every daily_papers request waits until the test releases it (or the file ends); `hangEnded` says if it did. */
function hangDailyPapers(): void {
  const released = new Promise<void>((resolve) => (releaseHang = resolve));
  hf.respond("GET /api/daily_papers", async () => {
    await released;
    hangEnded = true;
    return { status: 500 };
  });
}

beforeAll(async () => {
  hf = await startPaperApiServer();
});
afterAll(() => hf.close());
beforeEach(async () => {
  now = NOW;
  hangEnded = false;
  releaseHang = () => undefined;
  hf.reset();
  ({ core, store } = await createTestCore(hf, () => now, {
    config: {
      HF_API_URL: hf.url,
      ARXIV_API_URL: hf.arxivUrl,
      DEFAULT_TIMEZONE: "Europe/Berlin",
      HF_COMMAND_DEADLINE_MS: DEADLINE_MS,
      HF_MAX_RESPONSE_BYTES: 1024 * 1024,
    },
    // Production's retry settings: 10 s per attempt, 3 retries (about 44 s against a hang without the deadline).
    http: { timeoutMs: 10_000, retries: 3 },
  }));
  platform = createFakePlatform({ id: "console" });
  core.paperboy.registerPlatform(platform);
  await core.start();
});
afterEach(async () => {
  releaseHang();
  await core.stop();
  await store.close();
});

describe("a hanging Hugging Face", () => {
  it("GIVEN Hugging Face hangs THEN /papers today answers from the archive within the deadline and says Hugging Face is slow", async () => {
    await ask("today"); // archives the recorded batch
    hangDailyPapers();
    now = WEEK_LATER;
    const reply = await ask("today");
    expect(hangEnded).toBe(false); // answered while Hugging Face was still hanging
    expect(JSON.stringify(reply.message)).toContain("Posted");
    const posted = JSON.stringify(platform.sent.at(-1)?.message);
    expect(posted).toContain(`Hugging Face is slow: no answer within 1 s from ${hf.url}`);
    expect(posted).toContain("Hugging Face is slow right now, so these come from paperboy's archive");
    expect(posted).toContain("EvoArena");
  });

  it("GIVEN Hugging Face hangs and the archive is empty THEN /papers week says Hugging Face is slow, before the hang ends", async () => {
    hangDailyPapers();
    const reply = await ask("week");
    expect(hangEnded).toBe(false);
    expect(reply.message.fallbackText).toContain(`Hugging Face is slow: no answer within 1 s from ${hf.url}`);
    expect(platform.sent).toHaveLength(0);
  });

  it("GIVEN Hugging Face hangs THEN /papers catchup still answers with the team's side, before the hang ends", async () => {
    hangDailyPapers();
    const reply = await ask("catchup 3");
    expect(hangEnded).toBe(false);
    expect(reply.message.fallbackText).toContain("Hugging Face could not be reached for trending papers");
  });
});

describe("a Hugging Face failing fast", () => {
  it("GIVEN every attempt answers 500 THEN the command, cut off while retrying, says Hugging Face cannot be reached (not slow)", async () => {
    hf.respond("GET /api/daily_papers", { status: 500 });
    const reply = await ask("week");
    expect(reply.message.fallbackText).toMatch(
      new RegExp(`Hugging Face cannot be reached at ${hf.url}: HTTP 500 after \\d attempts?`),
    );
    expect(reply.message.fallbackText).not.toContain("slow");
  });
});

describe("an oversized Hugging Face answer", () => {
  it("GIVEN Hugging Face streams more than HF_MAX_RESPONSE_BYTES THEN /papers today says it sent too much and answers from the archive", async () => {
    await ask("today");
    hf.respond("GET /api/daily_papers", { streamBytes: 32 * 1024 * 1024 });
    now = WEEK_LATER;
    const reply = await ask("today");
    expect(JSON.stringify(reply.message)).toContain("Posted");
    const posted = JSON.stringify(platform.sent.at(-1)?.message);
    expect(posted).toContain(
      `Hugging Face sent too much at ${hf.url}: sent more than 1 MiB, the response cap (HF_MAX_RESPONSE_BYTES)`,
    );
    expect(posted).toContain("EvoArena");
    expect(hf.streamedBytes()).toBeLessThan(16 * 1024 * 1024);
  });
});
