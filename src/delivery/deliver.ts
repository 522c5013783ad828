// The one delivery pipeline (scheduled digests, /papers today|week|month, shares, watch alerts): claim → compose →
// per message: mark posting, send with the delivery's handle, record as paperboy's → seed reactions → finish.
// A delivery left open by a crash or a failure is resumed from its plan, after reading the channel back.
// @see docs/adr/0004-exactly-once-delivery.md
import { createHash } from "node:crypto";
import { composeDigest } from "../digest/compose-digest.js";
import type { RankedPaper } from "../digest/digest-types.js";
import { slotsOf, type OutboundMessage } from "../messages/outbound-message.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { ChannelRef, MessageRef } from "../platform/channel-ref.js";
import type { ChatPlatform } from "../platform/chat-platform.js";
import type { PostedMessage, RejectReason } from "../platform/delivery-outcome.js";
import { emojiFromUnicode, keycap, type Emoji } from "../platform/emoji.js";
import type { Logger } from "../ops/logger.js";
import type { Subscription } from "../subscriptions/subscription.js";
import type { PostKind } from "../votes/post-store.js";
import type {
  ClaimAnswer,
  DeliveryPlan,
  DeliveryRecord,
  DeliveryStore,
  FinishEffects,
} from "./delivery-store.js";
import { OPEN_STATES } from "./delivery-store.js";

/** What to deliver where, under which ledger key. */
export interface DeliveryRequest {
  readonly key: string;
  readonly channel: ChannelRef;
  readonly subscriptionId?: string;
  readonly periodKey?: string;
  /** A finished delivery under this key is started again (a new copy): on-demand digests, shares. */
  readonly again?: boolean;
  /**
   * Take over an open claim even from a live owner: the queue engine guarantees one active job per delivery,
   * so an open claim seen by a job is a previous attempt's.
   */
  readonly takeOverLive?: boolean;
}

/** What a fresh delivery posts, composed after the claim is won. */
export interface Composition {
  readonly plan: DeliveryPlan;
  /** The shown papers in slot order (plan.shown with their Paper objects). */
  readonly ranked: readonly RankedPaper[];
  readonly teamVotes?: ReadonlyMap<PaperId, number>;
  /** Applied with the outcome, in the same atomic step. */
  readonly effects?: (shown: readonly PaperId[]) => FinishEffects;
}

/** A delivery that will not post: "empty" is recorded as done (nothing new), "skip" gives the claim back. */
export type NoComposition =
  | { readonly none: "empty"; readonly reason: string; readonly effects?: FinishEffects }
  | { readonly none: "skip"; readonly reason: string };

export type Compose = (claimed: {
  readonly subscription?: Subscription;
  readonly record: DeliveryRecord;
}) => Promise<Composition | NoComposition>;

export type DeliveryResult =
  | {
      readonly status: "posted";
      readonly messages: readonly PostedMessage[];
      readonly shown: readonly PaperId[];
      readonly resumed: boolean;
    }
  | { readonly status: "empty"; readonly reason: string }
  | {
      readonly status: "rejected";
      readonly reason: RejectReason;
      readonly hint: string;
      readonly posted: number;
    }
  /** Nothing to do here: delivered already, running elsewhere, or not wanted any more. */
  | { readonly status: "skipped"; readonly reason: string }
  /** An upstream or platform failure; the ledger keeps what was sent, and trying again later resumes it. */
  | { readonly status: "retry"; readonly reason: string }
  /** Gave up on this delivery (the platform refused the payload); the claim is released. */
  | { readonly status: "failed"; readonly error: string }
  /**
   * A message went out but the store could not record it (nor, maybe, finish): the ledger still says "posting",
   * so the next attempt reads the channel back and records it instead of posting it again.
   */
  | { readonly status: "unrecorded"; readonly error: string; readonly posted: number };

/** An upstream failure that may pass (Hugging Face 5xx, a timeout): the delivery is tried again later. */
export class RetryableError extends Error {
  override name = "RetryableError";
}

/** A store failure after a message went out: the delivery is "unrecorded" until a later attempt reads it back. */
class UnrecordedError extends Error {
  readonly posted: number;
  constructor(cause: unknown, posted: number) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.posted = posted;
  }
}

