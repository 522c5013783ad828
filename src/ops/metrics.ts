// Metrics: the port the core counts through, and its form on prom-client, on its own Registry (never the global one), rendered for GET /metrics.
// @see https://github.com/siimon/prom-client
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PlatformId } from "../platform/channel-ref.js";

/** The metrics port: what the core counts. */
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

export interface PrometheusMetrics extends Metrics {
  /** The Prometheus text exposition of every paperboy and process metric. */
  render(): Promise<{ contentType: string; body: string }>;
  readonly registry: Registry;
}

export function createPrometheusMetrics(options: { defaultMetrics?: boolean } = {}): PrometheusMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const digests = new Counter({
    name: "paperboy_digests_total",
    help: "Digest deliveries by outcome (posted, rejected, failed) and platform",
    labelNames: ["outcome", "platform"] as const,
    registers,
  });
  const commands = new Counter({
    name: "paperboy_commands_total",
    help: "Slash commands handled, by command name and platform",
    labelNames: ["name", "platform"] as const,
    registers,
  });
  const votes = new Counter({
    name: "paperboy_votes_total",
    help: "Reaction votes counted, by change (added, removed) and platform",
    labelNames: ["change", "platform"] as const,
    registers,
  });
  const sourceRequests = new Counter({
    name: "paperboy_source_requests_total",
    help: "Requests to paper sources (huggingface, arxiv) by outcome (ok, error, rate-limited)",
    labelNames: ["source", "outcome"] as const,
    registers,
  });
  const cacheHits = new Counter({
    name: "paperboy_source_cache_hits_total",
    help: "Paper source reads answered from the cache instead of the network",
    labelNames: ["source"] as const,
    registers,
  });
  const retries = new Counter({
    name: "paperboy_delivery_retries_total",
    help: "Deliveries put back for another attempt, by reason (source, platform, store) and platform",
    labelNames: ["reason", "platform"] as const,
    registers,
  });
  const voteFailures = new Counter({
    name: "paperboy_vote_store_failures_total",
    help: "Votes the store could not take, by platform and what happened (retried, refused for redelivery, lost)",
    labelNames: ["platform", "outcome"] as const,
    registers,
  });
  const delivery = new Histogram({
    name: "paperboy_delivery_seconds",
    help: "Time to deliver one digest (render and post, including rate-limit waits), by platform",
    labelNames: ["platform"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });

  return {
    registry,
    sourceRequest: (source, outcome) => {
      sourceRequests.inc({ source, outcome });
    },
    cacheHit: (source) => {
      cacheHits.inc({ source });
    },
    command: (name, platform) => {
      commands.inc({ name, platform });
    },
    vote: (change, platform) => {
      votes.inc({ change, platform });
    },
    digest: (outcome, platform, seconds) => {
      digests.inc({ outcome, platform });
      if (Number.isFinite(seconds) && seconds >= 0) delivery.observe({ platform }, seconds);
    },
    deliveryRetry: (reason, platform) => {
      retries.inc({ reason, platform });
    },
    voteStoreFailure: (platform, outcome) => {
      voteFailures.inc({ platform, outcome });
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
