// The metrics port: what the core counts; the Prometheus implementation lives in src/ops.
import type { PlatformId } from "../platform/channel-ref.js";

export interface Metrics {
  sourceRequest(source: "huggingface" | "arxiv", outcome: "ok" | "error" | "rate-limited"): void;
  cacheHit(source: "huggingface" | "arxiv"): void;
  command(name: string, platform: PlatformId): void;
  vote(change: "added" | "removed", platform: PlatformId): void;
  digest(outcome: "posted" | "rejected" | "failed", platform: PlatformId, seconds: number): void;
  /** A delivery put back for another attempt: why (source, platform, store). */
  deliveryRetry(reason: "source" | "platform" | "store", platform: PlatformId): void;
  /** A vote the store could not take: retried (Discord) or refused so the platform redelivers (Slack). */
  voteStoreFailure(platform: PlatformId, outcome: "retried" | "refused" | "lost"): void;
}

export const noopMetrics: Metrics = {
  sourceRequest: () => undefined,
  cacheHit: () => undefined,
  command: () => undefined,
  vote: () => undefined,
  digest: () => undefined,
  deliveryRetry: () => undefined,
  voteStoreFailure: () => undefined,
};
