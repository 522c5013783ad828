// Logging: the Logger port the core uses, and its production form: pino JSON lines with secrets redacted by path and token patterns scrubbed from every string.
// @see https://getpino.io/#/docs/redaction
import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from "pino";

/** The logger port: the subset of pino the core uses, so tests can pass a silent one. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

const CENSOR = "[redacted]";

const SECRET_KEYS = [
  "token",
  "botToken",
  "appToken",
  "userToken",
  "accessToken",
  "refreshToken",
  "secret",
  "clientSecret",
  "signingSecret",
  "stateSecret",
  "password",
  "authorization",
  "cookie",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "DISCORD_TOKEN",
  "HF_TOKEN",
] as const;

/** fast-redact paths: each secret key at the top level and one level down, plus request/response headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  "headers.authorization",
  "headers.cookie",
  '*.headers["x-slack-signature"]',
  "*.headers.authorization",
  "*.headers.cookie",
  "*.*.headers.authorization",
  "*.*.headers.cookie",
];

/** Token shapes that must never reach a log line, wherever they appear in a string. */
const TOKEN_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, `xox?-${CENSOR}`], // Slack bot/user/refresh tokens
  [/\bxoxe\.xox[a-z]-[A-Za-z0-9-]+/g, `xoxe-${CENSOR}`], // Slack rotating tokens
  [/\bxapp-[A-Za-z0-9-]+/g, `xapp-${CENSOR}`], // Slack app-level tokens
  [/\bhf_[A-Za-z0-9]{20,}/g, `hf_${CENSOR}`], // Hugging Face tokens
  [/\b(Bot|Bearer)\s+[A-Za-z0-9._~+/=-]{16,}/g, `$1 ${CENSOR}`], // Authorization header values
  [/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, CENSOR], // Discord bot tokens
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, "$1***@"], // passwords in URLs
];

/** Replaces every Slack/Discord/Hugging Face token and URL password in `text`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy with every string scrubbed; stops at depth 6 and at cycles. */
function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) return scrubValue(stdSerializers.err(value), depth + 1, seen);
  if (Array.isArray(value)) return value.map((v: unknown) => scrubValue(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1, seen);
  return out;
}

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Where JSON lines go (default stdout); tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** Bindings on every line, e.g. { service: "paperboy" }. */
  base?: Record<string, unknown>;
}

/** A pino logger that satisfies the core's Logger port; `flush()` before exiting. */
export type AppLogger = Logger & { flush(): void; child(bindings: Record<string, unknown>): AppLogger };

export function createLogger(options: CreateLoggerOptions): AppLogger {
  const logger: PinoLogger = pino(
    {
      level: options.level,
      base: options.base ?? { service: "paperboy" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: CENSOR },
      serializers: {
        err: (error: unknown) => scrubValue(error instanceof Error ? stdSerializers.err(error) : error),
        error: (error: unknown) => scrubValue(error instanceof Error ? stdSerializers.err(error) : error),
      },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrubValue(bindings) as Record<string, unknown>,
        // Runs on the object argument of every call (after redaction paths are known, before serialising).
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      hooks: {
        // The message string (and any printf arguments) of every call.
        logMethod(args, method) {
          const scrubbed = args.map((a: unknown) => (typeof a === "string" ? scrubSecrets(a) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
  return wrap(logger);
}

/** pino resets the bindings formatter for children, so child bindings are scrubbed here. */
function wrap(logger: PinoLogger): AppLogger {
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (obj: object | string, msg?: string): void => {
      if (msg === undefined) logger[level](obj);
      else logger[level](obj, msg);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => wrap(logger.child(scrubValue(bindings) as Record<string, unknown>)),
    flush: () => {
      logger.flush();
    },
  };
}
