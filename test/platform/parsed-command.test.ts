// CommandInvocation.parsed: a command an adapter read from structured input runs as given; `text` is then for logs only.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Core } from "../../src/create-core.js";
import { channelRef } from "../../src/index.js";
import type { Store } from "../../src/storage/store.js";
import { startPaperApiServer, type PaperApiServer } from "../fakes/paper-api-server.js";
import { createTestCore } from "../fakes/test-core.js";

const NOW = new Date("2026-06-13T15:00:00Z");
const channel = channelRef("discord", "G1", "C1");

describe("a command handed over already parsed", () => {
  let hf: PaperApiServer;
  let store: Store;
  let core: Core;

  beforeAll(async () => {
    hf = await startPaperApiServer();
  });
  afterAll(() => hf.close());
  beforeEach(async () => {
    ({ core, store } = await createTestCore(hf, () => NOW));
    await core.start();
  });
  afterEach(async () => {
    await core.stop();
    await store.close();
  });

  it("GIVEN parsed settings and text that would read as a search THEN the core answers settings", async () => {
    const reply = await core.paperboy.handleCommand({
      channel,
      userId: "U1",
      text: "this text is not parsed",
      parsed: { ok: true, value: { name: "settings" } },
      canManage: false,
    });
    expect(reply.message.fallbackText).toContain("no subscriptions");
  });

  it("GIVEN a parsed usage error THEN the core answers it as usage, privately", async () => {
    const reply = await core.paperboy.handleCommand({
      channel,
      userId: "U1",
      text: "subscribe daily at 25:00",
      parsed: {
        ok: false,
        error: { problem: '"at 25:00" is not a time.', example: "/papers subscribe daily at 09:30" },
      },
      canManage: true,
    });
    expect(reply.visibility).toBe("ephemeral");
    expect(JSON.stringify(reply.message)).toContain('"at 25:00\\" is not a time.');
  });
});
