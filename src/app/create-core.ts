// Builds the whole platform-neutral core over one store: sources, archive, search, votes, subscriptions, scheduler.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { helpMessage, usageMessage } from "../commands/usage.js";
import { parseCommand } from "../commands/parse-command.js";
import type { Config } from "../config/load-config.js";
import { createPaperArchive } from "../papers/archive/paper-archive.js";
import type { Paper } from "../papers/paper.js";
import { createPaperSearch } from "../papers/search/search-papers.js";
import { similarityBoosts } from "../papers/search/similarity.js";
import { createArxivSource } from "../papers/sources/arxiv-source.js";
import type { HttpClientOptions } from "../papers/sources/http-client.js";
import { createHuggingFaceSource } from "../papers/sources/huggingface-source.js";
import { addDays, lastCompletedBatchDate, nyDate } from "../papers/sources/ny-date.js";
import { startSubscriptions, type StartUpReport } from "../scheduler/catch-up.js";
import { createDeliveryLedger } from "../scheduler/delivery-ledger.js";
import { createDigestJob } from "../scheduler/digest-job.js";
import { createNodeCronScheduler } from "../scheduler/node-cron-scheduler.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { createSubscriptionRunner, type SubscriptionRunner } from "../scheduler/subscription-runner.js";
import { createWatchPoller, createWatchStore, type WatchPoller } from "../scheduler/watch-poller.js";
import type { Logger } from "../shared/logger.js";
import { noopMetrics, type Metrics } from "../shared/metrics.js";
import type { Store } from "../storage/key-value.js";
import { createSubscriptionStore } from "../subscriptions/subscription-store.js";
import { createPostStore } from "../votes/post-store.js";
import { createVoteService } from "../votes/vote-service.js";
import { createPaperboy } from "./create-paperboy.js";
import { createHomeView } from "./home-view.js";
import type { Paperboy } from "./paperboy.js";
import { createPlatformRegistry, type PlatformRegistry } from "./platform-registry.js";
import { createSubscriptionCommands } from "./subscription-commands.js";
import { createVoteCommands } from "./vote-commands.js";

export interface CoreDeps {
  readonly config: Pick<Config, "HF_API_URL" | "ARXIV_API_URL" | "DEFAULT_TIMEZONE"> & {
    readonly HF_TOKEN?: string | undefined;
  };
  readonly store: Store;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
  /** Defaults to node-cron (with the Redis run coordinator when the store is shared). */
  readonly scheduler?: Scheduler;
  /** HTTP tuning for the paper sources (tests shorten timeouts and retries). */
  readonly http?: Omit<HttpClientOptions, "log" | "headers" | "onRateLimited" | "sleep">;
  /** arXiv's spacing between requests (3 s; tests lower it). */
  readonly arxivMinIntervalMs?: number;
  /** How long /papers search waits for Hugging Face before answering from the archive (1.5 s). */
  readonly hfSearchTimeoutMs?: number;
  /** How far back a missed digest is still posted at start-up (6 h). */
  readonly graceMs?: number;
  /** Deliveries in flight at once across channels (200). */
  readonly deliveryConcurrency?: number;
  /** How long a dead replica's delivery claim blocks a takeover (10 min; multi-replica tests shorten it). */
  readonly claimLeaseMs?: number;
  /** How long a replica's tick lease lives on a shared store (10 min; multi-replica tests shorten it). */
  readonly tickLeaseMs?: number;
  /**
   * How often the live schedules are reconciled with the stored subscriptions (default 60 s), so a
   * subscription changed through one replica is scheduled on every replica. 0 turns it off.
   */
  readonly resyncMs?: number;
}

export interface Core {
  readonly paperboy: Paperboy;
  readonly platforms: PlatformRegistry;
  readonly runner: SubscriptionRunner;
  readonly watchPoller: WatchPoller;
  /** Loads the archive, resolves crashed deliveries, schedules every subscription, posts missed digests. */
  start(): Promise<StartUpReport>;
  /** Stops scheduling new runs and waits for the ones in flight. */
  stop(): Promise<void>;
  /** Reconciles the live schedules with the store; resolves to how many entries changed. */
  resync(): Promise<number>;
}

