// A Map-backed KeyValueNamespace for tests that do not need a real keyv backend (TTL honoured via an injected clock).
import type { KeyValueNamespace } from "../../src/storage/key-value.js";

export function createMemoryNamespace(now: () => number = () => Date.now()): KeyValueNamespace & { readonly size: number } {
  const data = new Map<string, { value: unknown; expiresAt?: number }>();
  const live = (key: string): unknown => {
    const entry = data.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      data.delete(key);
      return undefined;
    }
    return entry.value;
  };
  // Values are cloned in and out, as a real store serialises them.
  const put = (key: string, value: unknown, ttlMs?: number): void => {
    const copy: unknown = structuredClone(value);
    data.set(key, ttlMs === undefined ? { value: copy } : { value: copy, expiresAt: now() + ttlMs });
  };
  return {
    get size() {
      return data.size;
    },
    async get<T>(key: string) {
      const value = live(key);
      return value === undefined ? undefined : (structuredClone(value) as T);
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async delete(key) {
      const had = live(key) !== undefined;
      data.delete(key);
      return had;
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key) !== undefined) return false;
      put(key, value, ttlMs);
      return true;
    },
    async update<T>(key: string, fn: (current: T | undefined) => T | undefined, ttlMs?: number) {
      const current = live(key);
      const next = fn(current === undefined ? undefined : (structuredClone(current) as T));
      if (next === undefined) data.delete(key);
      else put(key, next, ttlMs);
      return next === undefined ? undefined : (structuredClone(next) as T);
    },
    async *entries<T>(prefix = "") {
      for (const key of [...data.keys()]) {
        if (!key.startsWith(prefix)) continue;
        const value = live(key);
        if (value !== undefined) yield [key, structuredClone(value) as T] as const;
      }
    },
  };
}
