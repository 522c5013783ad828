// One node-redis connection for the store: commands fail at once while disconnected, scripts run by SHA, every command counted.
// @see https://github.com/redis/node-redis
import { createHash } from "node:crypto";
import { createClient } from "@redis/client";
import type { Logger } from "../../ops/logger.js";
import { StoreClosedError } from "../store.js";
import { SCRIPTS, type ScriptName } from "./redis-scripts.js";

export type Reply = string | number | null | Reply[];

export interface RedisConnection {
  /** Sends one command; the reply as Redis gave it (bulk strings as strings, nil as null). */
  command(args: readonly (string | number)[]): Promise<Reply>;
  /** Runs a script from redis-scripts.ts by SHA (loading it on NOSCRIPT); ARGV[1] is the key prefix. */
  script(name: ScriptName, args: readonly (string | number)[]): Promise<Reply>;
  readonly prefix: string;
  /** Commands sent so far (a script is one). */
  readonly sent: number;
  close(): Promise<void>;
}

export async function connectRedis(options: {
  url: string;
  prefix: string;
  connectTimeoutMs: number;
  log: Logger;
  displayUrl: string;
  /** The reason text of a failure, with the URL's password hidden. */
  reasonOf: (error: unknown) => string;
}): Promise<RedisConnection> {
  const state = { connected: false, closed: false };
  const client = createClient({
    url: options.url,
    // Commands fail at once while disconnected (so /healthz, votes and jobs see the outage) instead of queueing.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs,
      // Never retry the first connect (createStore reports it); after that back off up to 2 s; never after close().
      reconnectStrategy: (retries: number, cause: Error) =>
        !state.connected || state.closed ? cause : Math.min(100 * 2 ** Math.min(retries, 5), 2_000),
    },
  });
  let lastError = "";
  client.on("error", (error: unknown) => {
    const text = options.reasonOf(error);
    if (state.connected && !state.closed && text !== lastError)
      options.log.warn({ store: options.displayUrl, reason: text }, "redis store error");
    lastError = text;
  });
  const timeout = <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${String(options.connectTimeoutMs)} ms`));
        }, options.connectTimeoutMs);
      }),
    ]).finally(() => {
      clearTimeout(timer);
    });
  };
  try {
    await timeout(client.connect());
    await timeout(client.ping());
  } catch (error) {
    state.closed = true;
    if (client.isOpen) client.destroy();
    throw error;
  }
  state.connected = true;

  const shas = new Map<ScriptName, string>(
    Object.entries(SCRIPTS).map(([name, body]) => [
      name as ScriptName,
      createHash("sha1").update(body).digest("hex"),
    ]),
  );
  let sent = 0;
  const command = async (args: readonly (string | number)[]): Promise<Reply> => {
    if (state.closed) throw new StoreClosedError(`store ${options.displayUrl} is closed`);
    sent++;
    return client.sendCommand<Reply>(args.map(String));
  };
  return {
    prefix: options.prefix,
    command,
    async script(name, args) {
      const argv = [options.prefix, ...args];
      try {
        return await command(["EVALSHA", shas.get(name) ?? "", 0, ...argv]);
      } catch (error) {
        // First use on this server (or after a restart or SCRIPT FLUSH): send the body once, then by SHA again.
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return command(["EVAL", SCRIPTS[name], 0, ...argv]);
      }
    },
    get sent() {
      return sent;
    },
    async close() {
      state.closed = true;
      try {
        if (client.isOpen) await client.close();
      } catch {
        client.destroy();
      }
    },
  };
}

/** A reply as an array (nil and scalars become []). */
export function list(reply: Reply): Reply[] {
  return Array.isArray(reply) ? reply : [];
}

/** A flat [field, value, field, value, …] reply as a Map. */
export function pairs(reply: Reply): Map<string, string> {
  const out = new Map<string, string>();
  const items = list(reply);
  for (let i = 0; i + 1 < items.length; i += 2) out.set(String(items[i]), String(items[i + 1]));
  return out;
}
