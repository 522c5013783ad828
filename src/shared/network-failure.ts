// Tells "the other side cannot be reached right now" (refused, no DNS, timed out, 5xx) from every other failure.
// Start-up retries the first kind and stops at once on the second (a refused token will not get better).

/** Socket and DNS error codes of Node and undici that mean the host was not reached or dropped us. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * A short reason ("ECONNREFUSED", "timed out", "HTTP 503") when `error` (or an error it wraps: `cause`, or the
 * `original` of Slack's WebClient) is a network failure or a 5xx answer; undefined for anything else.
 */
export function networkFailure(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const e = current as { code?: unknown; name?: unknown; status?: unknown; statusCode?: unknown };
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === "AbortError" || e.name === "TimeoutError") return "timed out";
    const status = typeof e.status === "number" ? e.status : e.statusCode;
    if (typeof status === "number" && status >= 500 && status < 600) return `HTTP ${String(status)}`;
    const next = current as { cause?: unknown; original?: unknown };
    current = next.cause ?? next.original;
  }
  return undefined;
}
