// A subscription's digest for one period: which period a tick names, what to fetch, how to rank and compose; posted
// through the one delivery pipeline (src/delivery/deliver.ts).
import type { Compose, Composition, Deliverer, DeliveryResult } from "../delivery/delivery.js";
import { planOf, RetryableError } from "../delivery/delivery.js";
import type { DigestStateReader } from "../digest/digest-state.js";
import type { MoreLink, RankedPaper } from "../digest/digest-types.js";
import { MAX_PAPERS_PER_DIGEST } from "../digest/compose-digest.js";
import { fetchPeriod, periodEmptyText, periodMoreLinks, periodTitle, type Period } from "../digest/period.js";
import { rankPapers } from "../digest/rank-papers.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { ArxivSource, HuggingFaceSource } from "../sources/paper-source.js";
import { SourceUnavailableError } from "../sources/paper-source.js";
import { batchDatesBetween, isoWeek, lastCompletedBatchDate, monthOf } from "../sources/ny-date.js";
import { parseChannelKey } from "../platform/channel-ref.js";
import type { Logger } from "../ops/logger.js";
import type { Subscription } from "../subscriptions/subscription.js";
import type { VoteStore } from "../votes/vote-store.js";
import { planRecap } from "./recap-job.js";

/** How long a paper stays "seen" in a channel (it will not come back in a digest). */
export const SEEN_TTL_MS = 120 * 24 * 60 * 60_000;
/** A channel back after a long pause gets at most this many batch dates, not months of backlog. */
export const MAX_CATCH_UP_DATES = 14;
/** Votes older than this no longer steer a channel's ranking. */
export const LIKED_WINDOW_MS = 30 * 24 * 60 * 60_000;
const DAY_MS = 86_400_000;

/** A delivery job's data: the subscription, the period it delivers, and the scheduled time that named it. */
export interface DeliverJob {
  readonly subscriptionId: string;
  readonly periodKey: string;
  /** ISO time of the tick. */
  readonly firedAt: string;
}

export interface DigestJobDeps {
  readonly hf: Pick<HuggingFaceSource, "daily" | "week" | "month">;
  readonly arxiv?: Pick<ArxivSource, "category">;
  readonly digestState: DigestStateReader;
  /** For the recap: the channel's leaderboard. */
  readonly votes: Pick<VoteStore, "channelVotes">;
  readonly archive: {
    upsert(papers: readonly Paper[]): Promise<void>;
    getMany(ids: readonly PaperId[]): Promise<readonly Paper[]>;
  };
  /** The channel's ranking boosts from the papers it liked (similarityBoosts). */
  readonly boosts?: (
    candidates: readonly Paper[],
    liked: readonly Paper[],
  ) => ReadonlyMap<PaperId, { score: number; reason: string }>;
  readonly deliverer: Deliverer;
  readonly now: () => Date;
  readonly log: Logger;
}

/** The last batch date a subscription's daily digests covered, when it recorded one. */
function lastDeliveredDate(sub: Subscription): string | undefined {
  const dates = sub.lastDelivered?.dates;
  const last = dates && dates.length > 0 ? dates[dates.length - 1] : undefined;
  return last ?? /^daily:(\d{4}-\d{2}-\d{2})$/.exec(sub.lastDelivered?.periodKey ?? "")?.[1];
}

// Every digest due in the same minute asks for the same batch date: work it out once per minute (the batch
// closes at 21:30 New York time, and New York's offset is whole hours, so a minute never straddles it).
let lastDayMemo: { readonly minute: number; readonly day: string } | undefined;
function lastCompletedDay(at: Date): string {
  const minute = Math.floor(at.getTime() / 60_000);
  if (lastDayMemo?.minute !== minute) lastDayMemo = { minute, day: lastCompletedBatchDate(at) };
  return lastDayMemo.day;
}

/**
 * The period a tick at `firedAt` delivers for `sub`, or why there is none. Decided when the tick fans out, so the
 * delivery's ledger key (and queue job id) is the same on every replica and every retry.
 */
