// The one delivery pipeline (scheduled digests, /papers today|week|month, shares, watch alerts): claim (or take over
// what a crash left open) → compose, or recompose a stored plan → post the messages (post-messages.ts) → finish.
// @see docs/adr/0004-exactly-once-delivery.md
import { createHash } from "node:crypto";
import type { RankedPaper } from "../digest/digest-types.js";
import type { Logger } from "../ops/logger.js";
import type { Paper, PaperId } from "../papers/paper.js";
import type { ChannelRef, MessageRef } from "../platform/channel-ref.js";
import type { ChatPlatform } from "../platform/chat-platform.js";
import {
  RetryableError,
  UnrecordedError,
  type Compose,
  type Composition,
  type Deliverer,
  type DeliveryRequest,
  type DeliveryResult,
  type NoComposition,
} from "./delivery.js";
import {
  OPEN_STATES,
  type ClaimAnswer,
  type DeliveryPlan,
  type DeliveryRecord,
  type DeliveryStore,
} from "./delivery-store.js";
import { notConnected, postMessages, type PostContext } from "./post-messages.js";
import type { Subscription } from "../subscriptions/subscription.js";

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
  /** Told which papers a delivery posted where, before it finishes (thread updates follow them). */
  readonly onPosted?: PostContext["onPosted"];
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

  function post(
    request: DeliveryRequest,
    record: DeliveryRecord,
    token: string,
    composition: Composition,
    resumed: boolean,
    subscription: Subscription | undefined,
  ): Promise<DeliveryResult> {
    const platform = deps.platform(request.channel);
    if (!platform) return Promise.resolve(notConnected(request.channel));
    const { onRecorded, onPosted } = deps;
    return postMessages(
      { deliveries, platform, now, log, onRecorded, onPosted, subscription },
      request,
      record,
      token,
      composition,
      resumed,
    );
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
        return await post(request, record, token, await recompose(record.plan), true, answer.subscription);
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
      return await post(request, record, token, composition, false, answer.subscription);
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
