// Exactly-once delivery per (subscription, period): an atomic claim, a "posting" mark, an outcome; crash recovery.
import type { KeyValueNamespace } from "../storage/key-value.js";
import type { Logger } from "../shared/logger.js";

/** A claim older than this whose owner never reached "posting" is taken to be a dead run. */
export const CLAIM_LEASE_MS = 10 * 60_000;
/** How long outcomes are kept: longer than any period a key can name again (a month, plus slack). */
export const LEDGER_TTL_MS = 45 * 24 * 60 * 60_000;

export type DeliveryState = "claimed" | "posting" | "posted" | "rejected" | "empty" | "unknown";

export interface DeliveryRecord {
  readonly state: DeliveryState;
  /** Epoch ms of the last state change. */
  readonly at: number;
  /** "<process owner>#<n>": unique per claim, so a takeover can tell whose claim it is. */
  readonly owner: string;
  readonly subscriptionId?: string;
  readonly periodKey?: string;
  readonly summary?: string;
}

export interface ClaimMeta {
  readonly subscriptionId?: string;
  readonly periodKey?: string;
}

export interface RecoveryReport {
  /** Claims that never reached "posting": released, so the next run or catch-up posts them once. */
  readonly released: DeliveryRecord[];
  /** Claims caught in "posting": may have gone out, so marked "unknown" and never posted again. */
  readonly unknown: DeliveryRecord[];
}

export interface DeliveryLedger {
  /** Atomically claims `key`; resolves to a claim token when this caller won it, undefined when not. */
  claim(key: string, meta?: ClaimMeta): Promise<string | undefined>;
  /**
   * Marks the claim as "posting": from here a crash leaves it "may have posted". Resolves to false when
   * the claim is no longer this token's (a slow run whose stale claim another replica took over): the
   * caller must then not post, or the digest would go out twice.
   */
  markPosting(key: string, token: string): Promise<boolean>;
  finish(key: string, token: string, state: "posted" | "rejected" | "empty", summary: string): Promise<void>;
  /** Gives the claim up (the post failed, or fetching failed): a later run may claim it again. */
  release(key: string, token: string): Promise<void>;
  get(key: string): Promise<DeliveryRecord | undefined>;
  /**
   * Resolves claims left by crashed runs. `previousOwnersDead` (single process on a file store: every
   * claim not made by this process was made by one that died) resolves them all; otherwise only those
   * older than the lease.
   */
  recover(options: { previousOwnersDead: boolean }): Promise<RecoveryReport>;
}

export function createDeliveryLedger(deps: {
  deliveries: KeyValueNamespace;
  now: () => Date;
  log: Logger;
  /** This process, e.g. "host-1234-<random>". */
  owner: string;
  leaseMs?: number;
}): DeliveryLedger {
  const { deliveries: ns, now, log, owner } = deps;
  const leaseMs = deps.leaseMs ?? CLAIM_LEASE_MS;
  let counter = 0;
  const isStale = (r: DeliveryRecord): boolean => now().getTime() - r.at > leaseMs;
  const mine = (r: DeliveryRecord | undefined, token: string): r is DeliveryRecord => r?.owner === token;

  const setState = async (key: string, token: string, state: DeliveryState, summary?: string): Promise<void> => {
    await ns.update<DeliveryRecord>(
      key,
      (r) => (mine(r, token) ? { ...r, state, at: now().getTime(), ...(summary === undefined ? {} : { summary }) } : r),
      LEDGER_TTL_MS,
    );
  };

  return {
    async claim(key, meta = {}) {
      const token = `${owner}#${String(++counter)}`;
      const record: DeliveryRecord = { state: "claimed", at: now().getTime(), owner: token, ...meta };
      if (await ns.setIfAbsent(key, record, LEDGER_TTL_MS)) return token;
      // Lost: the key is taken. Take over only a dead run's claim that never reached "posting" (safe:
      // nothing can have been posted). A stale "posting" may have gone out: it becomes "unknown".
      const after = await ns.update<DeliveryRecord>(
        key,
        (r) => {
          if (r === undefined) return record;
          if (r.state === "claimed" && isStale(r)) return record;
          if (r.state === "posting" && isStale(r)) return { ...r, state: "unknown", at: now().getTime() };
          return r;
        },
        LEDGER_TTL_MS,
      );
      if (mine(after, token)) {
        log.warn({ key }, "took over a stale delivery claim that never reached posting");
        return token;
      }
      return undefined;
    },
    async markPosting(key, token) {
      const after = await ns.update<DeliveryRecord>(
        key,
        (r) => (mine(r, token) && r.state === "claimed" ? { ...r, state: "posting", at: now().getTime() } : r),
        LEDGER_TTL_MS,
      );
      return mine(after, token) && after.state === "posting";
    },
    finish: (key, token, state, summary) => setState(key, token, state, summary),
    async release(key, token) {
      await ns.update<DeliveryRecord>(key, (r) => (mine(r, token) ? undefined : r), LEDGER_TTL_MS);
    },
    get: (key) => ns.get<DeliveryRecord>(key),
    async recover({ previousOwnersDead }) {
      const released: DeliveryRecord[] = [];
      const unknown: DeliveryRecord[] = [];
      const open: string[] = [];
      for await (const [key, r] of ns.entries<DeliveryRecord>()) {
        if (r.state === "claimed" || r.state === "posting") open.push(key);
      }
      for (const key of open) {
        const dead = (r: DeliveryRecord): boolean =>
          (previousOwnersDead && !r.owner.startsWith(`${owner}#`)) || isStale(r);
        let outcome: "released" | "unknown" | undefined;
        let seen: DeliveryRecord | undefined;
        await ns.update<DeliveryRecord>(
          key,
          (r) => {
            seen = r;
            outcome = undefined;
            if (!r || !dead(r)) return r;
            if (r.state === "claimed") {
              outcome = "released";
              return undefined;
            }
            if (r.state === "posting") {
              outcome = "unknown";
              return { ...r, state: "unknown", at: now().getTime() };
            }
            return r;
          },
          LEDGER_TTL_MS,
        );
        if (!seen || !outcome) continue;
        if (outcome === "released") {
          released.push(seen);
          log.info({ key }, "released a delivery claim left by a crashed run before posting; it will be retried");
        } else {
          unknown.push(seen);
          // At-most-once: the process died inside the platform call, so the post may be in the channel.
          // Posting again could duplicate it; skipping can at worst miss one digest. We choose to skip.
          log.warn({ key }, "a crashed run may have posted this digest; not posting it again (marked unknown)");
        }
      }
      return { released, unknown };
    },
  };
}
