// One scheduled delivery: period → claim → fetch → rank → compose → post → record; never throws.
import type { PlatformRegistry } from "../app/platform-registry.js";
import { composeDigest } from "../digest/compose-digest.js";
import type { RankedPaper } from "../digest/digest-types.js";
import { rankPapers } from "../digest/rank-papers.js";
import type { OutboundMessage } from "../messages/outbound-message.js";
import { slotsOf } from "../messages/outbound-message.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { ArxivSource, HuggingFaceSource, SourceResult } from "../papers/sources/paper-source.js";
import { batchDatesBetween, isoWeek, lastCompletedBatchDate, monthOf } from "../papers/sources/ny-date.js";
import { channelKey, type ChannelRef } from "../platform/channel-ref.js";
import type { DeliveryOutcome } from "../platform/delivery-outcome.js";
import { keycap, emojiFromUnicode, type Emoji } from "../platform/emoji.js";
import type { KeyValueNamespace } from "../storage/key-value.js";
import type { Logger } from "../shared/logger.js";
import { noopMetrics, type Metrics } from "../shared/metrics.js";
import type { SubscriptionStore } from "../subscriptions/subscription-store.js";
import type { Subscription } from "../subscriptions/subscription.js";
import type { PostStore } from "../votes/post-store.js";
import type { VoteService } from "../votes/vote-service.js";
import type { DeliveryLedger } from "./delivery-ledger.js";
import { planRecap, type RecapDeps } from "./recap-job.js";

export type JobResult = DeliveryOutcome | { readonly status: "skipped"; readonly reason: string };

/** How long a paper stays "seen" in a channel (it will not come back in a digest). */
export const SEEN_TTL_MS = 120 * 24 * 60 * 60_000;
/** A channel back after a long pause gets at most this many batch dates, not months of backlog. */
export const MAX_CATCH_UP_DATES = 14;
const DAY_MS = 86_400_000;

export interface DigestJobDeps {
  readonly subscriptions: SubscriptionStore;
  readonly hf: Pick<HuggingFaceSource, "daily" | "week" | "month">;
  readonly arxiv?: Pick<ArxivSource, "category">;
  readonly posts: Pick<PostStore, "record"> & Partial<Pick<PostStore, "recordAll">>;
  /** Team votes for the cards, and the recap's leaderboard. */
  readonly votes?: Pick<VoteService, "tally" | "channelVotes">;
  /** The channel's ranking boosts (e.g. similarityBoosts to the papers it liked); optional. */
  readonly boostsFor?: (
    channel: ChannelRef,
    candidates: readonly Paper[],
  ) => Promise<ReadonlyMap<PaperId, { readonly score: number; readonly reason: string }>>;
  /** Papers already shown, per channel: key "<channelKey>|<paperId>". */
  readonly seen: KeyValueNamespace;
  readonly ledger: DeliveryLedger;
  readonly platforms: Pick<PlatformRegistry, "post">;
  readonly now: () => Date;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly archive?: { upsert(papers: readonly Paper[]): Promise<void> };
  /** For the recap: a voted paper's details (archive.get). */
  readonly paperById?: RecapDeps["paperById"];
}

export interface DigestJob {
  /** Delivers subscription `id`'s current period once; `firedAt` is the scheduled time. Never throws. */
  run(id: string, firedAt: Date): Promise<JobResult>;
}

interface Plan {
  readonly periodKey: string;
  readonly dates?: readonly string[];
  readonly title: string;
  readonly moreCommand?: string;
  /** Recap: already ranked, shown regardless of "seen". */
  readonly fetch: () => Promise<{ papers: readonly Paper[]; stale: boolean; ranked?: RankedPaper[]; teamVotes?: ReadonlyMap<PaperId, number> }>;
}

const skipped = (reason: string): JobResult => ({ status: "skipped", reason });

