// Lean Web API calls for the posting hot path (chat.postMessage, reactions.add): JSON over keep-alive HTTP, per-call 429 waits.
// WebClient.apiCall builds debug strings of every body, header set and result (a deep redact + JSON.stringify each,
// even with logging off) and pauses its whole queue on one 429, stalling every channel of the workspace.
// @see https://docs.slack.dev/apis/web-api/#posting_json · PLATFORMS.md §3.8
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { webApi } from "@slack/bolt";

export type SlackApiResult = Record<string, unknown> & { ok?: boolean; error?: string };

export interface SlackApiCaller {
  /** Calls `method` with `args` as JSON; resolves with Slack's answer or throws (ok:false → a platform error). */
  call(method: string, token: string, args: Record<string, unknown>): Promise<SlackApiResult>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export interface SlackApiCallerOptions {
  /** Web API base with a trailing slash, e.g. https://slack.com/api/ */
  apiUrl: string;
  /** Retries after a 5xx or a connection error (not after a timeout: the message may have been posted). */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Waits for a 429's Retry-After before giving up. */
  rateLimitRetries: number;
  /** No answer after this long fails the call (0: never). */
  timeoutMs: number;
  /** Sockets open at once per API origin; further calls queue in the agent. */
  maxSockets: number;
  sleep: (ms: number) => Promise<void>;
  /** Told about each 429 (method, seconds to wait), e.g. to pause a workspace's reactions. */
  onRateLimited?: (method: string, retryAfterSec: number) => void;
}

/** Thrown for `{ ok: false }`; shaped like WebClient's WebAPIPlatformError so errors.ts reads both. */
export class SlackPlatformCallError extends Error {
  readonly code = webApi.ErrorCode.PlatformError;
  readonly data: SlackApiResult & { error: string };
  constructor(method: string, data: SlackApiResult & { error: string }) {
    super(`An API error occurred: ${data.error} (${method})`);
    this.name = "SlackPlatformCallError";
    this.data = data;
  }
}

/**
 * The call did not get an answer paperboy can act on: a timeout (the message may have been posted), a dropped
 * connection, or 5xx / 429 answers after every retry. Worth another attempt later; a read-back tells what went out.
 */
export class SlackTransportError extends Error {
  override name = "SlackTransportError";
}

class RetryableCallError extends Error {
  readonly retryAfterSec: number | undefined;
  /** False only when the request surely never reached Slack (the connection was refused). */
  readonly mayHaveArrived: boolean;
  constructor(message: string, retryAfterSec?: number, mayHaveArrived = true) {
    super(message);
    this.name = "RetryableCallError";
    this.retryAfterSec = retryAfterSec;
    this.mayHaveArrived = mayHaveArrived;
  }
}

/**
 * Methods that create something: repeating one whose answer was lost (a 5xx, a dropped connection) may create it
 * twice, so they are not retried here; the delivery's next attempt reads the channel back instead.
 */
const CREATES = new Set(["chat.postMessage"]);

interface RawAnswer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

export function createSlackApiCaller(options: SlackApiCallerOptions): SlackApiCaller {
  const base = new URL(options.apiUrl);
  const secure = base.protocol === "https:";
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets })
    : new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets });
  const send = secure ? httpsRequest : httpRequest;

  function once(method: string, token: string, payload: string): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const req = send(
        new URL(method, base),
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(payload),
            authorization: `Bearer ${token}`,
          },
          ...(options.timeoutMs > 0 ? { timeout: options.timeoutMs } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const retryAfter: unknown = res.headers["retry-after"];
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => {
        timedOut = true;
        req.destroy(new Error(`Slack ${method} did not answer within ${String(options.timeoutMs)} ms`));
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        // A timeout may have posted already: never retried here (the delivery's next attempt reads the channel back).
        const refused =
          error.code === "ECONNREFUSED" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN";
        reject(
          timedOut
            ? new SlackTransportError(error.message)
            : new RetryableCallError(error.message, undefined, !refused),
        );
      });
      req.end(payload);
    });
  }

  async function call(method: string, token: string, args: Record<string, unknown>): Promise<SlackApiResult> {
    const payload = JSON.stringify(args);
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      try {
        const answer = await once(method, token, payload);
        if (answer.status === 429) {
          const sec = Number.parseInt(answer.retryAfter ?? "", 10);
          throw new RetryableCallError(`Slack rate-limited ${method}`, Number.isNaN(sec) ? 1 : sec);
        }
        if (answer.status !== 200)
          throw new RetryableCallError(`Slack answered ${method} with HTTP ${String(answer.status)}`);
        let result: SlackApiResult;
        try {
          result = JSON.parse(answer.body) as SlackApiResult;
        } catch {
          throw new Error(`Slack answered ${method} with something that is not JSON`);
        }
        if (result.ok !== true)
          throw new SlackPlatformCallError(method, {
            ...result,
            error: typeof result.error === "string" ? result.error : "unknown_error",
          });
        return result;
      } catch (error) {
        if (!(error instanceof RetryableCallError)) throw error;
        if (error.retryAfterSec !== undefined) {
          if (++rateLimited > options.rateLimitRetries) throw new SlackTransportError(error.message);
          options.onRateLimited?.(method, error.retryAfterSec);
          await options.sleep(error.retryAfterSec * 1000);
          continue;
        }
        if (CREATES.has(method) && error.mayHaveArrived) throw new SlackTransportError(error.message);
        if (++failures > options.retries) throw new SlackTransportError(error.message);
        await options.sleep(Math.min(options.maxTimeoutMs, options.minTimeoutMs * 2 ** (failures - 1)));
      }
    }
  }

  return {
    call,
    close() {
      agent.destroy();
    },
  };
}
