// A Store whose every operation fails while `down` is set, then works again: a store outage at the port, for tests of
// what callers do meanwhile (Slack answering 500 so the event comes again). Wraps a real store; no data is lost.
import type { Store } from "../../src/storage/store.js";

export interface OutageStore {
  readonly store: Store;
  /** While true, each operation rejects (sync helpers such as namespace() still hand out wrapped objects). */
  down: boolean;
}

/** Methods that answer synchronously (or must always work): never made to fail. */
const SYNC = new Set<PropertyKey>(["namespace", "operations", "close"]);

export function withOutage(inner: Store): OutageStore {
  const outage = { down: false } as { store: Store; down: boolean };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value === "function") {
          const method = value as (...args: unknown[]) => unknown;
          return (...args: unknown[]) => {
            if (outage.down && !SYNC.has(prop))
              return Promise.reject(new Error(`store unavailable (test outage): ${String(prop)}`));
            const result = method.apply(t, args);
            return result !== null && typeof result === "object" && !(result instanceof Promise)
              ? wrap(result)
              : result;
          };
        }
        return value !== null && typeof value === "object" ? wrap(value) : value;
      },
    });
  outage.store = wrap(inner);
  return outage;
}
