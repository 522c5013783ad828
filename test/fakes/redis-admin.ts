// Housekeeping on a real Redis for multi-process tests and benchmarks: INFO counters and deleting a key prefix.
// A tiny RESP client on node:net, so tests need neither redis-cli nor a second import of the keyv adapter.
import { connect, type Socket } from "node:net";

type Reply = string | number | null | Reply[] | Error;

export interface RedisAdmin {
  command(...args: string[]): Promise<Reply>;
  /** Sum of `calls` over every command in INFO commandstats (what the server executed). */
  commandCalls(): Promise<number>;
  /** INFO commandstats as command → calls. */
  commandStats(): Promise<Map<string, number>>;
  /** Deletes every key starting with `prefix` (SCAN + UNLINK); resolves to how many. */
  deletePrefix(prefix: string): Promise<number>;
  close(): void;
}

/** Connects to `redis://host:port` (no auth, db 0). */
export async function connectRedisAdmin(url: string): Promise<RedisAdmin> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect({ host: hostname || "127.0.0.1", port: Number(port || 6379) });
  await new Promise<void>((ready, fail) => {
    socket.once("connect", ready);
    socket.once("error", fail);
  });
  let buffer = Buffer.alloc(0);
  const waiting: ((reply: Reply) => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const parsed = parse(buffer, 0);
      if (!parsed) break;
      buffer = buffer.subarray(parsed.end);
      waiting.shift()?.(parsed.reply);
    }
  });

  const command = (...args: string[]): Promise<Reply> =>
    new Promise((done) => {
      waiting.push(done);
      const parts = [`*${String(args.length)}\r\n`];
      for (const a of args) parts.push(`$${String(Buffer.byteLength(a))}\r\n${a}\r\n`);
      socket.write(parts.join(""));
    });

  const commandStats = async (): Promise<Map<string, number>> => {
    const text = await command("INFO", "commandstats");
    const stats = new Map<string, number>();
    if (typeof text !== "string") return stats;
    for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(m[1] ?? "", Number(m[2]));
    return stats;
  };

  return {
    command,
    commandStats,
    async commandCalls() {
      let total = 0;
      for (const calls of (await commandStats()).values()) total += calls;
      return total;
    },
    async deletePrefix(prefix) {
      let cursor = "0";
      let deleted = 0;
      do {
        const reply = await command("SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", "1000");
        if (!Array.isArray(reply)) throw new Error(`SCAN answered ${String(reply)}`);
        const [next, keys] = reply;
        cursor = String(next);
        if (Array.isArray(keys) && keys.length > 0) {
          const n = await command("UNLINK", ...keys.map(String));
          deleted += typeof n === "number" ? n : 0;
        }
      } while (cursor !== "0");
      return deleted;
    },
    close: () => {
      socket.end();
    },
  };
}

function parse(buf: Buffer, at: number): { reply: Reply; end: number } | undefined {
  const lineEnd = buf.indexOf("\r\n", at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[at] ?? 0);
  const line = buf.toString("utf8", at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
      return { reply: line, end: next };
    case "-":
      return { reply: new Error(line), end: next };
    case ":":
      return { reply: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { reply: null, end: next };
      if (buf.length < next + length + 2) return undefined;
      return { reply: buf.toString("utf8", next, next + length), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
      const items: Reply[] = [];
      let cursor = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, cursor);
        if (!item) return undefined;
        items.push(item.reply);
        cursor = item.end;
      }
      return { reply: items, end: cursor };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}
