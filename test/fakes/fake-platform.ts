// Test fake of the ChatPlatform port: records posts, answers posted/rejected/failed on demand, can be slow or throw.
import type { PlatformId } from "../../src/platform/channel-ref.js";
import type { ChatPlatform, PostRequest } from "../../src/platform/chat-platform.js";
import type { DeliveryOutcome, PostedMessage, RejectReason } from "../../src/platform/delivery-outcome.js";
import { slotsOf } from "../../src/messages/outbound-message.js";

export type FakeMode =
  | { readonly kind: "post" }
  | { readonly kind: "reject"; readonly reason: RejectReason; readonly hint: string }
  | { readonly kind: "fail"; readonly error: string }
  | { readonly kind: "throw"; readonly error: string };

export interface FakePlatform extends ChatPlatform {
  /** Every request that reached post(), in arrival order (including rejected and failed ones). */
  readonly requests: PostRequest[];
  /** Only the requests that were answered "posted". */
  readonly posted: PostRequest[];
  /** Sets how the next posts are answered (default: posted). */
  setMode(mode: FakeMode): void;
  /** Answer only the next post this way, then go back to the current mode. */
  nextOnce(mode: FakeMode): void;
  setLatencyMs(ms: number): void;
}

export function createFakePlatform(options: { id?: PlatformId; latencyMs?: number } = {}): FakePlatform {
  let mode: FakeMode = { kind: "post" };
  const once: FakeMode[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let counter = 0;
  const requests: PostRequest[] = [];
  const posted: PostRequest[] = [];
  const id = options.id ?? "console";
  return {
    id,
    requests,
    posted,
    setMode: (m) => {
      mode = m;
    },
    nextOnce: (m) => {
      once.push(m);
    },
    setLatencyMs: (ms) => {
      latencyMs = ms;
    },
    isHealthy: () => true,
    async post(request): Promise<DeliveryOutcome> {
      requests.push(request);
      const current = once.shift() ?? mode;
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      switch (current.kind) {
        case "reject":
          return { status: "rejected", reason: current.reason, hint: current.hint };
        case "fail":
          return { status: "failed", error: current.error };
        case "throw":
          throw new Error(current.error);
        case "post": {
          posted.push(request);
          const messages: PostedMessage[] = request.messages.map((m) => ({
            ref: { channel: request.channel, id: `m${String(++counter)}` },
            slots: slotsOf(m),
          }));
          return { status: "posted", messages };
        }
      }
    },
  };
}
