// `.env` beside the process (its working directory): read once at start-up, below the real environment.
// Node's own parser (util.parseEnv, Node ≥ 20.12) reads it: the same syntax as `node --env-file`.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

export interface EnvWithFile {
  /** The environment to configure from: the file's values, with every non-empty real variable on top. */
  readonly env: Record<string, string | undefined>;
  /** The file read (absolute path), or undefined when there is none. */
  readonly file: string | undefined;
  /** Names set by the file and used (never their values). */
  readonly fromFile: readonly string[];
  /** Names the file sets but the real environment overrides. */
  readonly overridden: readonly string[];
}

/**
 * Merges `.env` (in `dir`, default the working directory) under `env`. A real variable wins over the file unless it is
 * empty (an empty value means "not set" to the config, so it must not hide the file's). A missing file is fine.
 */
export function withEnvFile(
  env: Record<string, string | undefined> = process.env,
  dir: string = process.cwd(),
): EnvWithFile {
  const path = resolve(dir, ".env");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { env, file: undefined, fromFile: [], overridden: [] };
  }
  const parsed = parseEnv(text);
  const merged: Record<string, string | undefined> = { ...env };
  const fromFile: string[] = [];
  const overridden: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined || value.trim() === "") continue;
    const real = env[name];
    if (real !== undefined && real.trim() !== "") overridden.push(name);
    else {
      merged[name] = value;
      fromFile.push(name);
    }
  }
  return { env: merged, file: path, fromFile, overridden };
}

/** One line for the log or the console: which file was read and which names it set (values never). */
export function describeEnvFile(read: EnvWithFile): string {
  if (read.file === undefined) return "no .env file in the working directory; using the environment only";
  const set = read.fromFile.length > 0 ? read.fromFile.join(", ") : "nothing";
  const over = read.overridden.length > 0 ? `; the environment overrides ${read.overridden.join(", ")}` : "";
  return `read ${read.file}: set ${set}${over}`;
}

/** The console's first line when neither Slack nor Discord is configured: what to set, and where the docs are. */
export const CONNECT_HINT =
  "No Slack or Discord credentials, so this is the local console. To connect Slack set SLACK_BOT_TOKEN and " +
  "SLACK_SIGNING_SECRET (docs/slack.md); for Discord set DISCORD_TOKEN and DISCORD_APPLICATION_ID (docs/discord.md) " +
  "— in the environment or in .env (cp .env.example .env).";
