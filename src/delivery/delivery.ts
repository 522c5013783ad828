// The delivery pipeline's model: what is asked (a request and a composition), what comes of it, and the plan a
// resumed delivery posts again. The pipeline itself is deliver.ts (claims) and post-messages.ts (the messages).
import type { RankedPaper } from "../digest/digest-types.js";
import type { PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { PostedMessage, RejectReason } from "../platform/delivery-outcome.js";
import type { Subscription } from "../subscriptions/subscription.js";
import type { PostKind } from "../votes/post-store.js";
import type { DeliveryPlan, DeliveryRecord, FinishEffects } from "./delivery-store.js";

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
export class UnrecordedError extends Error {
  readonly posted: number;
  constructor(cause: unknown, posted: number) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.posted = posted;
  }
}

export interface Deliverer {
  deliver(request: DeliveryRequest, compose: Compose): Promise<DeliveryResult>;
  /** Resumes an open delivery found in the ledger (from its plan), or gives back one that never sent anything. */
  resume(record: DeliveryRecord, takeOverLive: boolean): Promise<DeliveryResult>;
  /** Deliveries this process is working on now. */
  running(key: string): boolean;
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