/** Days of Daily Papers fetched at most to answer "what trended since …" (each day is one cached request). */
const TRENDING_MAX_DAYS = 14;
/** How often the live schedules are reconciled with the stored subscriptions. */
const RESYNC_MS = 60_000;
/** Votes older than this no longer steer a channel's ranking. */
const LIKED_WINDOW_DAYS = 30;

export function createCore(deps: CoreDeps): Core {
  const { store, log, config } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? noopMetrics;
  const owner = `${hostname()}-${String(process.pid)}-${randomUUID().slice(0, 8)}`;

  const hf = createHuggingFaceSource({
    baseUrl: config.HF_API_URL,
    cache: store.namespace("cache"),
    now,
    log,
    metrics,
    ...(deps.http !== undefined ? { http: deps.http } : {}),
    ...(config.HF_TOKEN !== undefined ? { token: config.HF_TOKEN } : {}),
  });
  const arxiv = createArxivSource({
    baseUrl: config.ARXIV_API_URL,
    cache: store.namespace("cache"),
    now,
    log,
    metrics,
    ...(deps.http !== undefined ? { http: deps.http } : {}),
    ...(deps.arxivMinIntervalMs !== undefined ? { minIntervalMs: deps.arxivMinIntervalMs } : {}),
  });
  const archive = createPaperArchive({ papers: store.namespace("papers"), log });
  const search = createPaperSearch({
    hf,
    archive,
    arxiv,
    log,
    ...(deps.hfSearchTimeoutMs !== undefined ? { hfTimeoutMs: deps.hfSearchTimeoutMs } : {}),
  });

  const platforms = createPlatformRegistry();
  const posts = createPostStore(store.namespace("posts"));
  const subscriptions = createSubscriptionStore(store.namespace("subscriptions"));
  const voteEmojiFor = async (channel: Parameters<typeof subscriptions.forChannel>[0]) => {
    const withEmoji = (await subscriptions.forChannel(channel)).find((s) => s.voteEmoji.length > 0);
    return withEmoji?.voteEmoji ?? ["👍", "🔥", "❤️", "⬆️"];
  };
  const votes = createVoteService({
    votes: store.namespace("votes"),
    events: store.namespace("events"),
    posts,
    now,
    voteEmojiFor,
  });

  /** Every Daily Papers batch from `since` to the last completed one (at most two weeks), de-duplicated. */
  async function trending(since: Date): Promise<{ papers: readonly Paper[]; stale: boolean }> {
    const last = lastCompletedBatchDate(now());
    const dates: string[] = [];
    for (let date = last; dates.length < TRENDING_MAX_DAYS && date >= nyDate(since); date = addDays(date, -1))
      dates.push(date);
    const byId = new Map<string, Paper>();
    let stale = false;
    for (const date of dates) {
      const result = await hf.daily(date);
      stale ||= result.stale;
      for (const paper of result.papers) byId.set(paper.id, paper);
    }
    await archive.upsert([...byId.values()]);
    return { papers: [...byId.values()], stale };
  }

  const voteCommands = createVoteCommands({ votes, papers: archive, trending, now });
  const ledger = createDeliveryLedger({
    deliveries: store.namespace("deliveries"),
    now,
    log,
    owner,
    ...(deps.claimLeaseMs !== undefined ? { leaseMs: deps.claimLeaseMs } : {}),
  });
  const scheduler =
    deps.scheduler ??
    createNodeCronScheduler({
      log,
      // The backlog makes a busy replica bid later for ticks, so idle replicas take them (runner is defined below).
      ...(store.shared
        ? { leases: store.namespace("leases"), replicaId: owner, backlog: () => runner.backlog() }
        : {}),
      ...(deps.tickLeaseMs !== undefined ? { leaseMs: deps.tickLeaseMs } : {}),
    });
  const job = createDigestJob({
    subscriptions,
    hf,
    arxiv,
    posts,
    votes,
    seen: store.namespace("seen"),
    ledger,
    platforms,
    now,
    log,
    metrics,
    archive,
    paperById: (id) => archive.get(id),
    boostsFor: async (channel, candidates) =>
      similarityBoosts(candidates, await voteCommands.likedPapers(channel, LIKED_WINDOW_DAYS), {
        maxBoost: 1.5,
      }),
  });
  const runner = createSubscriptionRunner({
    scheduler,
    job,
    ...(deps.deliveryConcurrency !== undefined ? { concurrency: deps.deliveryConcurrency } : {}),
  });
  const watches = createWatchStore(store.namespace("watches"));
  const watchPoller = createWatchPoller({ watches, hf, ledger, platforms, posts, now, log, archive });
  const subscriptionCommands = createSubscriptionCommands({
    subscriptions,
    watches,
    scheduler,
    schedule: (s) => {
      trackedRunner.schedule(s);
    },
    cancel: (id) => {
      trackedRunner.cancel(id);
    },
    now,
    defaultTimezone: config.DEFAULT_TIMEZONE,
  });
  const home = createHomeView({ subscriptions, votes, papers: archive, now });

  const paperboy = createPaperboy({
    parse: parseCommand,
    usage: usageMessage,
    help: helpMessage,
    hf,
    archive,
    search,
    subscriptions: subscriptionCommands,
    voteCommands,
    votes,
    posts,
    platforms,
    home,
    forgetWorkspace: async (platform, workspace) => {
      for (const id of await subscriptions.forgetWorkspace(platform, workspace)) trackedRunner.cancel(id);
    },
    now,
    log,
    metrics,
  });

  // What each live cron entry was scheduled from: a stored subscription whose cron, zone or pause
  // differs (changed by another replica) is rescheduled; one that is gone is cancelled.
  const scheduledAs = new Map<string, string>();
  const signature = (s: { cron: string; timezone: string; paused?: unknown }) =>
    `${s.cron}|${s.timezone}|${s.paused === undefined ? "" : "paused"}`;
  const trackedRunner: typeof runner = {
    ...runner,
    schedule(s) {
      runner.schedule(s);
      scheduledAs.set(s.id, signature(s));
    },
    cancel(id) {
      runner.cancel(id);
      scheduledAs.delete(id);
    },
  };
  async function resync(): Promise<number> {
    const stored = await subscriptions.all();
    let changed = 0;
    const live = new Set<string>();
    for (const s of stored) {
      live.add(s.id);
      if (scheduledAs.get(s.id) === signature(s)) continue;
      try {
        trackedRunner.schedule(s);
        changed++;
      } catch (error) {
        log.error({ err: error, subscription: s.id }, "cannot schedule a stored subscription");
      }
    }
    for (const id of [...scheduledAs.keys()])
      if (!live.has(id)) {
        trackedRunner.cancel(id);
        changed++;
      }
    return changed;
  }
  let resyncTimer: NodeJS.Timeout | undefined;

  return {
    paperboy,
    platforms,
    runner,
    watchPoller,
    resync,
    async start() {
      const loaded = await archive.load();
      log.info({ papers: loaded }, "archive loaded");
      const report = await startSubscriptions({
        subscriptions,
        runner: trackedRunner,
        ledger,
        now,
        log,
        previousOwnersDead: !store.shared,
        ...(deps.graceMs !== undefined ? { graceMs: deps.graceMs } : {}),
      });
      watchPoller.start(scheduler);
      const every = deps.resyncMs ?? RESYNC_MS;
      if (every > 0) {
        resyncTimer = setInterval(() => {
          resync().catch((error: unknown) => {
            log.warn({ err: error }, "schedule resync failed");
          });
        }, every);
        resyncTimer.unref();
      }
      return report;
    },
    async stop() {
      if (resyncTimer !== undefined) clearInterval(resyncTimer);
      scheduler.cancelAll();
      await runner.idle();
    },
  };
}
