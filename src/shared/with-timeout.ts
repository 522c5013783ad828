// One bound on a piece of async work: an abort signal for the work, and a TimeoutError when the time is up.

/** The work did not finish within its bound. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** Runs `call` with an abort signal that fires after `ms`; rejects with a TimeoutError then. */
export async function withTimeout<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  // A call that ignores its signal still loses the race when the timer fires.
  const timeout = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => {
      reject(new TimeoutError(`no answer within ${ms} ms`));
    });
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } catch (error) {
    // The call may reject first, with its own "aborted" error: it is still a timeout.
    throw timedOut ? new TimeoutError(`no answer within ${ms} ms`, { cause: error }) : error;
  } finally {
    clearTimeout(timer);
  }
}

/** "1.5 s", "0.1 s", "2 s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
