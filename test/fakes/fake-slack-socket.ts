// A loopback Slack Socket Mode server: apps.connections.open (on the fake Web API) hands out its ws:// URL; it greets
// with hello, sends envelopes (slash_commands, events_api, interactive), collects the acks and can ask for a reconnect.
// @see https://docs.slack.dev/apis/events-api/using-socket-mode · PLATFORMS.md §5a.11
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { FakeSlackApi } from "./fake-slack-api.js";

export type EnvelopeType = "slash_commands" | "events_api" | "interactive";

/** What the app sent back for an envelope: `{ envelope_id, payload }`. */
export interface SocketAck {
  readonly envelope_id: string;
  readonly payload?: Record<string, unknown>;
}

export interface FakeSlackSocket {
  /** WebSocket connections opened so far (a reconnect makes a new one). */
  connections(): number;
  /** Every message the app sent (acks), in order. */
  readonly received: Record<string, unknown>[];
  /** Resolves once `count` connections were opened and greeted. */
  connected(count: number, timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the open connection; resolves with the app's ack for its envelope_id. */
  send(type: EnvelopeType, payload: Record<string, unknown>, timeoutMs?: number): Promise<SocketAck>;
  /** Slack recycling the connection: `{ type: "disconnect", reason }`; the app should reconnect. */
  disconnect(reason?: string): void;
  close(): Promise<void>;
}

let envelopes = 0;

/** Starts the socket server and registers `appToken` with the fake Web API's apps.connections.open. */
export async function startFakeSlackSocket(api: FakeSlackApi, appToken: string): Promise<FakeSlackSocket> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  let opened = 0;
  let current: WebSocket | undefined;
  const received: Record<string, unknown>[] = [];
  const waiters: { envelopeId: string; done: (ack: SocketAck) => void }[] = [];

  server.on("connection", (socket) => {
    opened++;
    current = socket;
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
      received.push(message);
      const index = waiters.findIndex((w) => w.envelopeId === message.envelope_id);
      if (index >= 0) waiters.splice(index, 1)[0]?.done(message as unknown as SocketAck);
    });
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake-slack-socket", approximate_connection_time: 18_060 },
        connection_info: { app_id: "A0PAPERBOY" },
      }),
    );
  });

  api.appTokens.add(appToken);
  api.socketUrl = () =>
    `ws://127.0.0.1:${String(port)}/link/?ticket=t${String(opened + 1)}&app_id=A0PAPERBOY`;

  async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      if (Date.now() > deadline)
        throw new Error(`fake Slack socket: ${what} did not happen within ${String(timeoutMs)} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  return {
    connections: () => opened,
    received,
    connected: (count, timeoutMs = 15_000) =>
      until(() => opened >= count && current?.readyState === 1, timeoutMs, `connection ${String(count)}`),
    send(type, payload, timeoutMs = 5_000) {
      const socket = current;
      if (socket === undefined) return Promise.reject(new Error("fake Slack socket: no connection"));
      const envelopeId = `env-${String(++envelopes)}`;
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${envelopeId} (${type})`)), timeoutMs);
        waiters.push({
          envelopeId,
          done: (ack) => {
            clearTimeout(timer);
            resolve(ack);
          },
        });
        socket.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type !== "events_api",
            ...(type === "events_api" ? { retry_attempt: 0, retry_reason: "" } : {}),
          }),
        );
      });
    },
    disconnect(reason = "refresh_requested") {
      current?.send(
        JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-slack-socket" } }),
      );
    },
    async close() {
      api.appTokens.delete(appToken);
      api.socketUrl = undefined;
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
