// Watches: "/papers watch <topic> [above N]" alerts a channel once per paper that passes N upvotes.
import type { PlatformRegistry } from "../app/platform-registry.js";
import { composeDigest } from "../digest/compose-digest.js";
import type { TopicFilter } from "../digest/digest-types.js";
import { describeTopic, matchesTopic } from "../digest/topic-filter.js";
import type { Paper } from "../papers/paper.js";
import type { HuggingFaceSource } from "../papers/sources/paper-source.js";
import { nyDate } from "../papers/sources/ny-date.js";
import { channelKey, type ChannelRef } from "../platform/channel-ref.js";
import type { KeyValueNamespace } from "../storage/key-value.js";
import type { Logger } from "../shared/logger.js";
import type { PostStore } from "../votes/post-store.js";
import type { DeliveryLedger } from "./delivery-ledger.js";
import type { Scheduler } from "./scheduler.js";

export const DEFAULT_WATCH_THRESHOLD = 20;
export const WATCH_POLL_ID = "watch-poll";
/** Hourly, on the hour, in UTC. */
export const WATCH_POLL_CRON = "0 * * * *";

export interface Watch {
  readonly channel: ChannelRef;
  readonly topic: { readonly text: string; readonly filter: TopicFilter };
  readonly threshold: number;
  /** ISO time. */
  readonly createdAt: string;
}

export interface WatchStore {
  /** Adds or updates (same topic text: new threshold) a channel's watch. */
  put(watch: Watch): Promise<void>;
  /** Removes the channel's watch on `topicText`; false when there was none. */
  remove(channel: ChannelRef, topicText: string): Promise<boolean>;
  forChannel(channel: ChannelRef): Promise<Watch[]>;
  all(): Promise<Watch[]>;
}

const normalizeTopicText = (text: string): string => text.trim().replace(/\s+/g, " ").toLowerCase();
const watchKey = (channel: ChannelRef, topicText: string): string => `${channelKey(channel)}|${normalizeTopicText(topicText)}`;

export function createWatchStore(ns: KeyValueNamespace): WatchStore {
  const list = async (prefix?: string): Promise<Watch[]> => {
    const out: Watch[] = [];
    for await (const [, w] of ns.entries<Watch>(prefix)) out.push(w);
    return out;
  };
  return {
    put: (watch) => ns.set(watchKey(watch.channel, watch.topic.text), watch),
    remove: (channel, topicText) => ns.delete(watchKey(channel, topicText)),
    forChannel: (channel) => list(`${channelKey(channel)}|`),
    all: () => list(),
  };
}

export interface WatchPollerDeps {
  readonly watches: WatchStore;
  readonly hf: Pick<HuggingFaceSource, "trending" | "daily">;
  /** Claims "watch|<channel>|<paper>" so a paper is announced to a channel at most once. */
  readonly ledger: DeliveryLedger;
  readonly platforms: Pick<PlatformRegistry, "post">;
  readonly posts: Pick<PostStore, "record">;
  readonly now: () => Date;
  readonly log: Logger;
  readonly archive?: { upsert(papers: readonly Paper[]): Promise<void> };
  readonly voteEmoji?: readonly string[];
}

export interface WatchPoller {
  /** One poll: fetch trending and today's batch, alert every watch whose papers passed their threshold. */
  poll(): Promise<{ readonly alerts: number; readonly failed: number }>;
  /** Puts the hourly poll on the scheduler. */
  start(scheduler: Scheduler): void;
}

export function createWatchPoller(deps: WatchPollerDeps): WatchPoller {
  const { watches, hf, ledger, log, now } = deps;

  async function candidates(): Promise<Paper[]> {
    // Today's (New York) batch is still collecting upvotes; trending covers the last days.
    const results = await Promise.allSettled([hf.trending(), hf.daily(nyDate(now()))]);
    const papers = new Map<string, Paper>();
    for (const r of results) {
      if (r.status === "rejected") {
        log.warn({ err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, "watch poll: a source failed");
        continue;
      }
      for (const p of r.value.papers) {
        const kept = papers.get(p.id);
        if (!kept || p.upvotes > kept.upvotes) papers.set(p.id, p);
      }
    }
    return [...papers.values()];
  }

  async function alert(watch: Watch, paper: Paper): Promise<"posted" | "skipped" | "failed"> {
    const key = `watch|${channelKey(watch.channel)}|${paper.id}`;
    const token = await ledger.claim(key);
    if (token === undefined) return "skipped";
    const composed = composeDigest([{ paper, score: paper.upvotes }], {
      title: `Watch “${watch.topic.text}”: a paper passed ${String(watch.threshold)} upvotes`,
      top: 1,
      layout: "cards",
      ...(deps.voteEmoji ? { voteEmoji: deps.voteEmoji } : {}),
    });
    if (!(await ledger.markPosting(key, token))) return "skipped"; // taken over: the other run posts
    const outcome = await deps.platforms.post({ channel: watch.channel, messages: composed.messages });
    switch (outcome.status) {
      case "posted":
        await ledger.finish(key, token, "posted", paper.id);
        for (const message of outcome.messages) {
          await deps.posts.record(message, { layout: "cards", kind: "alert", postedAt: now() });
        }
        return "posted";
      case "rejected":
        // The channel is gone or closed to the bot: do not retry this alert.
        await ledger.finish(key, token, "rejected", outcome.hint);
        return "failed";
      case "failed":
        await ledger.release(key, token);
        return "failed";
    }
  }

  const poller: WatchPoller = {
    async poll() {
      let alerts = 0;
      let failed = 0;
      try {
        const all = await watches.all();
        if (all.length === 0) return { alerts, failed };
        const papers = await candidates();
        if (deps.archive && papers.length > 0) await deps.archive.upsert(papers).catch(() => undefined);
        for (const watch of all) {
          const hits = papers
            .filter((p) => p.upvotes >= watch.threshold && matchesTopic(p, watch.topic.filter))
            .sort((a, b) => b.upvotes - a.upvotes);
          for (const paper of hits) {
            const result = await alert(watch, paper).catch((e: unknown) => {
              log.error({ err: e instanceof Error ? e.message : String(e) }, "watch alert failed");
              return "failed" as const;
            });
            if (result === "posted") alerts++;
            if (result === "failed") failed++;
          }
        }
      } catch (error) {
        log.error({ err: error instanceof Error ? error.message : String(error) }, "watch poll failed");
      }
      return { alerts, failed };
    },
    start(scheduler) {
      scheduler.schedule(WATCH_POLL_ID, WATCH_POLL_CRON, "UTC", async () => {
        await poller.poll();
      });
    },
  };
  return poller;
}

/** "diffusion (any of …) above 20 upvotes" for settings. */
export function describeWatch(watch: Watch): string {
  return `“${watch.topic.text}” (${describeTopic(watch.topic.filter)}) above ${String(watch.threshold)} upvotes`;
}
