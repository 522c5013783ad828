// A small polite HTTP GET client over global fetch: timeouts, retries with backoff, 429 waits, clear errors.
// @see PLATFORMS.md §2.7 — HF answers 429 with `RateLimit: "api";r=<remaining>;t=<seconds>`.
import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../shared/app-error.js";
import type { Logger } from "../ops/logger.js";

export interface HttpClientOptions {
  /** Per attempt, covering headers and body. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Extra attempts after the first on 5xx, 429, network errors and timeouts. Default 3. */
  readonly retries?: number;
  /** First backoff; doubles per retry, plus up to 50 % jitter (never less than the base). Default 500 ms. */
  readonly backoffMs?: number;
  /** Waits between attempts; injectable so tests never wait wall-clock time. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** For `Retry-After: <HTTP date>`. */
  readonly now?: () => Date;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly userAgent?: string;
  /** Sent with every request (e.g. Authorization); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly log: Logger;
  /** A 429 (or 5xx Retry-After) asking for a longer wait than this gives up at once. Default 60 000 ms. */
  readonly maxRateLimitWaitMs?: number;
  /** Called on each 429 with the wait the server asked for (for metrics). */
  readonly onRateLimited?: (waitMs: number) => void;
  /** Called with each failed attempt that will be retried (a caller cut off meanwhile can still say why). */
  readonly onAttemptFailed?: (failure: HttpRequestError) => void;
  /**
   * A body larger than this is refused: read as a stream and cut off at the cap (a Content-Length above it is
   * refused before reading). Default 8 MiB. `maxResponseBytesName` names the setting in the error.
   */
  readonly maxResponseBytes?: number;
  readonly maxResponseBytesName?: string;
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface HttpClient {
  /** GET and parse JSON. Throws HttpRequestError unless the final answer is 2xx with valid JSON. */
  getJson(url: string, signal?: AbortSignal): Promise<HttpResponse<unknown>>;
  /** GET a text body. Throws HttpRequestError unless the final answer is 2xx. */
  getText(url: string, signal?: AbortSignal): Promise<HttpResponse<string>>;
}

export type HttpFailureKind =
  "status" | "rate-limited" | "timeout" | "network" | "malformed" | "aborted" | "too-large";

/**
 * A request that finally failed. `reason` is short and operator-readable ("HTTP 500 after 4 attempts",
 * "timed out after 10000 ms", "malformed JSON: …") and is what SourceUnavailableError shows.
 */
export class HttpRequestError extends AppError {
  readonly url: string;
  readonly reason: string;
  readonly kind: HttpFailureKind;
  /** The last HTTP status, when there was one. */
  readonly status: number | undefined;
  constructor(
    url: string,
    kind: HttpFailureKind,
    reason: string,
    status?: number,
    options?: { cause?: unknown },
  ) {
    super("http-request-failed", `GET ${url}: ${reason}`, options);
    this.name = "HttpRequestError";
    this.url = url;
    this.kind = kind;
    this.reason = reason;
    this.status = status;
  }
}

const DEFAULT_USER_AGENT = "paperboy/0.1 (Daily Papers digest bot)";

/** Milliseconds a 429/503 asks us to wait: IETF `RateLimit: …;t=N`, then `Retry-After` (seconds or HTTP date). */
export function requestedWaitMs(headers: Headers, now: Date): number | undefined {
  const rateLimit = headers.get("ratelimit");
  if (rateLimit) {
    const t = /(?:^|[;,\s])t=(\d+(?:\.\d+)?)/.exec(rateLimit);
    if (t?.[1]) return Math.ceil(Number(t[1]) * 1000);
  }
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(?:\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  return undefined;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : {});
}

const attemptsText = (n: number): string => (n === 1 ? "1 attempt" : `${n} attempts`);

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Default cap on a response body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** "8 MiB", "512 KiB", "900 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** Thrown inside readCapped; turned into an HttpRequestError of kind "too-large" by the caller. */
class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/** The body as text, refusing it past `cap` bytes: a declared length above the cap is not read at all. */
async function readCapped(response: Response, cap: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > cap) {
    await response.body?.cancel();
    throw new BodyTooLargeError(`declared ${declared} bytes`);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    // fetch's body is typed loosely (ReadableStream<any>); its chunks are bytes.
    const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (done || value === undefined) break;
    total += value.byteLength;
    if (total > cap) {
      // Cancelling the stream closes the connection: the rest is never downloaded.
      await reader.cancel();
      throw new BodyTooLargeError(`more than ${cap} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

/** Host of a URL, the key of the shared rate-limit gate. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Builds the client; one per upstream, so per-source headers (a token) stay with that source. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const maxWait = options.maxRateLimitWaitMs ?? 60_000;
  const log = options.log;
  const headers = { "user-agent": options.userAgent ?? DEFAULT_USER_AGENT, ...options.headers };
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const capName = options.maxResponseBytesName;
  // Per host: no request leaves before this time (ms). A 429's Retry-After / RateLimit t=, or a RateLimit with r=0
  // on any answer, holds back every caller of this client — concurrent and later ones — not just the one that got it.
  const gates = new Map<string, number>();
  const holdHost = (host: string, untilMs: number): void => {
    if (untilMs > (gates.get(host) ?? 0)) gates.set(host, untilMs);
  };

  const backoff = (retry: number): number => Math.round(backoffMs * 2 ** retry * (1 + random() * 0.5));

  async function get(url: string, accept: string, signal?: AbortSignal): Promise<HttpResponse<string>> {
    const attempts = retries + 1;
    const host = hostOf(url);
    let last: HttpRequestError | undefined;
    // The gate time this caller already slept through (its own 429 wait), so it is not waited twice.
    let waitedUntil = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (signal?.aborted)
        throw new HttpRequestError(url, "aborted", "request aborted", undefined, { cause: signal.reason });
      const gate = gates.get(host) ?? 0;
      if (gate > waitedUntil) {
        const holdMs = gate - now().getTime();
        if (holdMs > 0) {
          if (holdMs > maxWait)
            throw new HttpRequestError(
              url,
              "rate-limited",
              `rate limited: ${host} asked to wait ${Math.ceil(holdMs / 1000)} s, longer than ${Math.ceil(maxWait / 1000)} s`,
              429,
            );
          log.debug({ url, holdMs }, "waiting out the host's rate limit before sending");
          try {
            await sleep(holdMs, signal);
          } catch (error) {
            throw new HttpRequestError(url, "aborted", "request aborted", undefined, { cause: error });
          }
        }
        waitedUntil = gate;
      }
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let waitMs: number;
      try {
        const response = await fetch(url, {
          headers: { ...headers, accept },
          signal: combined,
          redirect: "follow",
        });
        const body = await readCapped(response, maxBytes);
        const asked = requestedWaitMs(response.headers, now());
        if (response.ok) {
          // RateLimit: "api";r=0;t=N on a success: the quota is spent, so the next request waits N seconds.
          if (
            asked !== undefined &&
            /(?:^|[;,\s])r=0(?:[;,\s]|$)/.test(response.headers.get("ratelimit") ?? "")
          )
            holdHost(host, now().getTime() + asked);
          return { status: response.status, headers: response.headers, body };
        }
        if (response.status === 429) {
          waitMs = asked ?? backoff(attempt - 1);
          options.onRateLimited?.(waitMs);
          holdHost(host, now().getTime() + waitMs);
          last = new HttpRequestError(
            url,
            "rate-limited",
            `HTTP 429 (rate limited) after ${attemptsText(attempt)}`,
            429,
          );
          if (waitMs > maxWait) {
            throw new HttpRequestError(
              url,
              "rate-limited",
              `HTTP 429 (rate limited); the server asked to wait ${Math.ceil(waitMs / 1000)} s, longer than ${Math.ceil(maxWait / 1000)} s`,
              429,
            );
          }
        } else if (response.status >= 500) {
          waitMs = Math.max(backoff(attempt - 1), asked ?? 0);
          last = new HttpRequestError(
            url,
            "status",
            `HTTP ${response.status} after ${attemptsText(attempt)}`,
            response.status,
          );
          if (waitMs > maxWait) throw last;
        } else {
          // Other 4xx: our request is wrong (or the thing is absent); asking again will not help.
          throw new HttpRequestError(url, "status", `HTTP ${response.status}`, response.status);
        }
      } catch (error) {
        if (error instanceof HttpRequestError) throw error;
        if (error instanceof BodyTooLargeError) {
          const setting = capName !== undefined ? ` (${capName})` : "";
          log.error(
            { url, capBytes: maxBytes, detail: error.message },
            `refused a response larger than the ${formatBytes(maxBytes)} cap${setting}`,
          );
          // Not retried: the same request would bring the same body.
          throw new HttpRequestError(
            url,
            "too-large",
            `sent more than ${formatBytes(maxBytes)}, the response cap${setting}`,
            undefined,
            { cause: error },
          );
        }
        if (signal?.aborted)
          throw new HttpRequestError(url, "aborted", "request aborted", undefined, { cause: error });
        last = timeout.aborted
          ? new HttpRequestError(url, "timeout", `timed out after ${timeoutMs} ms`, undefined, {
              cause: error,
            })
          : new HttpRequestError(url, "network", `network error: ${describe(error)}`, undefined, {
              cause: error,
            });
        waitMs = backoff(attempt - 1);
      }
      if (attempt === attempts) break;
      options.onAttemptFailed?.(last);
      log.warn({ url, attempt, reason: last.reason, waitMs }, "upstream request failed; retrying");
      const retryAt = now().getTime() + waitMs;
      try {
        await sleep(waitMs, signal);
      } catch (error) {
        throw new HttpRequestError(url, "aborted", "request aborted", undefined, { cause: error });
      }
      // This caller's own wait covers a gate it set itself (its 429): the next attempt goes out at once.
      if ((gates.get(host) ?? 0) <= retryAt) waitedUntil = gates.get(host) ?? 0;
    }
    // `last` is always set when the loop ends without returning.
    throw last ?? new HttpRequestError(url, "network", "no attempt made");
  }

  return {
    async getText(url, signal) {
      return get(url, "application/atom+xml, application/xml, text/*;q=0.9, */*;q=0.5", signal);
    },
    async getJson(url, signal) {
      const response = await get(url, "application/json", signal);
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch (error) {
        throw new HttpRequestError(url, "malformed", `malformed JSON: ${describe(error)}`, response.status, {
          cause: error,
        });
      }
      return { status: response.status, headers: response.headers, body };
    },
  };
}
