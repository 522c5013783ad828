// Start-up connections (Slack auth.test, Discord login) that fail because the service is unreachable are tried
// again with backoff and a log line per attempt; any other failure (a refused token) stops start-up at once.
import { UnreachableError } from "../shared/app-error.js";
import type { Logger } from "./logger.js";

/** Waits between attempts: 1 s, doubling, at most 30 s; it keeps trying until it connects or is stopped. */
export const START_RETRY_DELAYS_MS = { firstMs: 1_000, maxMs: 30_000 } as const;

export interface StartRetryOptions {
  readonly log: Logger;
  /** "Slack", "Discord": who is being connected, for the log line. */
  readonly what: string;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly firstMs?: number;
  readonly maxMs?: number;
}

export async function startWithRetry(start: () => Promise<void>, options: StartRetryOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let delay = options.firstMs ?? START_RETRY_DELAYS_MS.firstMs;
  const max = options.maxMs ?? START_RETRY_DELAYS_MS.maxMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      if (attempt > 1)
        options.log.warn({ attempt }, `${options.what} connected after ${String(attempt)} attempts`);
      return;
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      options.log.warn(
        { attempt, retryInMs: delay },
        `${error.message}; retrying ${options.what} start-up in ${formatSeconds(delay)} (attempt ${String(attempt + 1)}; stop with Ctrl-C)`,
      );
      await sleep(delay);
      delay = Math.min(max, delay * 2);
    }
  }
}

function formatSeconds(ms: number): string {
  return `${String(Math.round(ms / 100) / 10)} s`;
}
