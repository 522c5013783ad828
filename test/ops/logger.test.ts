// The production logger never writes a token or secret, whether it sits in a field, a message or an error.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, scrubSecrets } from "../../src/ops/logger.js";

const SLACK_BOT = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
const SLACK_APP = "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef";
const DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
const HF = "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH";
const SECRETS = [SLACK_BOT, SLACK_APP, DISCORD, HF, "hunter2", "s3cr3t-signing"];

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ level: "debug", destination }), lines, text: () => lines.join("\n") };
}

const expectNoSecret = (text: string) => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe("createLogger", () => {
  it("writes JSON lines with the level as a word and the message", () => {
    const { log, lines } = capture();
    log.info({ channel: "C1" }, "digest posted");
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "info", msg: "digest posted", channel: "C1", service: "paperboy" });
  });

  it("censors token and secret fields at the top level and one level down", () => {
    const { log, lines, text } = capture();
    log.info(
      {
        token: SLACK_BOT,
        SLACK_SIGNING_SECRET: "s3cr3t-signing",
        config: { DISCORD_TOKEN: DISCORD, HF_TOKEN: HF, password: "hunter2" },
        installation: { botToken: SLACK_BOT, clientSecret: "s3cr3t-signing" },
        req: { headers: { authorization: `Bot ${DISCORD}` } },
      },
      "starting",
    );
    expectNoSecret(text());
    const line = JSON.parse(lines[0]!);
    expect(line.token).toBe("[redacted]");
    expect(line.config.DISCORD_TOKEN).toBe("[redacted]");
    expect(line.installation.botToken).toBe("[redacted]");
    expect(line.req.headers.authorization).toBe("[redacted]");
  });

  it("scrubs token patterns from messages, nested strings, errors and child bindings", () => {
    const { log, text } = capture();
    log.warn(`slack said invalid_auth for ${SLACK_BOT}`);
    log.error({ detail: { note: `used ${SLACK_APP} and Bot ${DISCORD}` } }, `hf ${HF} failed`);
    log.error({ err: new Error(`request with token ${SLACK_BOT} failed`) }, "post failed");
    log.child({ store: "redis://:hunter2@10.0.0.1:6379" }).info("store opened");
    expectNoSecret(text());
    expect(text()).toContain("post failed");
    expect(text()).toContain("redis://:***@10.0.0.1:6379");
  });

  it("drops lines below the configured level", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: "warn", destination });
    log.info("hidden");
    log.warn("shown");
    expect(lines.join("")).not.toContain("hidden");
    expect(lines.join("")).toContain("shown");
  });
});

describe("scrubSecrets", () => {
  it("replaces Slack, Discord and Hugging Face tokens and URL passwords but keeps ordinary text", () => {
    expect(scrubSecrets(`a ${SLACK_BOT} b`)).toBe("a xox?-[redacted] b");
    expect(scrubSecrets(`Authorization: Bot ${DISCORD}`)).toBe("Authorization: Bot [redacted]");
    expect(scrubSecrets(DISCORD)).toBe("[redacted]");
    expect(scrubSecrets("redis://user:pw@host:6379/0")).toBe("redis://user:***@host:6379/0");
    expect(scrubSecrets("Attention Is All You Need (2406.01234)")).toBe(
      "Attention Is All You Need (2406.01234)",
    );
  });
});