/** "Fri 12 June" for a "YYYY-MM-DD" calendar date. */
export function formatBatchDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return `${WEEKDAY.format(d)} ${DAY_MONTH.format(d)}`;
}
// Immutable formatters, built once: constructing Intl objects per digest dominated a 10,000-channel run.
const WEEKDAY = new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone: "UTC" });
const DAY_MONTH = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", timeZone: "UTC" });

/** One result's papers are passed on as they are (the source shares one object per period), several are joined. */
function merge(results: readonly SourceResult[]): { papers: readonly Paper[]; stale: boolean } {
  const [only] = results;
  if (results.length === 1 && only) return { papers: only.papers, stale: only.stale };
  return { papers: results.flatMap((r) => r.papers), stale: results.some((r) => r.stale) };
}

/** The last batch date a subscription's daily digests covered, when it recorded one. */
function lastDeliveredDate(sub: Subscription): string | undefined {
  const dates = sub.lastDelivered?.dates;
  const last = dates && dates.length > 0 ? dates[dates.length - 1] : undefined;
  return last ?? /^daily:(\d{4}-\d{2}-\d{2})$/.exec(sub.lastDelivered?.periodKey ?? "")?.[1];
}

export function createDigestJob(deps: DigestJobDeps): DigestJob {
  const { subscriptions, hf, ledger, now, log } = deps;
  const metrics = deps.metrics ?? noopMetrics;
  // One archive upsert per fetched batch object: every channel due on the same period shares the batch,
  // so 10,000 digests archive it once instead of comparing the same papers 10,000 times.
  const archiving = new WeakMap<readonly Paper[], Promise<void>>();

  function archive(papers: readonly Paper[]): Promise<void> {
    const { archive: store } = deps;
    if (!store || papers.length === 0) return Promise.resolve();
    let pending = archiving.get(papers);
    if (!pending) {
      pending = store.upsert(papers).catch((e: unknown) => {
        archiving.delete(papers); // the next delivery of this batch tries again
        log.warn({ err: e instanceof Error ? e.message : String(e) }, "archiving fetched papers failed");
      });
      archiving.set(papers, pending);
    }
    return pending;
  }

  // Every digest due in the same minute asks for the same batch date: work it out once per minute (the
  // batch closes at 21:30 New York time, and New York's offset is whole hours, so a minute never straddles it).
  let lastDayMemo: { readonly minute: number; readonly day: string } | undefined;
  const lastCompletedDay = (at: Date): string => {
    const minute = Math.floor(at.getTime() / 60_000);
    if (lastDayMemo?.minute !== minute) lastDayMemo = { minute, day: lastCompletedBatchDate(at) };
    return lastDayMemo.day;
  };

  function planFor(sub: Subscription, firedAt: Date): Plan | string {
    const at = now();
    const lastDay = lastCompletedDay(at);
    switch (sub.source.kind) {
      case "daily": {
        const from = lastDeliveredDate(sub);
        let dates = from === undefined ? [lastDay] : batchDatesBetween(from, lastDay);
        if (dates.length === 0) return "already delivered up to the last completed Hugging Face day";
        dates = dates.slice(-MAX_CATCH_UP_DATES);
        const first = dates[0] ?? lastDay;
        const span = dates.length === 1 ? formatBatchDate(lastDay) : `${formatBatchDate(first)} to ${formatBatchDate(lastDay)}`;
        return {
          periodKey: `daily:${lastDay}`,
          dates,
          title: `Trending on Hugging Face — ${span}`,
          moreCommand: "/papers today",
          // One cached request per date, shared by every channel that asks for it.
          fetch: async () => merge(await Promise.all(dates.map((d) => hf.daily(d)))),
        };
      }
      case "weekly": {
        const week = isoWeek(lastDay);
        return {
          periodKey: `weekly:${week}`,
          title: `Papers of the week on Hugging Face — ${week}`,
          moreCommand: "/papers week",
          fetch: async () => merge([await hf.week(week)]),
        };
      }
      case "monthly": {
        const month = monthOf(lastDay);
        return {
          periodKey: `monthly:${month}`,
          title: `Papers of the month on Hugging Face — ${month}`,
          moreCommand: "/papers month",
          fetch: async () => merge([await hf.month(month)]),
        };
      }
      case "arxiv": {
        const { arxiv } = deps;
        if (!arxiv) return "arXiv is not configured";
        const category = sub.source.category;
        const lastAt = sub.lastDelivered ? new Date(sub.lastDelivered.at) : new Date(at.getTime() - DAY_MS);
        // The scheduled minute names the period, so two replicas (or a tick and a catch-up) agree on it.
        const slot = new Date(Math.floor(firedAt.getTime() / 60_000) * 60_000).toISOString();
        return {
          periodKey: `arxiv:${category}:${slot}`,
          title: `New on arXiv in ${category}`,
          fetch: async () => merge([await arxiv.category(category, lastAt)]),
        };
      }
      case "recap": {
        const { votes, paperById } = deps;
        if (!votes || !paperById) return "the recap needs the vote service and the archive";
        return {
          periodKey: `recap:${isoWeek(firedAt)}`,
          title: `This week's most-voted papers — ${isoWeek(firedAt)}`,
          moreCommand: "/papers top week",
          fetch: async () => {
            const recap = await planRecap({ votes, paperById }, sub.channel, firedAt, at);
            return { papers: recap.ranked.map((r) => r.paper), stale: false, ranked: recap.ranked, teamVotes: recap.teamVotes };
          },
        };
      }
    }
  }

  async function seenAmong(channel: ChannelRef, papers: readonly Paper[]): Promise<Set<PaperId>> {
    const prefix = `${channelKey(channel)}|`;
    const ids = [...new Set(papers.map((p) => p.id))];
    const { seen } = deps;
    // One round trip for the whole batch where the store can (one SQL query instead of 30).
    const values = seen.getMany
      ? await seen.getMany(ids.map((id) => prefix + id))
      : await Promise.all(ids.map((id) => seen.get(prefix + id)));
    return new Set(ids.filter((_, i) => values[i] !== undefined));
  }

  function seedFor(sub: Subscription, messages: readonly OutboundMessage[]): Emoji[][] {
    // Compact digests carry the keycaps 1️⃣…N people vote with; cards are voted with any vote emoji.
    if (sub.layout !== "compact") return messages.map(() => []);
    return messages.map((m) => [...slotsOf(m).keys()].map((slot) => emojiFromUnicode(keycap(slot))));
  }

  async function deliver(sub: Subscription, firedAt: Date): Promise<JobResult> {
    const started = now();
    const plan = planFor(sub, firedAt);
    if (typeof plan === "string") return skipped(plan);
    if (sub.lastDelivered?.periodKey === plan.periodKey) return skipped(`${plan.periodKey} already delivered`);
    const key = `${sub.id}@${plan.periodKey}`;
    const token = await ledger.claim(key, { subscriptionId: sub.id, periodKey: plan.periodKey });
    if (token === undefined) return skipped(`${plan.periodKey} is claimed by another run`);
    try {
      return await deliverClaimed(sub, plan, key, token, started);
    } catch (error) {
      // A store error before "posting" leaves nothing in the channel: give the claim back for a retry.
      const record = await ledger.get(key).catch(() => undefined);
      if (record?.owner === token && record.state === "claimed") await ledger.release(key, token).catch(() => undefined);
      throw error;
    }
  }

  async function deliverClaimed(sub: Subscription, plan: Plan, key: string, token: string, started: Date): Promise<JobResult> {
    const platform = sub.channel.platform;
    const seconds = (): number => (now().getTime() - started.getTime()) / 1000;

    let fetched: Awaited<ReturnType<Plan["fetch"]>>;
    try {
      fetched = await plan.fetch();
    } catch (error) {
      await ledger.release(key, token);
      metrics.digest("failed", platform, seconds());
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ subscription: sub.id, period: plan.periodKey, err: message }, "digest source failed; will retry");
      return { status: "failed", error: message };
    }
    await archive(fetched.papers);

    const at = now();
    let ranked = fetched.ranked;
    if (!ranked) {
      const seen = await seenAmong(sub.channel, fetched.papers);
      const boosts = deps.boostsFor ? await deps.boostsFor(sub.channel, fetched.papers).catch(() => undefined) : undefined;
      ranked = rankPapers(fetched.papers, {
        now: at,
        seen,
        minUpvotes: sub.minUpvotes,
        ...(sub.topic ? { topic: sub.topic.filter } : {}),
        ...(boosts ? { boosts } : {}),
      });
    }

    const delivered = async (): Promise<void> => {
      await subscriptions.markDelivered(sub.id, plan.periodKey, at, plan.dates);
    };
    if (ranked.length === 0 && !sub.emptyNotice) {
      await ledger.finish(key, token, "empty", "nothing new");
      await delivered();
      log.info({ subscription: sub.id, period: plan.periodKey }, "nothing new; nothing posted");
      return skipped("nothing new");
    }

    const teamVotes =
      fetched.teamVotes ??
      (deps.votes && ranked.length > 0
        ? await deps.votes.tally(sub.channel, ranked.slice(0, sub.top).map((r) => r.paper.id)).catch(() => undefined)
        : undefined);
    const composed = composeDigest(ranked, {
      title: plan.title,
      top: sub.top,
      layout: sub.layout,
      voteEmoji: sub.voteEmoji,
      ...(teamVotes ? { teamVotes } : {}),
      ...(fetched.stale ? { notice: "Hugging Face could not be reached; these are the last papers fetched." } : {}),
      ...(plan.moreCommand ? { moreCommand: plan.moreCommand } : {}),
    });

    if (!(await ledger.markPosting(key, token))) {
      // This run was so slow that its claim went stale and another run took it over: that one posts.
      log.warn({ subscription: sub.id, period: plan.periodKey }, "delivery claim was taken over while preparing; not posting");
      return skipped(`${plan.periodKey} was taken over by another run`);
    }
    const outcome = await deps.platforms.post({
      channel: sub.channel,
      messages: composed.messages,
      seed: seedFor(sub, composed.messages),
    });
    metrics.digest(outcome.status, platform, seconds());
    switch (outcome.status) {
      case "posted": {
        await ledger.finish(key, token, composed.shown.length > 0 ? "posted" : "empty", `${String(composed.shown.length)} papers`);
        await delivered();
        const meta = { layout: sub.layout, kind: "digest", postedAt: at } as const;
        if (deps.posts.recordAll) await deps.posts.recordAll(outcome.messages, meta);
        else for (const message of outcome.messages) await deps.posts.record(message, meta);
        if (!fetched.ranked) {
          const prefix = `${channelKey(sub.channel)}|`;
          const { seen } = deps;
          if (seen.setMany) await seen.setMany(composed.shown.map((id) => ({ key: prefix + id, value: 1, ttlMs: SEEN_TTL_MS })));
          else await Promise.all(composed.shown.map((id) => seen.set(prefix + id, 1, SEEN_TTL_MS)));
        }
        log.info({ subscription: sub.id, period: plan.periodKey, papers: composed.shown.length }, "digest posted");
        return outcome;
      }
      case "rejected":
        await ledger.finish(key, token, "rejected", `${outcome.reason}: ${outcome.hint}`);
        await subscriptions.pause(sub.id, outcome.reason, outcome.hint, at);
        log.warn({ subscription: sub.id, reason: outcome.reason }, "digest rejected by the platform; subscription paused");
        return outcome;
      case "failed":
        await ledger.release(key, token);
        log.warn({ subscription: sub.id, err: outcome.error }, "digest post failed; the next run or catch-up retries");
        return outcome;
    }
  }

  return {
    async run(id, firedAt) {
      try {
        const sub = await subscriptions.get(id);
        if (!sub) return skipped("no such subscription");
        if (sub.paused) return skipped(`paused: ${sub.paused.reason}`);
        return await deliver(sub, firedAt);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.error({ subscription: id, err: message }, "digest job failed unexpectedly");
        return { status: "failed", error: message };
      }
    },
  };
}
