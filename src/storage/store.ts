// The store port: the operations the domain needs, each one atomic on its engine (a SQLite transaction, a Redis script).
import type { BackfillStore } from "../archive/backfill-store.js";
import type { DeliveryStore } from "../delivery/delivery-store.js";
import type { DigestStateReader } from "../digest/digest-state.js";
import type { PaperStore } from "../papers/paper-store.js";
import type { SubscriptionStore } from "../subscriptions/subscription-store.js";
import type { PostStore } from "../votes/post-store.js";
import type { UpdateStore } from "../updates/paper-update.js";
import type { VoteStore } from "../votes/vote-store.js";
import type { WatchStore } from "../watches/watch.js";

/** A keyv namespace: plain documents and cache entries with a time to live (no atomics: see ADR 0006). */
export interface DocumentNamespace {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** The documents kept through keyv: the paper-source cache and Slack installations. */
export type DocumentNamespaceName = "cache" | "installations";

/** Platform delivery ids already handled (Slack event_id): remembered for a while, claimed once. */
export interface EventStore {
  /** True the first time `id` is claimed within `ttlMs`. */
  claim(id: string, ttlMs: number): Promise<boolean>;
}

export interface Store {
  readonly engine: "sqlite" | "redis";
  readonly subscriptions: SubscriptionStore;
  readonly watches: WatchStore;
  readonly deliveries: DeliveryStore;
  readonly posts: PostStore;
  readonly votes: VoteStore;
  readonly digest: DigestStateReader;
  readonly papers: PaperStore;
  /** Which Daily Papers days the archive holds in full, and the lease one process holds to fill the rest. */
  readonly backfill: BackfillStore;
  readonly events: EventStore;
  /** Thread updates: the papers followed per channel and the updates waiting for their reply. */
  readonly updates: UpdateStore;
  namespace(name: DocumentNamespaceName): DocumentNamespace;
  /** This process's id: delivery claim tokens start with it ("<owner>#<n>"). */
  readonly owner: string;
  /** True when several processes share the store (Redis): work is then spread through the queue engine. */
  readonly shared: boolean;
  /** The store URL with any password hidden, for logs and errors. */
  readonly displayUrl: string;
  /** Where the queue engine connects (Redis only): the same server and key prefix. */
  readonly redis?: { readonly url: string; readonly prefix: string };
  /** A read: throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** A write: throws when the store cannot take one (read-only file, full disk, Redis down or out of memory). */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
  /** SQL statements executed (SQLite) or commands sent (Redis) so far, for the benchmarks. */
  operations(): number;
}

/** The store could not be opened; the message names the (redacted) URL, the reason and the fix. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}

/** An operation on a store after close(). */
export class StoreClosedError extends Error {
  override name = "StoreClosedError";
}

/**
 * The store's data is damaged (SQLite: SQLITE_CORRUPT / SQLITE_NOTADB, found when a damaged page is read); the message
 * names the file and the fix. Nothing can be trusted after it: paperboy stops.
 */
export class StoreDamagedError extends Error {
  override name = "StoreDamagedError";
}
