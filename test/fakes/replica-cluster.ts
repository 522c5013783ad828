// Spawns paperboy replica processes (replica-main.ts) and drives them: wait ready, start together, stop, SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const replicaScript = fileURLToPath(new URL("./replica-main.ts", import.meta.url));

export interface Replica {
  readonly id: string;
  readonly child: ChildProcess;
  /** Resolves when the replica printed "ready" (store open, core built). */
  readonly ready: Promise<void>;
  /** Sends "go"; resolves with the start-up summary once the core has started. */
  start(): Promise<{ groups: number; caughtUp: number; resumed: number }>;
  /** Graceful stop; resolves when the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies wherever it is; resolves when it has exited. */
  kill(): Promise<void>;
  readonly exited: boolean;
  /** What the replica wrote to stderr (logs and crashes). */
  stderr(): string;
}

export interface ReplicaEnv {
  /** redis://… (replicas) or sqlite://… (one process). */
  readonly STORE_URL: string;
  readonly REPLICA_PREFIX: string;
  readonly SINK_URL: string;
  readonly HF_URL: string;
  readonly NOW_OFFSET_MS?: string;
  readonly GRACE_MS?: string;
  readonly DELIVERY_CONCURRENCY?: string;
  /** BullMQ's job lock: a killed replica's jobs run again after it (tests shorten it). */
  readonly LOCK_MS?: string;
  readonly REPLICA_LOG?: string;
}

export function spawnReplica(id: string, env: ReplicaEnv): Replica {
  const child = spawn(process.execPath, ["--import", "tsx", replicaScript], {
    env: { ...process.env, ...env, REPLICA_ID: id },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  let exited = false;
  const exit = new Promise<void>((done) => {
    child.once("exit", () => {
      exited = true;
      done();
    });
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const waitForLine = (prefix: string): Promise<string> =>
    new Promise((done, fail) => {
      const check = (): boolean => {
        const line = out.split("\n").find((l) => l.startsWith(prefix));
        if (line === undefined) return false;
        done(line.slice(prefix.length).trim());
        return true;
      };
      if (check()) return;
      const onData = (): void => {
        if (check()) child.stdout?.off("data", onData);
      };
      child.stdout?.on("data", onData);
      void exit.then(() => {
        fail(new Error(`replica ${id} exited before "${prefix}": ${err.slice(-2_000)}`));
      });
    });
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const ready = waitForLine("ready").then(() => undefined);
  ready.catch(() => undefined);
  return {
    id,
    child,
    ready,
    async start() {
      const started = waitForLine("started ");
      child.stdin?.write("go\n");
      return JSON.parse(await started) as { groups: number; caughtUp: number; resumed: number };
    },
    async stop() {
      if (exited) return;
      child.stdin?.write("stop\n");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    },
    async kill() {
      if (exited) return;
      child.kill("SIGKILL");
      await exit;
    },
    get exited() {
      return exited;
    },
    stderr: () => err,
  };
}

/** Polls `condition` every 50 ms until it holds or `timeoutMs` passes; resolves to whether it held. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
