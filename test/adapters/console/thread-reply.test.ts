// A paper's update on the console: printed as a reply to the message it answers, the title without terminal controls.
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createConsolePlatform } from "../../../adapters/console/index.js";
import { channelRef, loadConfig, type Paperboy } from "../../../src/index.js";
import { createScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { hostileCodeReply } from "../../updates/sample-updates.js";

describe("a paper's update on the console", () => {
  it("GIVEN an update reply THEN it prints which message it answers and the title without terminal controls", async () => {
    const printed: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        printed.push(chunk.toString("utf8"));
        done();
      },
    });
    const core: Paperboy = createScriptedPaperboy();
    const adapter = createConsolePlatform(loadConfig({ STORE_URL: "memory://" }), {
      core,
      input: new PassThrough(),
      output,
    });
    const channel = channelRef("console", "local", "console");
    const digest = await adapter.platform.send(
      channel,
      { fallbackText: "digest", blocks: [{ type: "text", content: [{ type: "text", text: "digest" }] }] },
      { delivery: "d0000000000000001", index: 0 },
    );
    if (digest.status !== "sent") throw new Error(digest.status);
    const reply = hostileCodeReply(channel, digest.message.ref.id);
    const withControls = {
      ...reply,
      blocks: reply.blocks.map((b) =>
        b.type === "text"
          ? {
              ...b,
              content: b.content.map((r) =>
                r.type === "link" ? { ...r, text: `${r.text}\u001b[31m\u202e` } : r,
              ),
            }
          : b,
      ),
    };
    await adapter.platform.send(channel, withControls, { delivery: "d0000000000000002", index: 0 });
    const out = printed.join("");
    expect(out).toContain(`↳ in reply to message ${digest.message.ref.id}:`);
    expect(out).toContain("released its code: github.com/acme/tool");
    expect(out.includes("\u001b") || out.includes("\u202e")).toBe(false);
    await adapter.stop();
  });
});
