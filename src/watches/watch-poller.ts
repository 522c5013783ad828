// Watch alerts: "/papers watch <topic> [above N]" posts one card per paper that passes N upvotes, once per channel,
// through the delivery pipeline (ledger key "watch|<channel>|<paper>").
import type { Deliverer } from "../delivery/delivery.js";
import { planOf } from "../delivery/delivery.js";
import { describeTopic, matchesTopic } from "../digest/topic-filter.js";
import type { Paper } from "../papers/paper.js";
import type { HuggingFaceSource } from "../sources/paper-source.js";
import { nyDate } from "../sources/ny-date.js";
import { channelKey } from "../platform/channel-ref.js";
import { DEFAULT_VOTE_EMOJI } from "../platform/emoji.js";
import type { Logger } from "../ops/logger.js";
import type { Watch, WatchStore } from "./watch.js";

export const DEFAULT_WATCH_THRESHOLD = 20;
/** Hourly, on the hour, in UTC. */
export const WATCH_POLL_CRON = "0 * * * *";

export interface WatchPollerDeps {
  readonly watches: WatchStore;
  readonly hf: Pick<HuggingFaceSource, "trending" | "daily">;
  readonly deliverer: Deliverer;
  readonly now: () => Date;
  readonly log: Logger;
  readonly archive?: { upsert(papers: readonly Paper[]): Promise<void> };
  readonly voteEmoji?: readonly string[];
}

export interface WatchPoller {
  /** One poll: fetch trending and today's batch, alert every watch whose papers passed their threshold. */
  poll(): Promise<{ readonly alerts: number; readonly failed: number }>;
}

export function createWatchPoller(deps: WatchPollerDeps): WatchPoller {
  const { watches, hf, log, now } = deps;

  async function candidates(): Promise<Paper[]> {
    // Today's (New York) batch is still collecting upvotes; trending covers the last days.
    const results = await Promise.allSettled([hf.trending(), hf.daily(nyDate(now()))]);
    const papers = new Map<string, Paper>();
    for (const r of results) {
      if (r.status === "rejected") {
        log.warn(
          { err: r.reason instanceof Error ? r.reason.message : String(r.reason) },
          "watch poll: a source failed",
        );
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
    const ranked = [{ paper, score: paper.upvotes }];
    const result = await deps.deliverer.deliver(
      { key: `watch|${channelKey(watch.channel)}|${paper.id}`, channel: watch.channel },
      () =>
        Promise.resolve({
          plan: planOf(
            "alert",
            {
              title: `Watch ${watchLabel(watch.topic.text)}: a paper passed ${String(watch.threshold)} upvotes`,
              top: 1,
              layout: "cards",
              voteEmoji: deps.voteEmoji ?? DEFAULT_VOTE_EMOJI,
            },
            ranked,
            0,
          ),
          ranked,
        }),
    );
    switch (result.status) {
      case "posted":
        return "posted";
      case "skipped":
      case "empty":
        return "skipped";
      case "rejected":
      case "failed":
      case "retry":
      case "unrecorded":
        return "failed";
    }
  }

  return {
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
  };
}

/** A watch's topic as typed, in quotes unless it brings its own (`"world model"` is not shown as “"world model"”). */
export function watchLabel(text: string): string {
  const topic = text.trim();
  return /["“”]/.test(topic) ? topic : `“${topic}”`;
}

/**
 * "“sparse attention” (any of sparse, attention) above 50 upvotes" for settings; the reading in brackets only when
 * it says more than the topic itself (one word or one phrase reads as it is).
 */
export function describeWatch(watch: Watch): string {
  const { words, phrases, excluded } = watch.topic.filter;
  const plain = excluded.length === 0 && words.length + phrases.length === 1;
  const reading = plain ? "" : ` (${describeTopic(watch.topic.filter)})`;
  return `${watchLabel(watch.topic.text)}${reading} above ${String(watch.threshold)} upvotes`;
}
