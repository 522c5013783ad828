// Configuration: one zod schema; every bad value is named with its fix, and secrets never appear in errors.
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  discordEnabled,
  loadConfig,
  redactUrl,
  slackEnabled,
} from "../../src/config/load-config.js";

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("GIVEN no variables THEN it runs with defaults and no chat platform (the console)", () => {
    const config = loadConfig({});
    expect(config.STORE_URL).toBe("sqlite://data/paperboy.sqlite");
    expect(config.PORT).toBe(3000);
    expect(config.HF_API_URL).toBe("https://huggingface.co");
    expect(config.DEFAULT_TIMEZONE).toBe("UTC");
    expect(slackEnabled(config) || discordEnabled(config)).toBe(false);
  });

  it("treats empty values from an env file as unset", () => {
    const config = loadConfig({ SLACK_APP_TOKEN: "", HF_API_URL: " ", DISCORD_TOKEN: "" });
    expect(config.SLACK_APP_TOKEN).toBeUndefined();
    expect(config.HF_API_URL).toBe("https://huggingface.co");
  });

  it("lists every bad value at once, each with how to fix it", () => {
    const message = problems({
      PORT: "eighty",
      LOG_LEVEL: "loud",
      DEFAULT_TIMEZONE: "Mars/Olympus",
      STORE_URL: "mysql://x",
    });
    expect(message).toContain("PORT: must be a port number");
    expect(message).toContain("LOG_LEVEL: must be one of");
    expect(message).toContain("DEFAULT_TIMEZONE: must be an IANA time zone");
    expect(message).toContain("STORE_URL: must be sqlite://");
  });

  it("asks for the signing secret with a Slack token, and never echoes the token", () => {
    const message = problems({ SLACK_BOT_TOKEN: "xoxb-secret-value-123" });
    expect(message).toContain("SLACK_SIGNING_SECRET: is needed with Slack");
    expect(message).not.toContain("xoxb-secret-value-123");
  });

  it("rejects a user token where a bot token belongs", () => {
    expect(problems({ SLACK_BOT_TOKEN: "xoxp-user", SLACK_SIGNING_SECRET: "s" })).toContain(
      "SLACK_BOT_TOKEN: must be a bot token",
    );
  });

  it("refuses a token together with OAuth, and asks for all three OAuth values", () => {
    const message = problems({
      SLACK_CLIENT_ID: "1.2",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
    });
    expect(message).toContain("SLACK_CLIENT_SECRET: is needed");
    expect(message).toContain("SLACK_STATE_SECRET: is needed");
    expect(message).toContain("SLACK_BOT_TOKEN: cannot be combined");
  });

  it("needs the application id with a Discord token", () => {
    expect(problems({ DISCORD_TOKEN: "abc" })).toContain("DISCORD_APPLICATION_ID: is needed");
    const config = loadConfig({ DISCORD_TOKEN: "abc", DISCORD_APPLICATION_ID: "123456789012345678" });
    expect(discordEnabled(config)).toBe(true);
  });

  it("GIVEN a numeric but too short Discord id THEN it says the rule (17–20 digits), not 'numeric'", () => {
    const message = problems({ DISCORD_TOKEN: "abc", DISCORD_APPLICATION_ID: "1", DISCORD_GUILD_ID: "12" });
    expect(message).toContain(
      "DISCORD_APPLICATION_ID: must be the application id, a Discord snowflake of 17–20 digits",
    );
    expect(message).toContain("DISCORD_GUILD_ID: must be a server id, a Discord snowflake of 17–20 digits");
    expect(message).not.toMatch(/numeric/);
    expect(problems({ DISCORD_TOKEN: "abc", DISCORD_APPLICATION_ID: "123456789012345678901" })).toContain(
      "17–20 digits",
    );
    expect(
      loadConfig({ DISCORD_TOKEN: "abc", DISCORD_APPLICATION_ID: "12345678901234567" })
        .DISCORD_APPLICATION_ID,
    ).toBe("12345678901234567");
  });

  it("splits SLACK_ADMIN_USERS on commas and spaces", () => {
    expect(loadConfig({ SLACK_ADMIN_USERS: "U1, U2 U3" }).SLACK_ADMIN_USERS).toEqual(["U1", "U2", "U3"]);
  });

  it("hides passwords in store URLs", () => {
    expect(redactUrl("redis://:hunter2@cache:6379/0")).toBe("redis://:***@cache:6379/0");
    expect(redactUrl("redis://user:hunter2@cache:6379")).toBe("redis://user:***@cache:6379");
    expect(redactUrl("sqlite://data/paperboy.sqlite")).toBe("sqlite://data/paperboy.sqlite");
  });
});
