import { describe, expect, it } from "vitest";
import { CLAIM_LEASE_MS, createDeliveryLedger } from "../../src/scheduler/delivery-ledger.js";
import { silentLogger } from "../../src/shared/logger.js";
import { createMemoryNamespace } from "../fakes/memory-namespace.js";
import { createClock } from "./harness.js";

function ledgers() {
  const clock = createClock("2026-06-16T07:00:00Z");
  const ns = createMemoryNamespace(() => clock.now().getTime());
  const make = (owner: string) => createDeliveryLedger({ deliveries: ns, now: clock.now, log: silentLogger, owner });
  return { clock, a: make("a"), b: make("b") };
}

describe("delivery ledger", () => {
  it("lets exactly one of many concurrent claims win", async () => {
    const { a, b } = ledgers();
    const tokens = await Promise.all([a.claim("k"), b.claim("k"), a.claim("k"), b.claim("k")]);
    expect(tokens.filter((t) => t !== undefined)).toHaveLength(1);
  });

  it("a released claim can be claimed again; a finished one cannot", async () => {
    const { a, b } = ledgers();
    const t1 = await a.claim("k");
    if (!t1) throw new Error("no claim");
    await a.release("k", t1);
    const t2 = await b.claim("k");
    expect(t2).toBeDefined();
    if (!t2) return;
    await b.finish("k", t2, "posted", "5 papers");
    expect(await a.claim("k")).toBeUndefined();
    expect(await a.get("k")).toMatchObject({ state: "posted", summary: "5 papers" });
  });

  it("takes over a claim whose run died before posting, once the lease has passed", async () => {
    const { a, b, clock } = ledgers();
    await a.claim("k");
    expect(await b.claim("k")).toBeUndefined();
    clock.advance(CLAIM_LEASE_MS + 1);
    expect(await b.claim("k")).toBeDefined();
  });

  it("never takes over a run that reached posting; it becomes unknown instead", async () => {
    const { a, b, clock } = ledgers();
    const t = await a.claim("k");
    if (!t) throw new Error("no claim");
    await a.markPosting("k", t);
    clock.advance(CLAIM_LEASE_MS + 1);
    expect(await b.claim("k")).toBeUndefined();
    expect(await b.get("k")).toMatchObject({ state: "unknown" });
  });

  it("a stale owner cannot overwrite a claim that is no longer its own", async () => {
    const { a, b, clock } = ledgers();
    const old = await a.claim("k");
    if (!old) throw new Error("no claim");
    clock.advance(CLAIM_LEASE_MS + 1);
    const fresh = await b.claim("k");
    if (!fresh) throw new Error("no takeover");
    await a.release("k", old);
    expect(await a.get("k")).toMatchObject({ state: "claimed", owner: fresh });
  });

  it("a slow owner whose stale claim was taken over is told not to post", async () => {
    const { a, b, clock } = ledgers();
    const slow = await a.claim("k");
    if (!slow) throw new Error("no claim");
    clock.advance(CLAIM_LEASE_MS + 1);
    const fresh = await b.claim("k");
    if (!fresh) throw new Error("no takeover");
    expect(await a.markPosting("k", slow)).toBe(false);
    expect(await b.markPosting("k", fresh)).toBe(true);
    expect(await a.get("k")).toMatchObject({ state: "posting", owner: fresh });
  });

  it("at start-up releases dead claims and marks dead postings unknown", async () => {
    const { a, b } = ledgers();
    await a.claim("claimed", { subscriptionId: "s1", periodKey: "daily:2026-06-15" });
    const t = await a.claim("posting", { subscriptionId: "s2", periodKey: "daily:2026-06-15" });
    if (!t) throw new Error("no claim");
    await a.markPosting("posting", t);
    const report = await b.recover({ previousOwnersDead: true });
    expect(report.released.map((r) => r.subscriptionId)).toEqual(["s1"]);
    expect(report.unknown.map((r) => r.subscriptionId)).toEqual(["s2"]);
    expect(await b.get("claimed")).toBeUndefined();
    expect(await b.get("posting")).toMatchObject({ state: "unknown" });
  });

  it("with live replicas (shared store) leaves fresh claims of others alone", async () => {
    const { a, b } = ledgers();
    await a.claim("k");
    const report = await b.recover({ previousOwnersDead: false });
    expect(report.released).toEqual([]);
    expect(await b.get("k")).toMatchObject({ state: "claimed" });
  });
});
