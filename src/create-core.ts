// Builds the whole platform-neutral core over one store: sources, archive, search, votes, delivery, queue, schedules.
import { createCommandRouter } from "./commands/router.js";
import type { Config } from "./config/load-config.js";
import { createDeliverer } from "./delivery/deliver.js";
import { createOnDemand } from "./delivery/on-demand.js";
import { trendingSince } from "./digest/period.js";
import { createPaperArchive } from "./archive/paper-archive.js";
import { createSearchCommand } from "./search/search-command.js";
import { createPaperSearch } from "./search/search-papers.js";
import { similarityBoosts } from "./digest/similarity.js";
import { createArxivSource } from "./sources/arxiv-source.js";
import type { HttpClientOptions } from "./sources/http-client.js";
import { createHuggingFaceSource } from "./sources/huggingface-source.js";
import { createDigestJob } from "./scheduler/digest-job.js";
import { createJobHandler, resumeOpenDeliveries, type RetryPolicy } from "./scheduler/jobs.js";
import { createLocalQueue } from "./scheduler/local-queue.js";
import { createNodeCronScheduler } from "./scheduler/node-cron-scheduler.js";
import type { Scheduler } from "./scheduler/scheduler.js";
import { createSchedules, type Schedules } from "./scheduler/schedules.js";
import type { WorkQueue } from "./scheduler/work-queue.js";
import type { Logger } from "./ops/logger.js";
import { noopMetrics, type Metrics } from "./ops/metrics.js";
import type { Store } from "./storage/store.js";
import { createReactionIntake } from "./votes/reaction-intake.js";
import { createVoteService, type VoteService } from "./votes/vote-service.js";
import { channelVoteEmoji } from "./subscriptions/subscription-store.js";
import { createWatchPoller, type WatchPoller } from "./watches/watch-poller.js";
import { createHomeView } from "./votes/home-view.js";
import { createLinkCards } from "./links/link-cards.js";
import type { Paperboy } from "./paperboy.js";
import { createPlatformRegistry, type PlatformRegistry } from "./platform/platform-registry.js";
import { wordsOf } from "./platform/platform-words.js";
import { createSubscriptionCommands } from "./subscriptions/subscription-commands.js";
import { createVoteCommands } from "./votes/vote-commands.js";

export interface CoreDeps {
  readonly config: Pick<Config, "HF_API_URL" | "ARXIV_API_URL" | "DEFAULT_TIMEZONE"> & {
    readonly HF_TOKEN?: string | undefined;
  };
  readonly store: Store;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
  /** Defaults to node-cron. */
  readonly scheduler?: Scheduler;
  /** Defaults to BullMQ on a shared (Redis) store, an in-process queue otherwise. */
  readonly queue?: WorkQueue;
  /** HTTP tuning for the paper sources (tests shorten timeouts and retries). */
  readonly http?: Omit<HttpClientOptions, "log" | "headers" | "onRateLimited" | "sleep">;
  /** arXiv's spacing between requests (3 s; tests lower it). */
  readonly arxivMinIntervalMs?: number;
  /** How long /papers search waits for Hugging Face before answering from the archive (1.5 s). */
  readonly hfSearchTimeoutMs?: number;
  /** How far back a missed digest is still posted at start-up (6 h). */
  readonly graceMs?: number;
  /** Deliveries in flight at once in this process (200). */
  readonly deliveryConcurrency?: number;
  /** Backoff of a failed delivery's retries within its period (5 s doubling to 60 s). */
  readonly retry?: RetryPolicy;
  /**
   * How often this process checks whether the stored subscriptions changed (default 60 s) and, on a shared store,
   * looks for deliveries left open by a replica that died. 0 turns it off.
   */
  readonly resyncMs?: number;
}

export interface Core {
  readonly paperboy: Paperboy;
  readonly platforms: PlatformRegistry;
  readonly votes: VoteService;
  readonly queue: WorkQueue;
  readonly schedules: Schedules;
  readonly watchPoller: WatchPoller;
  /** Loads the archive, resumes deliveries a crash left open, schedules every group, posts what was missed. */
  start(): Promise<{ readonly groups: number; readonly caughtUp: number; readonly resumed: number }>;
  /** Stops scheduling new runs and waits (bounded) for the ones in flight. */
  stop(timeoutMs?: number): Promise<void>;
}

const RESYNC_MS = 60_000;
const DEFAULT_CONCURRENCY = 200;

