// The storage port: named key-value namespaces with the two atomic operations the core needs.

/** The namespaces of DESIGN.md's storage section, plus what the scheduler and watches keep. */
export type NamespaceName =
  | "papers"
  | "subscriptions"
  | "posts"
  | "votes"
  | "seen"
  | "installations"
  | "events"
  | "cache"
  | "deliveries"
  | "watches"
  | "leases"
  | "meta";

export interface KeyValueNamespace {
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Optional: the values of `keys` in that order (undefined where absent or expired), in one round
   * trip where the backend can (one SQL query). Callers fall back to get() per key without it.
   */
  getMany?<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Optional: sets every entry, in one round trip where the backend can (one SQL statement). */
  setMany?(entries: readonly { readonly key: string; readonly value: unknown; readonly ttlMs?: number }[]): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Atomic claim: stores the value only when the key is absent (or expired) and says whether
   * this call stored it. Atomic across replicas on Redis (SET NX PX), per process on SQLite.
   */
  setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  /**
   * Atomic read-modify-write of one key; concurrent updates of one key are serialised (across
   * replicas on Redis). Returning undefined from `fn` deletes the key. Resolves to the new value.
   */
  update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number): Promise<T | undefined>;
  /** Every live entry whose key starts with `prefix` (all entries without one). */
  entries<T>(prefix?: string): AsyncIterable<readonly [string, T]>;
}

export interface Store {
  namespace(name: NamespaceName): KeyValueNamespace;
  /** Throws when the backend cannot be reached; for /healthz and start-up. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The store URL with any password hidden, for logs and errors. */
  readonly displayUrl: string;
  /** True when several processes share this store (Redis): enables the run coordinator. */
  readonly shared: boolean;
}
