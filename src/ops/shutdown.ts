// Graceful shutdown on SIGTERM/SIGINT: stop intake → drain in-flight work (bounded) → close connections → exit(0).
import type { Logger } from "./logger.js";

export type ShutdownSignal = "SIGTERM" | "SIGINT";

/** What emits the signals: `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  off(signal: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
}

export interface ShutdownDeps {
  log: Logger;
  /** Bound on draining in-flight work, and separately on each step. */
  timeoutMs: number;
  exit: (code: number) => void;
  signals?: SignalSource;
  /** Epoch ms (tests pin it). */
  now?: () => number;
}

export type ShutdownStep = () => void | Promise<void>;

export interface Shutdown {
  /** Phase 1, in registration order: stop taking new work (scheduler, gateway intake, HTTP listener). */
  onStopIntake(name: string, step: ShutdownStep): void;
  /** Phase 3, in registration order, after the drain: close platform connections, then the store. */
  onClose(name: string, step: ShutdownStep): void;
  /** Counts `work` as in flight until it settles; resolves/rejects exactly like `work`. */
  track<T>(work: Promise<T>): Promise<T>;
  inFlight(): number;
  isShuttingDown(): boolean;
  /** Runs the whole sequence (as a first signal would) and exits; resolves when exit was called. */
  run(reason: string): Promise<void>;
  /** Removes the signal listeners (tests, or a host that manages signals itself). */
  dispose(): void;
}

/** Exit code for a second signal while draining: the shell's convention for "interrupted". */
export const FORCED_EXIT_CODE = 130;
/**
 * Signals this soon after the first are the same signal delivered twice (Ctrl-C or `kill -- -PGID` reaches node
 * directly and again through npm), not someone asking to exit at once.
 */
export const REPEAT_WINDOW_MS = 1_000;

export function createShutdown(deps: ShutdownDeps): Shutdown {
  const { log, timeoutMs, exit } = deps;
  const signals: SignalSource = deps.signals ?? process;
  const stopSteps: { name: string; step: ShutdownStep }[] = [];
  const closeSteps: { name: string; step: ShutdownStep }[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let running: Promise<void> | undefined;

  const runStep = async (phase: string, name: string, step: ShutdownStep): Promise<void> => {
    try {
      await withDeadline(Promise.resolve().then(step), timeoutMs);
    } catch (error) {
      log.warn({ err: error, step: name, phase }, `shutdown step "${name}" failed; continuing`);
    }
  };

  const drain = async (): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        log.warn(
          { inFlight: inFlight.size, timeoutMs },
          `gave up waiting for ${inFlight.size} in-flight job(s) after ${timeoutMs} ms`,
        );
        return;
      }
      log.info({ inFlight: inFlight.size }, "waiting for in-flight work");
      await withDeadline(Promise.allSettled([...inFlight]), left).catch(() => undefined);
    }
  };

  const run = (reason: string): Promise<void> => {
    running ??= (async () => {
      log.info({ reason }, `shutting down (${reason}): stopping intake`);
      for (const { name, step } of stopSteps) await runStep("stop-intake", name, step);
      await drain();
      for (const { name, step } of closeSteps) await runStep("close", name, step);
      log.info({ reason }, "shutdown complete");
      exit(0);
    })();
    return running;
  };

  let firstSignalAt = 0;
  const onSignal = (signal: ShutdownSignal): void => {
    const now = (deps.now ?? Date.now)();
    if (running && now - firstSignalAt < REPEAT_WINDOW_MS) {
      log.info(
        { signal },
        `${signal} again within ${String(REPEAT_WINDOW_MS)} ms: the same signal delivered twice; still draining`,
      );
      return;
    }
    if (running) {
      log.warn({ signal, inFlight: inFlight.size }, `second ${signal} while shutting down: exiting now`);
      exit(FORCED_EXIT_CODE);
      return;
    }
    firstSignalAt = now;
    void run(signal);
  };
  signals.on("SIGTERM", onSignal);
  signals.on("SIGINT", onSignal);

  return {
    onStopIntake: (name, step) => {
      stopSteps.push({ name, step });
    },
    onClose: (name, step) => {
      closeSteps.push({ name, step });
    },
    track: <T>(work: Promise<T>): Promise<T> => {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      return work;
    },
    inFlight: () => inFlight.size,
    isShuttingDown: () => running !== undefined,
    run,
    dispose: () => {
      signals.off("SIGTERM", onSignal);
      signals.off("SIGINT", onSignal);
    },
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`still running after ${ms} ms`));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}
