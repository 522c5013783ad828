// Thread updates: follow the papers a delivery posted, notice in the lists paperboy fetches anyway when one releases
// code, passes the channel's upvote milestone or gets a new arXiv version, and reply in its thread through the one
// delivery pipeline (ledger key "updates|<channel>|<hour>": one reply per channel per hour, exactly once).
import type { Deliverer, DeliveryResult } from "../delivery/delivery.js";
import type { PostedPapers } from "../delivery/post-messages.js";
import type { Logger } from "../ops/logger.js";
import { channelKey, type ChannelRef } from "../platform/channel-ref.js";
import { isoWeek, nyDate } from "../sources/ny-date.js";
import type { ArxivSource, HuggingFaceSource, SourceResult } from "../sources/paper-source.js";
import type { SubscriptionStore } from "../subscriptions/subscription-store.js";
import { channelUpdates } from "../subscriptions/updates-setting.js";
import { composeUpdateReply, replyThread } from "./compose-update.js";
import { FOLLOW_WINDOW_MS, signalsOf, type FollowedPaper, type UpdateStore } from "./paper-update.js";

const HOUR_MS = 60 * 60_000;

export interface PaperUpdatesDeps {
  /** The store's update operations, and the subscriptions that carry each channel's setting. */
  readonly store: {
    readonly updates: UpdateStore;
    readonly subscriptions: Pick<SubscriptionStore, "forChannel">;
  };
  /** The week lists that show followed papers again (the same cached requests weekly digests make). */
  readonly hf: Pick<HuggingFaceSource, "week">;
  readonly deliverer: Pick<Deliverer, "deliver">;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface PaperUpdates {
  /** What a fetched list says about followed papers; each list object is read once. Never throws. */
  observe(result: Pick<SourceResult, "papers" | "stale" | "fetchedAt">): Promise<void>;
  /** Follows the papers a delivery posted (the deliverer's onPosted). Never throws. */
  follow(posted: PostedPapers): Promise<void>;
  /** The hourly step: read the week lists of followed papers, then reply in each channel that has updates. */
  poll(): Promise<{ readonly replies: number; readonly failed: number }>;
}

/** The ledger key of a channel's thread reply in the hour of `at`: at most one reply per channel per hour. */
export function updateKey(channel: ChannelRef, at: Date): string {
  return `updates|${channelKey(channel)}|${new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString()}`;
}

const errText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createPaperUpdates(deps: PaperUpdatesDeps): PaperUpdates {
  const { log, now } = deps;
  const store = deps.store.updates;
  const forChannel = (channel: ChannelRef) => deps.store.subscriptions.forChannel(channel);
  // The answers already read, by when they were fetched and what they say of each paper: a cached list reaches every
  // delivery of a tick as a fresh copy, and reading it again would find nothing new, 10,000 times over.
  const observed = new Set<string>();
  const answerKey = (result: Pick<SourceResult, "papers" | "fetchedAt">): string =>
    `${String(result.fetchedAt.getTime())}|${result.papers
      .map((p) => `${p.id}:${p.githubRepo ?? ""}:${String(p.upvotes)}:${String(p.version ?? 0)}`)
      .join(",")}`;

  async function observe(result: Pick<SourceResult, "papers" | "stale" | "fetchedAt">): Promise<void> {
    // A stale answer is an old one: it says nothing new (and the newest state is kept anyway).
    const key = answerKey(result);
    if (result.stale || result.papers.length === 0 || observed.has(key)) return;
    if (observed.size >= 1_000) observed.clear();
    observed.add(key);
    const at = now().getTime();
    try {
      const added = await store.observe(result.papers.map(signalsOf), at - FOLLOW_WINDOW_MS, at);
      if (added > 0) log.info({ updates: added }, "noticed updates on posted papers");
    } catch (error) {
      observed.delete(key);
      log.warn({ err: errText(error) }, "checking posted papers for updates failed");
    }
  }

  async function deliver(channel: ChannelRef): Promise<DeliveryResult> {
    const key = updateKey(channel, now());
    return deps.deliverer.deliver({ key, channel }, async () => {
      const setting = channelUpdates(await forChannel(channel));
      const updates = await store.take(channel, key);
      const thread = replyThread(updates);
      if (updates.length === 0 || thread === undefined) return { none: "skip", reason: "no updates" };
      // Opted out: the updates are used up without a word, so turning updates on later does not flood the thread.
      if (!setting.on) return { none: "empty", reason: "thread updates are off in this channel" };
      const message = composeUpdateReply({ thread, updates });
      const layout = updates[0]?.place.layout ?? "compact";
      return {
        plan: {
          kind: "update",
          compose: { title: "Updates", top: 0, layout },
          shown: [],
          messages: [message],
        },
        ranked: [],
      };
    });
  }

  return {
    observe,

    async follow(posted) {
      if (posted.kind === "update" || posted.kind === "search" || posted.papers.length === 0) return;
      try {
        // A scheduled digest's own subscription decides (read with its claim); other posts ask the channel's.
        const setting = channelUpdates(
          posted.subscription ? [posted.subscription] : await forChannel(posted.channel),
        );
        if (!setting.on) return;
        const at = now().getTime();
        const papers = posted.papers.map(({ paper, message, slot }): FollowedPaper => ({
          channel: posted.channel,
          paper: paper.id,
          title: paper.title,
          message,
          head: posted.head,
          slot,
          layout: posted.layout,
          postedAt: at,
          hasCode: signalsOf(paper).repo !== undefined,
          upvotes: paper.upvotes,
          version: paper.version ?? 0,
          milestone: setting.milestone,
          ...(paper.dailyDate !== undefined ? { week: isoWeek(paper.dailyDate) } : {}),
        }));
        await store.follow(papers);
      } catch (error) {
        log.warn(
          { err: errText(error), channel: channelKey(posted.channel) },
          "could not follow posted papers; they get no thread updates",
        );
      }
    },

    async poll() {
      let replies = 0;
      let failed = 0;
      try {
        const since = now().getTime() - FOLLOW_WINDOW_MS;
        const current = isoWeek(nyDate(now()));
        for (const week of await store.weeks(since)) {
          if (week > current) continue;
          const result = await deps.hf.week(week).catch((error: unknown) => {
            log.warn({ err: errText(error), week }, "updates: the week list could not be fetched");
            return undefined;
          });
          if (result) await observe(result);
        }
        for (const channel of await store.pendingChannels()) {
          const result = await deliver(channel).catch((error: unknown) => {
            log.error({ err: errText(error), channel: channelKey(channel) }, "thread update failed");
            return undefined;
          });
          if (result?.status === "posted") replies++;
          else if (result === undefined || result.status === "failed" || result.status === "retry") failed++;
        }
      } catch (error) {
        log.error({ err: errText(error) }, "updates poll failed");
      }
      return { replies, failed };
    },
  };
}

/** The paper sources with every list they answer shown to `observe` first (the checks ride on fetches made anyway). */
export function observingSources<
  H extends Pick<HuggingFaceSource, "daily" | "week" | "month" | "trending">,
  A extends Pick<ArxivSource, "category">,
>(hf: H, arxiv: A, updates: Pick<PaperUpdates, "observe">): { hf: H; arxiv: A } {
  const seen = async (result: SourceResult): Promise<SourceResult> => {
    await updates.observe(result);
    return result;
  };
  return {
    hf: {
      ...hf,
      daily: (date, signal) => hf.daily(date, signal).then(seen),
      week: (week, signal) => hf.week(week, signal).then(seen),
      month: (month, signal) => hf.month(month, signal).then(seen),
      trending: (signal) => hf.trending(signal).then(seen),
    },
    arxiv: {
      ...arxiv,
      category: (category, since, limit, signal) => arxiv.category(category, since, limit, signal).then(seen),
    },
  };
}
