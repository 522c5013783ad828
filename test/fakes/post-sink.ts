// A loopback "chat platform" for replica processes: records every message (channel, text, handle, replica) on arrival,
// answers its id, keeps the bot's reactions per message, and answers read-backs by delivery handle like a platform.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a replica sends per message: POST /post. */
export interface SinkPostBody {
  readonly replica: string;
  /** channelKey of the channel, "slack:T1:C1". */
  readonly channel: string;
  readonly text: string;
  readonly delivery: string;
  readonly index: number;
}

export interface SinkPost extends SinkPostBody {
  /** 0-based arrival order. */
  readonly seq: number;
  /** Wall-clock arrival (Date.now()), for benchmark wall time only. */
  readonly at: number;
  readonly id: string;
}

/** The answer to a post: the message id. */
export interface SinkAnswer {
  readonly id: string;
}

export interface PostSink {
  /** POST `${url}/post` (SinkPostBody), POST `${url}/react` {id, emoji}, GET `${url}/find?channel=&delivery=`. */
  readonly url: string;
  /** Every message, recorded when it arrives (before the answer): a post counts even if the poster dies waiting. */
  readonly posts: readonly SinkPost[];
  /** The bot's reactions per message id (each emoji once). */
  readonly reactions: ReadonlyMap<string, readonly string[]>;
  /** Called synchronously on each arrival (after recording). */
  onPost(listener: (post: SinkPost) => void): void;
  setLatencyMs(ms: number): void;
  /** Forget recorded posts, reactions and listeners. */
  reset(): void;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        resolve(undefined);
      }
    });
  });
}

export async function startPostSink(options: { latencyMs?: number } = {}): Promise<PostSink> {
  let latencyMs = options.latencyMs ?? 0;
  const posts: SinkPost[] = [];
  const reactions = new Map<string, string[]>();
  let listeners: ((post: SinkPost) => void)[] = [];
  let counter = 0;
  const json = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/find") {
      const channel = url.searchParams.get("channel");
      const delivery = url.searchParams.get("delivery");
      json(
        res,
        200,
        posts
          .filter((p) => p.channel === channel && p.delivery === delivery)
          .map((p) => ({ index: p.index, id: p.id })),
      );
      return;
    }
    void body(req).then((raw) => {
      if (url.pathname === "/react") {
        const { id, emoji } = (raw ?? {}) as { id?: string; emoji?: string };
        if (id === undefined || emoji === undefined) return json(res, 400, {});
        const list = reactions.get(id) ?? [];
        if (!list.includes(emoji)) list.push(emoji);
        reactions.set(id, list);
        return json(res, 200, {});
      }
      const sent = raw as SinkPostBody | undefined;
      if (sent?.channel === undefined) return json(res, 400, {});
      const post: SinkPost = { ...sent, seq: posts.length, at: Date.now(), id: `ts${String(++counter)}` };
      posts.push(post);
      for (const listener of listeners) listener(post);
      const answer: SinkAnswer = { id: post.id };
      if (latencyMs > 0) setTimeout(() => json(res, 200, answer), latencyMs);
      else json(res, 200, answer);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;

  return {
    url,
    posts,
    reactions,
    onPost: (listener) => {
      listeners.push(listener);
    },
    setLatencyMs: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      posts.length = 0;
      reactions.clear();
      listeners = [];
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => {
          done();
        });
        server.closeAllConnections();
      }),
  };
}
