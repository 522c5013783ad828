// The core's public surface: adapters import from here and only here.
export * from "./papers/paper.js";
export * from "./messages/outbound-message.js";
export * from "./platform/channel-ref.js";
export * from "./platform/emoji.js";
export * from "./platform/events.js";
export * from "./platform/delivery-outcome.js";
export * from "./platform/chat-platform.js";
export * from "./storage/key-value.js";
export * from "./papers/sources/paper-source.js";
export * from "./digest/digest-types.js";
export * from "./commands/command.js";
export * from "./app/paperboy.js";
export * from "./config/load-config.js";
export * from "./shared/result.js";
export * from "./shared/logger.js";
export * from "./shared/app-error.js";
export * from "./shared/metrics.js";
export {
  EMPTY_TOPIC,
  parseTopic,
  matchesTopic,
  describeTopic,
  formatTopic,
  isEmptyTopic,
} from "./digest/topic-filter.js";
export { rankPapers } from "./digest/rank-papers.js";
export { toPaperCard, formatAuthors, formatCount, firstSentence } from "./digest/paper-card.js";
export type { PaperCardOptions } from "./digest/paper-card.js";
export { composeDigest, composePaperList, MAX_PAPERS_PER_DIGEST } from "./digest/compose-digest.js";
export type { ComposedDigest, PaperListOptions } from "./digest/compose-digest.js";
export { parseCommand } from "./commands/parse-command.js";
export { describeSource } from "./commands/parse-subscribe.js";
export { helpMessage, usageMessage } from "./commands/usage.js";
export * from "./votes/post-store.js";
export * from "./votes/vote-service.js";
export * from "./votes/leaderboard.js";
export * from "./app/vote-commands.js";
export { createHttpClient, HttpRequestError } from "./papers/sources/http-client.js";
export type {
  HttpClient,
  HttpClientOptions,
  HttpResponse,
  HttpFailureKind,
} from "./papers/sources/http-client.js";
export { parseHfItems, parseHfPaper } from "./papers/sources/hf-item.js";
export { createHuggingFaceSource } from "./papers/sources/huggingface-source.js";
export type { HuggingFaceSourceDeps } from "./papers/sources/huggingface-source.js";
export { createArxivSource, parseArxivFeed, arxivSearchQuery } from "./papers/sources/arxiv-source.js";
export type { ArxivSourceDeps } from "./papers/sources/arxiv-source.js";
export {
  nyDate,
  lastCompletedBatchDate,
  batchDatesBetween,
  isoWeek,
  monthOf,
  isCalendarDate,
  addDays,
} from "./papers/sources/ny-date.js";
export { createPlatformRegistry } from "./app/platform-registry.js";
export type { PlatformRegistry } from "./app/platform-registry.js";
export { createSubscriptionCommands } from "./app/subscription-commands.js";
export type { SubscriptionCommands, SubscriptionCommandsDeps } from "./app/subscription-commands.js";
export type { Scheduler, ScheduledRun } from "./scheduler/scheduler.js";
export { createNodeCronScheduler, cronNextRun, cronProblem, TICK_LEASE_MS } from "./scheduler/node-cron-scheduler.js";
export { createDeliveryLedger, CLAIM_LEASE_MS } from "./scheduler/delivery-ledger.js";
export type { DeliveryLedger, DeliveryRecord, RecoveryReport } from "./scheduler/delivery-ledger.js";
export { createDigestJob } from "./scheduler/digest-job.js";
export type { DigestJob, DigestJobDeps, JobResult } from "./scheduler/digest-job.js";
export { createSubscriptionRunner, DEFAULT_DELIVERY_CONCURRENCY } from "./scheduler/subscription-runner.js";
export type { SubscriptionRunner } from "./scheduler/subscription-runner.js";
export { startSubscriptions, catchUp, DEFAULT_GRACE_MS } from "./scheduler/catch-up.js";
export { createWatchPoller, createWatchStore, DEFAULT_WATCH_THRESHOLD } from "./scheduler/watch-poller.js";
export type { Watch, WatchStore, WatchPoller } from "./scheduler/watch-poller.js";
export { createSubscriptionStore } from "./subscriptions/subscription-store.js";
export type { SubscriptionStore } from "./subscriptions/subscription-store.js";
export type { Subscription } from "./subscriptions/subscription.js";
export { subscriptionId } from "./subscriptions/subscription.js";
export { describeSchedule, formatRunTime } from "./subscriptions/describe-schedule.js";
export { createPaperArchive, mergePaper } from "./papers/archive/paper-archive.js";
export type { PaperArchive, ArchiveHit, TitleSuggestion } from "./papers/archive/paper-archive.js";
export { createSearchIndex, parseQuery, matchesQueryFilters, FIELD_BOOSTS } from "./papers/archive/search-index.js";
export type { SearchIndex, ParsedQuery, IndexHit, IndexSearchOptions } from "./papers/archive/search-index.js";
export { createPaperSearch } from "./papers/search/search-papers.js";
export type { PaperSearch, PaperSearchAnswer, PaperSearchResult, PaperSearchDeps, SearchOrigin } from "./papers/search/search-papers.js";
export { similarityBoosts, createSimilarity } from "./papers/search/similarity.js";
export type { SimilarityBoost, SimilarityOptions } from "./papers/search/similarity.js";