export function periodKeyFor(sub: Subscription, firedAt: Date, now: Date): string | { none: string } {
  const lastDay = lastCompletedDay(now);
  switch (sub.source.kind) {
    case "daily": {
      const from = lastDeliveredDate(sub);
      if (from !== undefined && from >= lastDay)
        return { none: "already delivered up to the last completed Hugging Face day" };
      return `daily:${lastDay}`;
    }
    case "weekly":
      return `weekly:${isoWeek(lastDay)}`;
    case "monthly":
      return `monthly:${monthOf(lastDay)}`;
    case "arxiv":
      // The scheduled minute names the period, so two replicas (or a tick and a catch-up) agree on it.
      return `arxiv:${sub.source.category}:${new Date(Math.floor(firedAt.getTime() / 60_000) * 60_000).toISOString()}`;
    case "recap":
      return `recap:${isoWeek(firedAt)}`;
  }
}

interface PeriodPlan {
  readonly dates?: readonly string[];
  readonly title: string;
  readonly moreCommand?: string;
  readonly moreLinks?: readonly MoreLink[];
  readonly empty?: string;
  readonly fetch: () => Promise<{ papers: readonly Paper[]; stale: boolean }>;
}

export interface DigestJob {
  /** Delivers one subscription's period (a queue job; may be an attempt after a failure). Never throws for upstream failures. */
  run(job: DeliverJob): Promise<DeliveryResult>;
}

