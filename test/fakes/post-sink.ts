// A loopback "chat platform" for replica processes: records every post (channel, text, replica) on arrival, answers a ref.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a replica sends per post request (one digest, one or more messages). */
export interface SinkPostBody {
  readonly replica: string;
  /** channelKey of the subscription's channel, "slack:T1:C1". */
  readonly channel: string;
  /** The fallback text of each message. */
  readonly texts: readonly string[];
}

export interface SinkPost extends SinkPostBody {
  /** 0-based arrival order. */
  readonly seq: number;
  /** Wall-clock arrival (Date.now()), for benchmark wall time only. */
  readonly at: number;
}

/** The answer: one id per message, in order. */
export interface SinkAnswer {
  readonly ids: readonly string[];
}

export interface PostSink {
  /** POST `${url}/post` with a SinkPostBody. */
  readonly url: string;
  /** Every post, recorded when it arrives (before the answer): a post counts even if the poster dies waiting. */
  readonly posts: readonly SinkPost[];
  /** Called synchronously on each arrival (after recording). */
  onPost(listener: (post: SinkPost) => void): void;
  setLatencyMs(ms: number): void;
  /** Forget recorded posts and listeners. */
  reset(): void;
  close(): Promise<void>;
}

export async function startPostSink(options: { latencyMs?: number } = {}): Promise<PostSink> {
  let latencyMs = options.latencyMs ?? 0;
  const posts: SinkPost[] = [];
  let listeners: ((post: SinkPost) => void)[] = [];
  let counter = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: SinkPostBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as SinkPostBody;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const post: SinkPost = { ...body, seq: posts.length, at: Date.now() };
      posts.push(post);
      for (const listener of listeners) listener(post);
      const answer: SinkAnswer = { ids: body.texts.map(() => `ts${String(++counter)}`) };
      const send = (): void => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      };
      if (latencyMs > 0) setTimeout(send, latencyMs);
      else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;

  return {
    url,
    posts,
    onPost: (listener) => {
      listeners.push(listener);
    },
    setLatencyMs: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      posts.length = 0;
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
