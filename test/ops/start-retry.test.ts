// startWithRetry: an unreachable service is tried again after 1, 2, 4 … s (at most 30 s), each wait logged; any other
// failure stops at once. networkFailure: which errors count as "unreachable".
import { describe, expect, it } from "vitest";
import { startWithRetry } from "../../src/ops/start-retry.js";
import { AppError, UnreachableError } from "../../src/shared/app-error.js";
import { networkFailure } from "../../src/shared/network-failure.js";
import type { Logger } from "../../src/ops/logger.js";

function recordingLog(lines: string[]): Logger {
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_obj, msg) => lines.push(msg ?? ""),
    error: () => undefined,
    child: () => log,
  };
  return log;
}

describe("startWithRetry", () => {
  it("GIVEN eight unreachable attempts THEN it waits 1, 2, 4, 8, 16, 30, 30, 30 s, says so each time, and then starts", async () => {
    const waits: number[] = [];
    const lines: string[] = [];
    let attempts = 0;
    await startWithRetry(
      () => {
        attempts++;
        return attempts <= 8
          ? Promise.reject(
              new UnreachableError("x-unreachable", "X at http://x cannot be reached (ECONNREFUSED)"),
            )
          : Promise.resolve();
      },
      { log: recordingLog(lines), what: "X", sleep: (ms) => (waits.push(ms), Promise.resolve()) },
    );
    expect(attempts).toBe(9);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(lines[0]).toBe(
      "X at http://x cannot be reached (ECONNREFUSED); retrying X start-up in 1 s (attempt 2; stop with Ctrl-C)",
    );
    expect(lines.at(-1)).toBe("X connected after 9 attempts");
  });

  it("GIVEN a refused token THEN it throws at once without waiting", async () => {
    const waits: number[] = [];
    const refused = new AppError("x-auth", "X refused the token");
    await expect(
      startWithRetry(() => Promise.reject(refused), {
        log: recordingLog([]),
        what: "X",
        sleep: (ms) => (waits.push(ms), Promise.resolve()),
      }),
    ).rejects.toBe(refused);
    expect(waits).toEqual([]);
  });
});

describe("networkFailure", () => {
  it("finds refused, DNS, timeouts and 5xx through cause/original chains, and nothing else", () => {
    const wrapped = Object.assign(new Error("fetch failed"), {
      cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }),
    });
    const slackRequestError = Object.assign(new Error("A request error occurred"), {
      code: "slack_webapi_request_error",
      original: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(networkFailure(wrapped)).toBe("ENOTFOUND");
    expect(networkFailure(slackRequestError)).toBe("ECONNREFUSED");
    expect(networkFailure(Object.assign(new Error("t"), { name: "TimeoutError" }))).toBe("timed out");
    expect(networkFailure(Object.assign(new Error("http"), { statusCode: 503 }))).toBe("HTTP 503");
    expect(networkFailure(Object.assign(new Error("http"), { status: 401 }))).toBeUndefined();
    expect(
      networkFailure(Object.assign(new Error("platform"), { code: "slack_webapi_platform_error" })),
    ).toBeUndefined();
    expect(networkFailure("ECONNREFUSED")).toBeUndefined();
  });
});