export function createCore(deps: CoreDeps): Core {
  const { store, log, config } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? noopMetrics;

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
  const archive = createPaperArchive({ papers: store.papers, log });
  const paperSearch = createPaperSearch({
    hf,
    archive,
    arxiv,
    log,
    ...(deps.hfSearchTimeoutMs !== undefined ? { hfTimeoutMs: deps.hfSearchTimeoutMs } : {}),
  });

  const platforms = createPlatformRegistry();
  const votes = createVoteService({
    votes: store.votes,
    posts: store.posts,
    now,
    log,
    metrics,
    voteEmojiFor: (channel) => channelVoteEmoji(store.subscriptions, channel),
  });
  const deliverer = createDeliverer({
    deliveries: store.deliveries,
    platform: (channel) => platforms.forChannel(channel),
    papers: (ids) => archive.getMany(ids),
    owner: store.owner,
    now,
    log,
    onRecorded: (ref) => {
      votes.recorded(ref);
    },
  });

  const voteCommands = createVoteCommands({
    votes,
    papers: archive,
    trending: (since) => trendingSince({ hf, archive }, since, now()),
    now,
    wordsFor: (channel) => wordsOf(platforms.get(channel.platform)),
  });
  const scheduler = deps.scheduler ?? createNodeCronScheduler({ log });
  const queue =
    deps.queue ?? createLocalQueue({ concurrency: deps.deliveryConcurrency ?? DEFAULT_CONCURRENCY, log });
  const digestJob = createDigestJob({
    hf,
    arxiv,
    digestState: store.digest,
    votes: store.votes,
    archive,
    boosts: (candidates, liked) => similarityBoosts(candidates, liked, { maxBoost: 1.5 }),
    deliverer,
    now,
    log,
  });
  const watchPoller = createWatchPoller({ watches: store.watches, hf, deliverer, now, log, archive });
  const schedules = createSchedules({
    scheduler,
    subscriptions: store.subscriptions,
    queue,
    now,
    log,
    ...(deps.graceMs !== undefined ? { graceMs: deps.graceMs } : {}),
  });
  const resync = (): void => {
    schedules.sync().catch((error: unknown) => {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, "schedule resync failed");
    });
  };
  const subscriptionCommands = createSubscriptionCommands({
    subscriptions: store.subscriptions,
    watches: store.watches,
    scheduler,
    changed: resync,
    now,
    defaultTimezone: config.DEFAULT_TIMEZONE,
  });
  const home = createHomeView({ subscriptions: store.subscriptions, votes, papers: archive, now });

  const onDemand = createOnDemand({
    hf,
    archive,
    tally: (channel, ids) => votes.tally(channel, ids),
    deliverer,
    platform: (id) => platforms.get(id),
    now,
  });
  const linkCards = createLinkCards({
    ...{ archive, hf, arxiv, posts: store.posts, timeZone: config.DEFAULT_TIMEZONE, now },
    tally: (channel, ids) => votes.tally(channel, ids),
    sharePaper: (channel, paper, notice) => onDemand.sharePaper(channel, paper, notice),
  });
  const search = createSearchCommand({
    search: paperSearch,
    tally: (channel, ids) => votes.tally(channel, ids),
  });
  const router = createCommandRouter({
    handlers: {
      today: (inv) => onDemand.periodDigest(inv, "today"),
      week: (inv) => onDemand.periodDigest(inv, "week"),
      month: (inv) => onDemand.periodDigest(inv, "month"),
      search: (inv, command) => search(inv, command.query),
      paper: (inv, command) => linkCards.command(inv, command.id),
      subscribe: (inv, command) => subscriptionCommands.subscribe(inv, command.options),
      unsubscribe: (inv, command) => subscriptionCommands.unsubscribe(inv, command.source),
      settings: (inv) => subscriptionCommands.settings(inv),
      watch: (inv, command) => subscriptionCommands.watch(inv, command.topic, command.threshold),
      unwatch: (inv, command) => subscriptionCommands.unwatch(inv, command.topic),
      top: (inv, command) => voteCommands.top(inv, command.period),
      catchup: (inv, command) => voteCommands.catchup(inv, command.days),
    },
    metrics,
    log,
  });

  const paperboy: Paperboy = {
    handleCommand: (inv) => router.handleCommand(inv),
    handleReaction: createReactionIntake({ votes, metrics, log }),
    handleAction: (action) =>
      onDemand
        .share(action)
        .catch((error: unknown) => router.failureReply(error, `action:${action.actionId}`)),
    unfurl: (links) => linkCards.unfurl(links),
    suggest: (query, limit) => Promise.resolve(archive.suggest(query, limit)),
    home,
    forgetWorkspace: async (platform, workspace) => {
      await store.subscriptions.forgetWorkspace(platform, workspace);
      resync();
    },
    registerPlatform: (platform) => {
      platforms.register(platform);
    },
  };

  let sweep: NodeJS.Timeout | undefined;
  return {
    paperboy,
    platforms,
    votes,
    queue,
    schedules,
    watchPoller,
    async start() {
      const loaded = await archive.load();
      log.info({ papers: loaded }, "archive loaded");
      queue.start(
        createJobHandler({
          queue,
          subscriptions: store.subscriptions,
          deliveries: store.deliveries,
          deliverer,
          digestJob,
          watchPoller,
          scheduler,
          now,
          log,
          metrics,
          ...(deps.retry !== undefined ? { retry: deps.retry } : {}),
        }),
      );
      const resumed = await resumeOpenDeliveries(store.deliveries, queue);
      const groups = (await schedules.sync(), (await store.subscriptions.groups()).length);
      const caughtUp = await schedules.catchUp();
      const every = deps.resyncMs ?? RESYNC_MS;
      schedules.watch(every);
      // On a shared store a replica that dies leaves its on-demand posts, shares and alerts open: others resume them.
      if (store.shared && every > 0) {
        sweep = setInterval(() => {
          resumeOpenDeliveries(store.deliveries, queue).catch((error: unknown) => {
            log.warn(
              { err: error instanceof Error ? error.message : String(error) },
              "looking for deliveries left open failed",
            );
          });
        }, every);
        sweep.unref();
      }
      log.info({ groups, caughtUp, resumed }, "subscriptions started");
      return { groups, caughtUp, resumed };
    },
    async stop(timeoutMs = 30_000) {
      if (sweep !== undefined) clearInterval(sweep);
      schedules.stop();
      await queue.close(timeoutMs);
      votes.close();
    },
  };
}
