// The only reader of process.env: one zod schema, and a start-up error that says how to fix each value.
import { z } from "zod";
import { isTimeZone } from "../shared/time-zone.js";

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

const url = (name: string, example: string) =>
  z
    .string()
    .trim()
    .refine((s) => /^https?:\/\/[^\s]+$/.test(s), `${name} must be an http(s) URL, e.g. ${example}`);

/** A positive whole number with a default; the message names the variable and an example. */
const wholeNumber = (name: string, example: string, fallback: number) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .refine((s) => /^\d+$/.test(s) && Number(s) > 0, {
      error: `${name} must be a whole number above 0, e.g. ${example}`,
    })
    .transform(Number);

/** Discord ids are snowflakes: 64-bit numbers, 17–20 decimal digits for any id made since 2015. */
const SNOWFLAKE = /^\d{17,20}$/;

export const ConfigSchema = z
  .object({
    SLACK_BOT_TOKEN: optionalString.refine((s) => s === undefined || s.startsWith("xoxb-"), {
      error:
        "must be a bot token starting with xoxb- (Slack app → OAuth & Permissions → Bot User OAuth Token)",
    }),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.refine((s) => s === undefined || s.startsWith("xapp-"), {
      error:
        "must be an app-level token starting with xapp- (Slack app → Basic Information → App-Level Tokens)",
    }),
    SLACK_CLIENT_ID: optionalString,
    SLACK_CLIENT_SECRET: optionalString,
    SLACK_STATE_SECRET: optionalString,
    SLACK_API_URL: url("SLACK_API_URL", "https://slack.com/api/").optional(),
    SLACK_ADMIN_USERS: z
      .string()
      .optional()
      .transform((s) =>
        (s ?? "")
          .split(/[\s,]+/)
          .map((u) => u.trim())
          .filter((u) => u !== ""),
      ),
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString.refine((s) => s === undefined || SNOWFLAKE.test(s), {
      error:
        "must be the application id, a Discord snowflake of 17–20 digits such as 1278000000000000003 (Developer Portal → your app → General Information → Application ID)",
    }),
    DISCORD_GUILD_ID: optionalString.refine((s) => s === undefined || SNOWFLAKE.test(s), {
      error:
        "must be a server id, a Discord snowflake of 17–20 digits (Discord: turn on Developer Mode, right-click the server → Copy Server ID)",
    }),
    DISCORD_API_URL: url("DISCORD_API_URL", "https://discord.com/api").optional(),
    HF_API_URL: url("HF_API_URL", "https://huggingface.co").default("https://huggingface.co"),
    HF_TOKEN: optionalString,
    ARXIV_API_URL: url("ARXIV_API_URL", "https://export.arxiv.org/api/query").default(
      "https://export.arxiv.org/api/query",
    ),
    STORE_URL: z
      .string()
      .trim()
      .default("sqlite://data/paperboy.sqlite")
      .refine((s) => /^(sqlite:\/\/.+|redis(s)?:\/\/.+|memory:\/\/)$/.test(s), {
        error: "must be sqlite://path/to/file.sqlite, redis://host:6379 or memory://",
      }),
    PORT: z
      .string()
      .trim()
      .default("3000")
      .refine((s) => /^\d+$/.test(s) && Number(s) <= 65535, { error: "must be a port number, e.g. 3000" })
      .transform(Number),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
    DEFAULT_TIMEZONE: z
      .string()
      .trim()
      .default("UTC")
      .refine(isTimeZone, { error: "must be an IANA time zone such as Europe/Berlin or America/New_York" }),
    SLACK_REACTIONS_PER_MINUTE: wholeNumber(
      "SLACK_REACTIONS_PER_MINUTE",
      "50 (Slack's Tier 3 for reactions.add)",
      50,
    ),
    QUEUE_LOCK_MS: wholeNumber("QUEUE_LOCK_MS", "30000", 30_000),
  })
  .superRefine((c, ctx) => {
    const need = (name: keyof typeof c, why: string) => {
      if (c[name] === undefined) ctx.addIssue({ code: "custom", path: [name], message: why });
    };
    const slackOAuth = c.SLACK_CLIENT_ID !== undefined || c.SLACK_CLIENT_SECRET !== undefined;
    if (slackOAuth) {
      need(
        "SLACK_CLIENT_ID",
        "is needed for multi-workspace OAuth (Slack app → Basic Information → Client ID)",
      );
      need(
        "SLACK_CLIENT_SECRET",
        "is needed for multi-workspace OAuth (Slack app → Basic Information → Client Secret)",
      );
      need("SLACK_STATE_SECRET", "is needed for multi-workspace OAuth: set any long random string");
      if (c.SLACK_BOT_TOKEN !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["SLACK_BOT_TOKEN"],
          message:
            "cannot be combined with SLACK_CLIENT_ID/SECRET: use one token (one workspace) or OAuth (many)",
        });
    }
    if (c.SLACK_BOT_TOKEN !== undefined || slackOAuth || c.SLACK_APP_TOKEN !== undefined) {
      need("SLACK_SIGNING_SECRET", "is needed with Slack (Slack app → Basic Information → Signing Secret)");
      if (c.SLACK_BOT_TOKEN === undefined && !slackOAuth)
        need("SLACK_BOT_TOKEN", "is needed with SLACK_APP_TOKEN (Slack app → OAuth & Permissions)");
    }
    if (c.DISCORD_TOKEN !== undefined)
      need("DISCORD_APPLICATION_ID", "is needed with DISCORD_TOKEN (Developer Portal → General Information)");
  });

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads the environment once; a bad value throws a ConfigError listing every problem and its fix. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value (`SLACK_APP_TOKEN=` in an env file) means "not set", as it does for a shell.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const parsed = ConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(config)"}: ${i.message}`);
  throw new ConfigError(`paperboy cannot start; fix these settings:\n${problems.join("\n")}`);
}

export function slackEnabled(c: Config): boolean {
  return c.SLACK_BOT_TOKEN !== undefined || c.SLACK_CLIENT_ID !== undefined;
}

export function discordEnabled(c: Config): boolean {
  return c.DISCORD_TOKEN !== undefined;
}

/** "redis://:secret@host:6379" → "redis://:***@host:6379"; never log a store URL without this. */
export function redactUrl(raw: string): string {
  return raw.replace(
    /^([a-z]+:\/\/)([^@/]*)@/i,
    (_m, scheme: string, auth: string) =>
      `${scheme}${auth.includes(":") ? `${auth.split(":")[0] ?? ""}:***` : "***"}@`,
  );
}
