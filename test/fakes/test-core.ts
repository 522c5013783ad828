// The real core for end-to-end tests: memory store, the loopback HF fake, a manual scheduler, a fixed clock.
import { createCore, type Core, type CoreDeps } from "../../src/create-core.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { createManualScheduler, type ManualScheduler } from "./manual-scheduler.js";
import type { PaperApiServer } from "./paper-api-server.js";

export interface TestCore {
  readonly core: Core;
  readonly store: Store;
  readonly scheduler: ManualScheduler;
}

/** Builds (not starts) a core with short timeouts, so an outage test answers in well under a second. */
export async function createTestCore(
  hf: PaperApiServer,
  now: () => Date,
  overrides: Partial<Omit<CoreDeps, "store" | "scheduler" | "now">> & {
    storeUrl?: string;
    /** Builds the core over this store (e.g. one a test can take down) instead of opening `storeUrl`. */
    store?: Store;
  } = {},
): Promise<TestCore> {
  const { storeUrl, store: given, ...rest } = overrides;
  const store = given ?? (await createStore(storeUrl ?? "memory://"));
  const scheduler = createManualScheduler();
  const core = createCore({
    config: { HF_API_URL: hf.url, ARXIV_API_URL: hf.arxivUrl, DEFAULT_TIMEZONE: "Europe/Berlin" },
    log: silentLogger,
    http: { timeoutMs: 500, retries: 0 },
    arxivMinIntervalMs: 0,
    hfSearchTimeoutMs: 300,
    retry: { baseMs: 20, capMs: 100 },
    resyncMs: 0,
    ...rest,
    store,
    now,
    scheduler,
  });
  return { core, store, scheduler };
}