export function createDigestJob(deps: DigestJobDeps): DigestJob {
  const { now, log } = deps;
  // One archive upsert per fetched batch object: every channel due on the same period shares the batch.
  const archiving = new WeakMap<readonly Paper[], Promise<void>>();
  const archive = (papers: readonly Paper[]): Promise<void> => {
    if (papers.length === 0) return Promise.resolve();
    let pending = archiving.get(papers);
    if (!pending) {
      pending = deps.archive.upsert(papers).catch((e: unknown) => {
        archiving.delete(papers);
        log.warn({ err: e instanceof Error ? e.message : String(e) }, "archiving fetched papers failed");
      });
      archiving.set(papers, pending);
    }
    return pending;
  };

  const huggingFace = (period: Period, sub: Subscription): PeriodPlan => ({
    ...(period.kind === "daily" ? { dates: period.dates } : {}),
    title: periodTitle(period),
    moreLinks: periodMoreLinks(period),
    // A channel's first digest has no "last digest" to compare with: it says what the period held.
    ...(sub.lastDelivered === undefined ? { empty: periodEmptyText(period) } : {}),
    fetch: () => fetchPeriod(deps.hf, period),
  });

  function planFor(sub: Subscription, periodKey: string, firedAt: Date): PeriodPlan | string {
    const [kind, ...rest] = periodKey.split(":");
    const value = rest.join(":");
    switch (sub.source.kind) {
      case "daily": {
        if (kind !== "daily") return `period ${periodKey} is not a daily one`;
        const from = lastDeliveredDate(sub);
        const dates = (from === undefined ? [value] : batchDatesBetween(from, value)).slice(
          -MAX_CATCH_UP_DATES,
        );
        if (dates.length === 0) return "already delivered up to that day";
        return huggingFace({ kind: "daily", dates }, sub);
      }
      case "weekly":
        return huggingFace({ kind: "weekly", week: value }, sub);
      case "monthly":
        return huggingFace({ kind: "monthly", month: value }, sub);
      case "arxiv": {
        const { arxiv } = deps;
        if (!arxiv) return "arXiv is not configured";
        const category = sub.source.category;
        const since = sub.lastDelivered
          ? new Date(sub.lastDelivered.at)
          : new Date(firedAt.getTime() - DAY_MS);
        return {
          title: `New on arXiv in ${category}`,
          ...(sub.lastDelivered === undefined
            ? { empty: `No new arXiv papers in ${category} in the last day.` }
            : {}),
          fetch: () => arxiv.category(category, since),
        };
      }
      case "recap":
        return {
          title: `This week's most-voted papers — ${value}`,
          moreCommand: "/papers top week",
          empty: "Nobody in this channel voted for a paper this week.",
          fetch: () => Promise.resolve({ papers: [], stale: false }),
        };
    }
  }

  async function rankFor(
    sub: Subscription,
    plan: PeriodPlan,
    firedAt: Date,
  ): Promise<{ ranked: RankedPaper[]; teamVotes: ReadonlyMap<PaperId, number>; stale: boolean }> {
    if (sub.source.kind === "recap") {
      const recap = await planRecap(
        { votes: deps.votes, paperById: async (id) => (await deps.archive.getMany([id]))[0] },
        sub.channel,
        firedAt,
        now(),
      );
      return { ranked: recap.ranked, teamVotes: recap.teamVotes, stale: false };
    }
    let fetched: { papers: readonly Paper[]; stale: boolean };
    try {
      fetched = await plan.fetch();
    } catch (error) {
      if (error instanceof SourceUnavailableError) throw new RetryableError(error.message);
      throw error;
    }
    await archive(fetched.papers);
    const at = now();
    const state = await deps.digestState.digestState(
      sub.channel,
      fetched.papers.map((p) => p.id),
      new Date(at.getTime() - LIKED_WINDOW_MS),
      at,
    );
    const boosts =
      deps.boosts && state.liked.length > 0 ? deps.boosts(fetched.papers, state.liked) : undefined;
    const ranked = rankPapers(fetched.papers, {
      now: at,
      seen: state.seen,
      minUpvotes: sub.minUpvotes,
      ...(sub.topic ? { topic: sub.topic.filter } : {}),
      ...(boosts ? { boosts } : {}),
    });
    return { ranked, teamVotes: state.tallies, stale: fetched.stale };
  }

  return {
    async run(job) {
      const firedAt = new Date(job.firedAt);
      const bar = job.subscriptionId.lastIndexOf("|");
      const channel = parseChannelKey(job.subscriptionId.slice(0, bar));
      if (!channel) return { status: "skipped", reason: `${job.subscriptionId} names no channel` };
      const compose: Compose = async ({ subscription: sub }) => {
        if (!sub) return { none: "skip", reason: "no such subscription" };
        if (sub.paused) return { none: "skip", reason: `paused: ${sub.paused.reason}` };
        if (sub.lastDelivered?.periodKey === job.periodKey)
          return { none: "skip", reason: `${job.periodKey} already delivered` };
        const plan = planFor(sub, job.periodKey, firedAt);
        if (typeof plan === "string") return { none: "skip", reason: plan };
        const { ranked, teamVotes, stale } = await rankFor(sub, plan, firedAt);
        const delivered = {
          subscriptionId: sub.id,
          periodKey: job.periodKey,
          at: now().getTime(),
          ...(plan.dates ? { dates: plan.dates } : {}),
        };
        if (ranked.length === 0 && !sub.emptyNotice)
          return { none: "empty", reason: "nothing new", effects: { delivered } };
        const top = Math.min(sub.top, MAX_PAPERS_PER_DIGEST);
        const shown = ranked.slice(0, top);
        const recap = sub.source.kind === "recap";
        const composition: Composition = {
          plan: planOf(
            "digest",
            {
              title: plan.title,
              top,
              layout: sub.layout,
              voteEmoji: sub.voteEmoji,
              ...(stale
                ? { notice: "Hugging Face could not be reached; these are the last papers fetched." }
                : {}),
              ...(plan.moreCommand ? { moreCommand: plan.moreCommand } : {}),
              ...(plan.moreLinks ? { moreLinks: plan.moreLinks } : {}),
              ...(plan.empty !== undefined ? { empty: plan.empty } : {}),
            },
            shown,
            ranked.length - shown.length,
          ),
          ranked: shown,
          teamVotes,
          effects: (ids) => ({
            delivered,
            ...(recap ? {} : { seen: { channel: sub.channel, ids, until: now().getTime() + SEEN_TTL_MS } }),
          }),
        };
        return composition;
      };
      const result = await deps.deliverer.deliver(
        {
          key: `${job.subscriptionId}@${job.periodKey}`,
          channel,
          subscriptionId: job.subscriptionId,
          periodKey: job.periodKey,
          takeOverLive: true,
        },
        compose,
      );
      log.info(
        {
          subscription: job.subscriptionId,
          period: job.periodKey,
          status: result.status,
          ...("reason" in result ? { reason: result.reason } : {}),
        },
        "digest job",
      );
      return result;
    },
  };
}