export interface DelivererDeps {
  readonly deliveries: DeliveryStore;
  readonly platform: (channel: ChannelRef) => ChatPlatform | undefined;
  /** Papers of a resumed plan (the archive). */
  readonly papers: (ids: readonly PaperId[]) => Promise<readonly Paper[]>;
  /** This process's owner id (claim tokens start with it). */
  readonly owner: string;
  readonly now: () => Date;
  readonly log: Logger;
  /** Told each time a message is recorded as paperboy's, so reactions held for it are applied. */
  readonly onRecorded?: (ref: MessageRef) => void;
}

export interface Deliverer {
  deliver(request: DeliveryRequest, compose: Compose): Promise<DeliveryResult>;
  /** Resumes an open delivery found in the ledger (from its plan), or gives back one that never sent anything. */
  resume(record: DeliveryRecord, takeOverLive: boolean): Promise<DeliveryResult>;
  /** Deliveries this process is working on now. */
  running(key: string): boolean;
}

/** Read-backs look a little further back than the claim, for clock skew between us and the platform. */
const READ_BACK_SLACK_MS = 5 * 60_000;

/** The keycaps a compact digest's message seeds: one per paper slot it really showed. */
function seedFor(plan: DeliveryPlan, posted: PostedMessage): Emoji[] {
  if (plan.compose.layout !== "compact" || plan.kind !== "digest") return [];
  return [...posted.slots.keys()].sort((a, b) => a - b).map((slot) => emojiFromUnicode(keycap(slot)));
}

/** "d" + 16 hex: derived from the ledger key and the claim, short enough for Discord's 25-character nonce. */
function handleFor(key: string, token: string, at: number): string {
  return `d${createHash("sha256")
    .update(`${key}\u0000${token}\u0000${String(at)}`)
    .digest("hex")
    .slice(0, 16)}`;
}

