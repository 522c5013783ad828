// Per-channel pacing for adapters: posts to one channel run one at a time, ≥ intervalMs apart; other channels run in parallel.
// @see https://docs.slack.dev/reference/methods/chat.postMessage#rate_limiting ("1 message per second per channel")

/**
 * Serialises work per channel key and spaces it: a task starts when the channel's previous task has settled
 * (resolved or failed) and `intervalMs` has passed since then. Two digests for one channel never interleave, and
 * a failed post does not stop the next one. Slack uses a 1 s interval (its ~1 message/s/channel); Discord uses 0
 * (order only: discord.js's REST queue already waits out each channel's rate-limit bucket).
 */
export interface ChannelPacer {
  /** Runs `task` when the channel's previous task has finished and its interval has passed. */
  run<T>(channelKey: string, task: () => Promise<T>): Promise<T>;
  /** Channels with a task queued or running. */
  readonly busy: number;
}

export function createChannelPacer(deps: {
  intervalMs: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}): ChannelPacer {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tails = new Map<string, Promise<unknown>>();
  /** When each channel's last task finished (ms): the next one starts intervalMs later. */
  const lastDone = new Map<string, number>();

  const prune = (at: number): void => {
    if (lastDone.size < 10_000) return;
    for (const [key, done] of lastDone)
      if (at - done >= deps.intervalMs && !tails.has(key)) lastDone.delete(key);
  };

  return {
    run<T>(channelKey: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(channelKey) ?? Promise.resolve();
      const job = previous
        .catch(() => undefined)
        .then(async () => {
          const last = lastDone.get(channelKey);
          if (last !== undefined) {
            const wait = last + deps.intervalMs - now().getTime();
            if (wait > 0) await sleep(wait);
          }
          try {
            return await task();
          } finally {
            const at = now().getTime();
            lastDone.set(channelKey, at);
            prune(at);
          }
        });
      tails.set(channelKey, job);
      const cleanup = (): void => {
        if (tails.get(channelKey) === job) tails.delete(channelKey);
      };
      void job.then(cleanup, cleanup);
      return job;
    },
    get busy() {
      return tails.size;
    },
  };
}
