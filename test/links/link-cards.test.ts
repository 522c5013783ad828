// The team's memory wording and the lookup's fallbacks, on the real core against the loopback HF/arXiv fake.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Core } from "../../src/create-core.js";
import { describeMemory } from "../../src/links/team-memory.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { SourceUnavailableError } from "../../src/sources/paper-source.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { createTestCore } from "../fakes/test-core.js";

const NOW = new Date("2026-06-13T15:00:00Z");
const TZ = "Europe/Berlin";
const day = (iso: string) => new Date(`${iso}T10:00:00Z`);

describe("describeMemory", () => {
  it("GIVEN nothing known THEN the paper is new to the channel", () => {
    expect(describeMemory({ shares: 0, votes: 0, digests: 0, digestDates: [] }, TZ, NOW)).toBe(
      "New to this channel.",
    );
  });

  it("GIVEN shares, votes and digests THEN one line, dates in the team's zone, oldest digest first", () => {
    const memory = {
      shares: 3,
      firstShared: new Date("2026-06-11T23:30:00Z"), // already 12 Jun in Berlin
      votes: 4,
      digests: 2,
      digestDates: [day("2026-06-12"), day("2026-06-05")],
    };
    expect(describeMemory(memory, TZ, NOW)).toBe(
      "This channel: shared 3 times before, first on 12 Jun · 4 team votes · in the digests of 5 Jun and 12 Jun.",
    );
  });

  it("GIVEN more digests than dates kept and a share from last year THEN the count, the latest date, and the year", () => {
    const memory = {
      shares: 1,
      firstShared: day("2025-12-01"),
      votes: 1,
      digests: 7,
      digestDates: [day("2026-06-12"), day("2026-06-05"), day("2026-05-29")],
    };
    expect(describeMemory(memory, TZ, NOW)).toBe(
      "This channel: shared once before, first on 1 Dec 2025 · 1 team vote · in 7 digests, the latest on 12 Jun.",
    );
  });
});

describe("looking up a pasted id", () => {
  let hf: PaperApiServer;
  let core: Core;
  const channel = channelRef("slack", "T1", "C1");
  beforeAll(async () => {
    hf = await startPaperApiServer();
  });
  afterAll(() => hf.close());
  beforeEach(async () => {
    hf.reset();
    ({ core } = await createTestCore(hf, () => NOW));
    await core.start();
  });
  afterEach(() => core.stop());

  const unfurl = (url: string) =>
    core.paperboy.unfurl({ channel, userId: "U1", urls: [url], message: { channel, id: "1.1" } });

  it("GIVEN Hugging Face answers 500 THEN arXiv's id_list decides, and the paper is archived", async () => {
    hf.respond("GET /api/papers/2606.13591", { status: 500, json: { error: "boom" } });
    const cards = await unfurl("https://arxiv.org/abs/2606.13591v1");
    expect(cards.get("https://arxiv.org/abs/2606.13591v1")?.fallbackText).toContain("New to this channel.");
    expect(hf.requestsTo("/api/query").map((r) => r.query.id_list)).toEqual(["2606.13591"]);
    hf.reset();
    await unfurl("https://huggingface.co/papers/2606.13591");
    expect(hf.requests).toEqual([]);
  });

  it("GIVEN Hugging Face and arXiv both down THEN the unfurl fails plainly and /papers <id> names what cannot be reached", async () => {
    hf.respond("GET /api/papers/2606.13591", { status: 500, json: { error: "boom" } });
    hf.respond("GET /api/query", { status: 503, body: "down" });
    await expect(unfurl("https://arxiv.org/abs/2606.13591")).rejects.toBeInstanceOf(SourceUnavailableError);
    const reply = await core.paperboy.handleCommand({
      channel,
      userId: "U1",
      text: "2606.13591",
      canManage: false,
    });
    expect(reply.visibility).toBe("ephemeral");
    expect(reply.message.fallbackText).toContain("arXiv cannot be reached at");
  });
});
