// The delivery ledger's port: one record per delivery (a digest to a channel for one period), claimed, posted message by message, finished.
import type { PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { Subscription } from "../subscriptions/subscription.js";
import type { PostKind, PostRecord } from "../votes/post-store.js";
import type { ComposeOptions } from "../digest/digest-types.js";
import type { OutboundMessage } from "../messages/outbound-message.js";

/**
 * claimed: a run owns it and nothing was sent yet · posting: message `posting` may be on its way ·
 * posted / empty / rejected: finished · unknown: a pre-0.2 record caught in "posting" that cannot be read back.
 */
export type DeliveryState = "claimed" | "posting" | "posted" | "empty" | "rejected" | "unknown";

export const OPEN_STATES: ReadonlySet<DeliveryState> = new Set(["claimed", "posting"]);

/**
 * What was composed, kept with the first "posting" mark so a resumed run posts the same papers in the same order
 * (composeDigest again from these, not a fresh ranking that votes or new papers could have changed).
 */
export interface DeliveryPlan {
  readonly kind: PostKind;
  readonly compose: Omit<ComposeOptions, "teamVotes">;
  /** The papers shown, in slot order, with why they rank there. */
  readonly shown: readonly { readonly id: PaperId; readonly score: number; readonly reason?: string }[];
  /** What finishing applies (lastDelivered, seen), so a resumed run applies it too. */
  readonly effects?: FinishEffects;
  /** Messages composed already (a thread update): posted as they are instead of composing a digest from `shown`. */
  readonly messages?: readonly OutboundMessage[];
}

/** A message the ledger knows was posted: its index in the delivery and the platform's id. */
export interface SentMessage {
  readonly index: number;
  readonly id: string;
}

export interface DeliveryRecord {
  readonly key: string;
  readonly state: DeliveryState;
  /** The claim's token, "<process owner>#<n>": unique per claim. */
  readonly token: string;
  /** Epoch ms of the last change. */
  readonly at: number;
  /** Epoch ms of the claim: read-backs look no further back than this. */
  readonly claimedAt: number;
  /** The idempotency handle posts carry (Slack metadata, Discord nonce): derived from the key and the claim. */
  readonly handle: string;
  readonly channel: ChannelRef;
  readonly subscriptionId?: string;
  readonly periodKey?: string;
  /** Index of the message last marked "posting". */
  readonly posting?: number;
  readonly sent: readonly SentMessage[];
  readonly plan?: DeliveryPlan;
  readonly summary?: string;
}

export interface ClaimRequest {
  readonly key: string;
  readonly token: string;
  readonly handle: string;
  readonly channel: ChannelRef;
  readonly at: number;
  /** Also read this subscription in the same operation (scheduled digests). */
  readonly subscriptionId?: string;
  readonly periodKey?: string;
  /**
   * Take the delivery over from this token when it still holds an open claim (compare-and-set), or
   * restart a finished one (`restart: true`, for on-demand digests asked for again).
   */
  readonly takeOver?: string;
  readonly restart?: boolean;
}

export type ClaimAnswer =
  | { readonly won: true; readonly record: DeliveryRecord; readonly subscription?: Subscription }
  | {
      readonly won: false;
      readonly record: DeliveryRecord;
      /** False when the record's owner is known dead (another process on SQLite; no heartbeat on Redis). */
      readonly ownerAlive: boolean;
      readonly subscription?: Subscription;
    };

/** What a finished delivery changes besides its own record, in the same atomic step. */
export interface FinishEffects {
  readonly delivered?: {
    readonly subscriptionId: string;
    readonly periodKey: string;
    readonly at: number;
    readonly dates?: readonly string[];
  };
  readonly paused?: {
    readonly subscriptionId: string;
    readonly reason: string;
    readonly hint: string;
    readonly at: number;
  };
  readonly seen?: { readonly channel: ChannelRef; readonly ids: readonly PaperId[]; readonly until: number };
}

export interface DeliveryStore {
  /** Claims `key` for `token`, or says who holds it. */
  claim(request: ClaimRequest): Promise<ClaimAnswer>;
  /** Marks message `index` as about to be sent (storing the plan with the first); false when the claim is not `token`'s. */
  markPosting(key: string, token: string, index: number, plan?: DeliveryPlan): Promise<boolean>;
  /** Records message `index` as sent and the post as paperboy's, in one step; false when the claim is not `token`'s. */
  recordSent(key: string, token: string, index: number, post: PostRecord): Promise<boolean>;
  /** Closes the delivery with its outcome and effects, in one step; false when the claim is not `token`'s. */
  finish(
    key: string,
    token: string,
    outcome: {
      readonly state: "posted" | "empty" | "rejected";
      readonly summary: string;
      readonly at: number;
    },
    effects?: FinishEffects,
  ): Promise<boolean>;
  /** Gives an unsent claim back (a later run may claim it again). */
  release(key: string, token: string): Promise<void>;
  get(key: string): Promise<DeliveryRecord | undefined>;
  /** Every open (claimed or posting) delivery, from an index (never a scan of the keyspace), and whether its owner lives. */
  open(): Promise<(DeliveryRecord & { readonly ownerAlive: boolean })[]>;
}
