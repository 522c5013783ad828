// Carries a store written in paperboy 0.1's keyv layout ("<namespace>:<key>" → keyv JSON) over to the current store, through its port.
import type { Paper } from "../papers/paper.js";
import { parseStoredPaper, toPaperId } from "../papers/paper.js";
import { parseChannelKey, type ChannelRef } from "../platform/channel-ref.js";
import type { Logger } from "../ops/logger.js";
import type { Subscription } from "../subscriptions/subscription.js";
import type { PostKind } from "../votes/post-store.js";
import { EVENT_DEDUPE_TTL_MS } from "../votes/vote-store.js";
import type { Watch } from "../watches/watch.js";
import type { Store } from "./store.js";

/** One row of the old layout: "<namespace>:<key>" and keyv's serialised `{"value": …, "expires": …}`. */
export interface V1Entry {
  readonly key: string;
  readonly value: string;
}

export interface MigrationReport {
  readonly subscriptions: number;
  readonly watches: number;
  readonly papers: number;
  readonly posts: number;
  readonly votes: number;
  readonly seen: number;
  readonly deliveries: number;
  readonly documents: number;
  readonly skipped: number;
}

interface OldVote {
  channel: ChannelRef;
  paperId: string;
  userId: string;
  marks: Record<string, { on: boolean; at: number }>;
}
interface OldPost {
  ref: { channel: ChannelRef; id: string };
  slots: [number, string][];
  layout: "compact" | "cards";
  kind: PostKind;
  postedAt: number;
}
interface OldDelivery {
  state: string;
  at: number;
  owner: string;
  subscriptionId?: string;
  periodKey?: string;
  summary?: string;
}

/**
 * Imports every entry. Tallies are not copied but recounted from the votes (the old layout could leave one off),
 * finished deliveries keep their keys so a period already posted is not posted again, and a delivery the old
 * version left "posting" counts as posted (it may be in the channel and carries nothing to find it by).
 * Running it twice changes nothing: every step is an upsert or a replay of the same vote at the same time.
 */
export async function migrateV1(
  entries: Iterable<V1Entry>,
  store: Store,
  log: Logger,
): Promise<MigrationReport> {
  const counts = {
    subscriptions: 0,
    watches: 0,
    papers: 0,
    posts: 0,
    votes: 0,
    seen: 0,
    deliveries: 0,
    documents: 0,
    skipped: 0,
  };
  const papers: Paper[] = [];
  const seen = new Map<string, { channel: ChannelRef; ids: string[]; until: number }>();
  const now = Date.now();
  for (const entry of entries) {
    const colon = entry.key.indexOf(":");
    const ns = entry.key.slice(0, colon);
    const key = entry.key.slice(colon + 1);
    let parsed: { value: unknown; expires?: number | null };
    try {
      parsed = JSON.parse(entry.value) as { value: unknown; expires?: number | null };
    } catch {
      counts.skipped++;
      continue;
    }
    const expires = typeof parsed.expires === "number" ? parsed.expires : undefined;
    if (expires !== undefined && expires <= now) continue;
    const value = parsed.value;
    switch (ns) {
      case "subscriptions":
        await store.subscriptions.put(value as Subscription);
        counts.subscriptions++;
        break;
      case "watches":
        await store.watches.put(value as Watch);
        counts.watches++;
        break;
      case "papers": {
        const paper = parseStoredPaper(value);
        if (paper) papers.push(paper);
        else counts.skipped++;
        break;
      }
      case "posts": {
        const post = value as OldPost;
        await store.posts.record({
          ref: post.ref,
          slots: new Map(
            post.slots.flatMap(([slot, id]) => {
              const paperId = toPaperId(id);
              return paperId ? [[slot, paperId] as const] : [];
            }),
          ),
          layout: post.layout,
          kind: post.kind,
          postedAt: new Date(post.postedAt),
        });
        counts.posts++;
        break;
      }
      case "votes": {
        if (!key.includes("|u|")) break; // a tally: recounted from the votes below
        const vote = value as OldVote;
        const paperId = toPaperId(vote.paperId);
        if (!paperId) {
          counts.skipped++;
          break;
        }
        for (const [mark, state] of Object.entries(vote.marks)) {
          await store.votes.cast({
            channel: vote.channel,
            paperId,
            userId: vote.userId,
            mark,
            on: state.on,
            at: state.at,
            eventTtlMs: EVENT_DEDUPE_TTL_MS,
          });
          counts.votes++;
        }
        break;
      }
      case "seen": {
        const bar = key.lastIndexOf("|");
        const channel = parseChannelKey(key.slice(0, bar));
        if (!channel) break;
        const group = seen.get(key.slice(0, bar)) ?? {
          channel,
          ids: [],
          until: expires ?? now + 120 * 86_400_000,
        };
        group.ids.push(key.slice(bar + 1));
        seen.set(key.slice(0, bar), group);
        counts.seen++;
        break;
      }
      case "deliveries":
        if (await carryDelivery(store, key, value as OldDelivery, now)) counts.deliveries++;
        break;
      case "installations":
      case "cache":
        await store.namespace(ns).set(key, value, expires === undefined ? undefined : expires - now);
        counts.documents++;
        break;
      default:
        break; // events, leases, meta: short-lived, not carried over
    }
  }
  await store.papers.putMany(papers);
  counts.papers = papers.length;
  for (const [channel, group] of seen) {
    const key = `migrated|seen|${channel}`;
    const token = `${store.owner}#migrate`;
    const claim = await store.deliveries.claim({ key, token, handle: key, channel: group.channel, at: now });
    if (!claim.won) continue;
    const ids = group.ids.flatMap((id) => {
      const paperId = toPaperId(id);
      return paperId ? [paperId] : [];
    });
    await store.deliveries.finish(
      key,
      token,
      { state: "empty", summary: "seen papers carried over from paperboy 0.1", at: now },
      { seen: { channel: group.channel, ids, until: group.until } },
    );
  }
  log.info(counts, "store migration from the 0.1 keyv layout done");
  return counts;
}

/** A finished old delivery keeps its key (so its period is not posted again); an open "claimed" one is dropped (retried). */
async function carryDelivery(store: Store, key: string, old: OldDelivery, now: number): Promise<boolean> {
  if (old.state === "claimed") return false;
  const channelText = key.startsWith("watch|")
    ? key.slice("watch|".length, key.lastIndexOf("|"))
    : key.slice(0, key.indexOf("|"));
  const channel = parseChannelKey(channelText);
  if (!channel) return false;
  const token = `${store.owner}#migrate`;
  const claim = await store.deliveries.claim({
    key,
    token,
    handle: key,
    channel,
    at: now, // the ledger keeps it for its usual 45 days from the migration
    ...(old.subscriptionId !== undefined ? { subscriptionId: old.subscriptionId } : {}),
    ...(old.periodKey !== undefined ? { periodKey: old.periodKey } : {}),
  });
  if (!claim.won) return false;
  const state = old.state === "rejected" || old.state === "empty" ? old.state : "posted";
  const summary =
    old.state === "posting" || old.state === "unknown"
      ? "may have been posted by paperboy 0.1 (not posted again)"
      : (old.summary ?? old.state);
  return store.deliveries.finish(key, token, {
    state,
    summary: `${summary} (at ${new Date(old.at).toISOString()})`,
    at: now,
  });
}