export function createDeliverer(deps: DelivererDeps): Deliverer {
  const { deliveries, log, now } = deps;
  const inFlight = new Set<string>();
  let counter = 0;
  const mine = (token: string): boolean => token.startsWith(`${deps.owner}#`);

  /** Claims, or takes over what may be taken over; undefined (with why) when this run must not touch it. */
  async function acquire(
    request: DeliveryRequest,
  ): Promise<{ answer: ClaimAnswer & { won: true }; token: string } | { skip: string }> {
    const token = `${deps.owner}#${String(++counter)}`;
    const at = now().getTime();
    const base = {
      key: request.key,
      token,
      handle: handleFor(request.key, token, at),
      channel: request.channel,
      at,
      ...(request.subscriptionId !== undefined ? { subscriptionId: request.subscriptionId } : {}),
      ...(request.periodKey !== undefined ? { periodKey: request.periodKey } : {}),
    };
    const answer = await deliveries.claim(base);
    if (answer.won) return { answer, token };
    const held = answer.record;
    if (!OPEN_STATES.has(held.state)) {
      if (request.again !== true) return { skip: `${request.key} is already ${held.state}` };
      const again = await deliveries.claim({ ...base, restart: true });
      return again.won
        ? { answer: again, token }
        : { skip: `${request.key} was started again by another run` };
    }
    // No other run of this key is in this process (run() reserves the key first), so a claim of ours is an orphan.
    const orphan = !answer.ownerAlive || mine(held.token);
    if (!orphan && request.takeOverLive !== true)
      return { skip: `${request.key} is being delivered by ${held.token}` };
    const taken = await deliveries.claim({ ...base, takeOver: held.token });
    if (!taken.won) return { skip: `${request.key} was taken over by another run` };
    log.info({ key: request.key, from: held.token, state: held.state }, "resuming a delivery left open");
    return { answer: taken, token };
  }

  /** The composition a plan describes, with its papers read from the archive (papers it lost are left out). */
  async function recompose(plan: DeliveryPlan): Promise<Composition> {
    const papers = new Map((await deps.papers(plan.shown.map((s) => s.id))).map((p) => [p.id, p] as const));
    const ranked = plan.shown.flatMap((s): RankedPaper[] => {
      const paper = papers.get(s.id);
      return paper
        ? [{ paper, score: s.score, ...(s.reason !== undefined ? { reason: s.reason } : {}) }]
        : [];
    });
    const { effects } = plan;
    return { plan, ranked, ...(effects !== undefined ? { effects: () => effects } : {}) };
  }

  async function post(
    request: DeliveryRequest,
    record: DeliveryRecord,
    token: string,
    composition: Composition,
    resumed: boolean,
  ): Promise<DeliveryResult> {
    const { plan } = composition;
    const platform = deps.platform(request.channel);
    if (!platform)
      return { status: "retry", reason: `${request.channel.platform} is not connected in this process` };
    const composed = composeDigest(composition.ranked, {
      ...plan.compose,
      ...(composition.teamVotes ? { teamVotes: composition.teamVotes } : {}),
    });
    const messages: readonly OutboundMessage[] = composed.messages;
    const sent = new Map<number, PostedMessage>();
    for (const s of record.sent) {
      const message = messages[s.index];
      sent.set(s.index, {
        ref: { channel: request.channel, id: s.id },
        slots: message ? slotsOf(message) : new Map(),
      });
    }
    const seeding: Promise<void>[] = [];
    const recorded = async (index: number, posted: PostedMessage): Promise<boolean> => {
      const ok = await deliveries
        .recordSent(request.key, token, index, {
          ...posted,
          layout: plan.compose.layout,
          kind: plan.kind,
          postedAt: now(),
          delivery: request.key,
        })
        .catch((error: unknown) => {
          throw new UnrecordedError(error, sent.size + 1);
        });
      if (!ok) return false;
      sent.set(index, posted);
      deps.onRecorded?.(posted.ref);
      // Decorate only once the message is paperboy's: a vote cast while the keycaps go on already counts.
      const seed = seedFor(plan, posted);
      if (seed.length > 0) seeding.push(platform.react(posted.ref, seed));
      return true;
    };

    // Seeds of messages an earlier attempt recorded may be missing: add them again (one already there is fine).
    for (const posted of sent.values()) {
      const seed = seedFor(plan, posted);
      if (seed.length > 0) seeding.push(platform.react(posted.ref, seed));
    }
    // A message marked "posting" but never recorded may be in the channel: ask the platform before sending again.
    if (record.state === "posting" && record.posting !== undefined && !sent.has(record.posting)) {
      const found = await platform.findPosted(
        request.channel,
        record.handle,
        new Date(record.claimedAt - READ_BACK_SLACK_MS),
      );
      if (found.status === "failed") {
        await Promise.all(seeding);
        return { status: "retry", reason: `reading the channel back failed: ${found.error}` };
      }
      for (const f of found.messages) {
        const message = messages[f.index];
        if (message === undefined || sent.has(f.index)) continue;
        log.info(
          { key: request.key, index: f.index, message: f.ref.id },
          "found a message posted before the crash; recording it",
        );
        if (!(await recorded(f.index, { ref: f.ref, slots: slotsOf(message) })))
          return { status: "skipped", reason: "taken over" };
      }
    }

    let planStored = record.plan !== undefined;
    const effects = composition.effects?.(composed.shown);
    const stored: DeliveryPlan = effects !== undefined ? { ...plan, effects } : plan;
    for (const [index, message] of messages.entries()) {
      if (sent.has(index)) continue;
      if (!(await deliveries.markPosting(request.key, token, index, planStored ? undefined : stored)))
        return { status: "skipped", reason: `${request.key} was taken over while posting` };
      planStored = true;
      const outcome = await platform.send(request.channel, message, { delivery: record.handle, index });
      if (outcome.status === "sent") {
        if (!(await recorded(index, outcome.message)))
          return { status: "skipped", reason: `${request.key} was taken over while posting` };
        continue;
      }
      await Promise.all(seeding);
      if (outcome.status === "failed") {
        if (outcome.retryable) return { status: "retry", reason: outcome.error };
        if (sent.size === 0) {
          // Refused for good (the payload, not the channel) and nothing went out: give the claim back.
          await deliveries.release(request.key, token);
          return { status: "failed", error: outcome.error };
        }
      }
      const why = outcome.status === "rejected" ? outcome.hint : outcome.error;
      const summary = `${String(sent.size)} of ${String(messages.length)} messages posted; then: ${why}`;
      const effects: FinishEffects | undefined =
        outcome.status === "rejected" && request.subscriptionId !== undefined
          ? {
              paused: {
                subscriptionId: request.subscriptionId,
                reason: outcome.reason,
                hint: outcome.hint,
                at: now().getTime(),
              },
            }
          : undefined;
      await deliveries.finish(
        request.key,
        token,
        { state: sent.size > 0 ? "posted" : "rejected", summary, at: now().getTime() },
        effects,
      );
      return outcome.status === "rejected"
        ? { status: "rejected", reason: outcome.reason, hint: outcome.hint, posted: sent.size }
        : { status: "failed", error: summary };
    }
    await Promise.all(seeding);
    const shown = composed.shown;
    const finished = await deliveries
      .finish(
        request.key,
        token,
        {
          state: shown.length > 0 ? "posted" : "empty",
          summary: `${String(shown.length)} papers`,
          at: now().getTime(),
        },
        composition.effects?.(shown),
      )
      .catch((error: unknown) => {
        throw new UnrecordedError(error, sent.size);
      });
    if (!finished) return { status: "skipped", reason: `${request.key} was taken over before it finished` };
    const posted = [...sent.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
    return { status: "posted", messages: posted, shown, resumed };
  }

  async function run(request: DeliveryRequest, compose: Compose | undefined): Promise<DeliveryResult> {
    if (inFlight.has(request.key))
      return { status: "skipped", reason: `${request.key} is being delivered in this process` };
    inFlight.add(request.key);
    try {
      const acquired = await acquire(request);
      if ("skip" in acquired) return { status: "skipped", reason: acquired.skip };
      const { answer, token } = acquired;
      const record = answer.record;
      if (record.plan !== undefined)
        return await post(request, record, token, await recompose(record.plan), true);
      if (compose === undefined) {
        // Resumed without a plan: it never reached "posting", so nothing was sent.
        await deliveries.release(request.key, token);
        return { status: "skipped", reason: "nothing had been sent; released" };
      }
      let composition: Composition | NoComposition;
      try {
        composition = await compose({
          record,
          ...(answer.subscription ? { subscription: answer.subscription } : {}),
        });
      } catch (error) {
        await deliveries.release(request.key, token);
        if (error instanceof RetryableError) return { status: "retry", reason: error.message };
        throw error;
      }
      if ("none" in composition) {
        if (composition.none === "skip") {
          await deliveries.release(request.key, token);
          return { status: "skipped", reason: composition.reason };
        }
        await deliveries.finish(
          request.key,
          token,
          { state: "empty", summary: composition.reason, at: now().getTime() },
          composition.effects,
        );
        return { status: "empty", reason: composition.reason };
      }
      return await post(request, record, token, composition, false);
    } catch (error) {
      if (error instanceof UnrecordedError) {
        log.error(
          { key: request.key, err: error.message },
          "a message went out but the store could not record it; the next attempt reads it back",
        );
        return { status: "unrecorded", error: error.message, posted: error.posted };
      }
      throw error;
    } finally {
      inFlight.delete(request.key);
    }
  }

  return {
    deliver: (request, compose) => run(request, compose),
    resume: (record, takeOverLive) =>
      run(
        {
          key: record.key,
          channel: record.channel,
          takeOverLive,
          ...(record.subscriptionId !== undefined ? { subscriptionId: record.subscriptionId } : {}),
          ...(record.periodKey !== undefined ? { periodKey: record.periodKey } : {}),
        },
        undefined,
      ),
    running: (key) => inFlight.has(key),
  };
}

/** The plan of a delivery composed from ranked papers: what a resumed run needs to post the same thing. */
export function planOf(
  kind: PostKind,
  compose: DeliveryPlan["compose"],
  ranked: readonly RankedPaper[],
  overflow: number,
): DeliveryPlan {
  return {
    kind,
    compose: { ...compose, overflow },
    shown: ranked.map((r) => ({
      id: r.paper.id,
      score: r.score,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
    })),
  };
}
