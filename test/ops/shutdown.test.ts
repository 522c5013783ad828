// Graceful shutdown: ordered steps, bounded drain, forced exit on a second signal; one run with real signals.
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { createShutdown } from "../../src/ops/shutdown.js";
import type { Logger } from "../../src/ops/logger.js";

function recordingLogger(lines: string[]): Logger {
  const log: Logger = {
    debug: (_o, m) => lines.push(`debug ${m ?? ""}`),
    info: (o, m) => lines.push(`info ${m ?? JSON.stringify(o)}`),
    warn: (o, m) => lines.push(`warn ${m ?? JSON.stringify(o)}`),
    error: (o, m) => lines.push(`error ${m ?? JSON.stringify(o)}`),
    child: () => log,
  };
  return log;
}

function setup(timeoutMs = 5_000) {
  const signals = new EventEmitter();
  const clock = { ms: 1_000_000 };
  const events: string[] = [];
  const logs: string[] = [];
  const exits: number[] = [];
  let exited: (code: number) => void = () => undefined;
  const exitedOnce = new Promise<number>((r) => (exited = r));
  const shutdown = createShutdown({
    log: recordingLogger(logs),
    timeoutMs,
    exit: (code) => {
      exits.push(code);
      events.push(`exit ${code}`);
      exited(code);
    },
    signals,
    now: () => clock.ms,
  });
  return { signals, events, logs, exits, exitedOnce, shutdown, clock };
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createShutdown", () => {
  it("on SIGTERM stops intake, waits for tracked work, then closes and exits 0, in that order", async () => {
    const { signals, events, exitedOnce, shutdown } = setup();
    const job = deferred();
    shutdown.onStopIntake("scheduler", () => void events.push("stop scheduler"));
    shutdown.onStopIntake("gateway", () => void events.push("stop gateway"));
    shutdown.onClose("platforms", () => void events.push("close platforms"));
    shutdown.onClose("store", async () => void events.push("close store"));
    void shutdown.track(job.promise.then(() => void events.push("job done")));
    expect(shutdown.isShuttingDown()).toBe(false);

    signals.emit("SIGTERM", "SIGTERM");
    expect(shutdown.isShuttingDown()).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["stop scheduler", "stop gateway"]); // still draining
    expect(shutdown.inFlight()).toBe(1);

    job.resolve();
    expect(await exitedOnce).toBe(0);
    expect(events).toEqual([
      "stop scheduler",
      "stop gateway",
      "job done",
      "close platforms",
      "close store",
      "exit 0",
    ]);
  });

  it("treats SIGINT like SIGTERM", async () => {
    const { signals, exitedOnce } = setup();
    signals.emit("SIGINT", "SIGINT");
    expect(await exitedOnce).toBe(0);
  });

  it("gives up on work still running after the bound, logs how much, and still closes and exits 0", async () => {
    const { signals, events, logs, exitedOnce, shutdown } = setup(30);
    shutdown.onClose("store", () => void events.push("close store"));
    void shutdown.track(new Promise(() => undefined)); // never settles
    signals.emit("SIGTERM", "SIGTERM");
    expect(await exitedOnce).toBe(0);
    expect(events).toEqual(["close store", "exit 0"]);
    expect(logs.some((l) => l.startsWith("warn gave up waiting for 1 in-flight job(s)"))).toBe(true);
  });

  it("exits 130 at once on a signal sent again after a second while draining, without running the close steps", async () => {
    const { signals, events, exits, shutdown, clock } = setup();
    shutdown.onClose("store", () => void events.push("close store"));
    void shutdown.track(new Promise(() => undefined));
    signals.emit("SIGTERM", "SIGTERM");
    clock.ms += 1_500;
    signals.emit("SIGTERM", "SIGTERM");
    expect(exits).toEqual([130]);
    expect(events).toEqual(["exit 130"]);
  });

  it("GIVEN the same signal delivered twice at once (npm and the process group) THEN it drains once and does not exit early", async () => {
    const { signals, events, exits, shutdown, clock } = setup();
    shutdown.onClose("store", () => void events.push("close store"));
    const job = deferred();
    void shutdown.track(job.promise);
    signals.emit("SIGINT", "SIGINT");
    clock.ms += 5;
    signals.emit("SIGINT", "SIGINT");
    clock.ms += 900;
    signals.emit("SIGTERM", "SIGTERM");
    expect(exits).toEqual([]);
    job.resolve();
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(events).toEqual(["close store", "exit 0"]);
  });

  it("logs a failing step and runs the rest", async () => {
    const { signals, events, logs, exitedOnce, shutdown } = setup();
    shutdown.onClose("platforms", () => {
      throw new Error("socket already gone");
    });
    shutdown.onClose("store", () => void events.push("close store"));
    signals.emit("SIGTERM", "SIGTERM");
    expect(await exitedOnce).toBe(0);
    expect(events).toEqual(["close store", "exit 0"]);
    expect(logs).toContain('warn shutdown step "platforms" failed; continuing');
  });

  it("passes a tracked job's result and rejection through and stops counting it when settled", async () => {
    const { shutdown } = setup();
    await expect(shutdown.track(Promise.resolve(42))).resolves.toBe(42);
    await expect(shutdown.track(Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await new Promise((r) => setTimeout(r, 0));
    expect(shutdown.inFlight()).toBe(0);
  });

  it("stops listening to signals after dispose()", () => {
    const { signals, exits, shutdown } = setup();
    shutdown.dispose();
    signals.emit("SIGTERM", "SIGTERM");
    expect(exits).toEqual([]);
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });
});

describe("createShutdown in a real process", () => {
  const script = fileURLToPath(new URL("./shutdown-child.ts", import.meta.url));

  function start(jobMs: number) {
    const child = spawn(process.execPath, ["--import", "tsx", script, String(jobMs)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const waiters: { text: string; done: () => void }[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const w of waiters.splice(0)) {
        if (stdout.includes(w.text)) w.done();
        else waiters.push(w);
      }
    });
    const printed = (text: string) =>
      new Promise<void>((done) => (stdout.includes(text) ? done() : waiters.push({ text, done })));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    return { child, printed, exited, stdout: () => stdout };
  }

  it("on SIGTERM lets the in-flight 500 ms job finish, then exits 0", async () => {
    const run = start(500);
    await run.printed("ready");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stdout().split("\n").filter(Boolean)).toEqual([
      "ready",
      "stopped intake",
      "job finished",
      "closed store",
    ]);
  }, 60_000);

  it("on a second SIGTERM while draining exits at once with 130", async () => {
    const run = start(30_000);
    await run.printed("ready");
    run.child.kill("SIGTERM");
    await run.printed("stopped intake");
    // A second signal within a second is the same one delivered twice; one sent again later means "now".
    run.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1_200));
    expect(run.stdout()).not.toContain("job finished");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(130);
    expect(run.stdout()).not.toContain("job finished");
  }, 60_000);
});
