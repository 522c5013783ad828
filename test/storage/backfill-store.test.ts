// The backfill's store operations on every engine (SQLite file, a real Redis): filled days, and the one-holder lease.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeEngines } from "../fakes/store-engines.js";
import type { Store } from "../../src/storage/store.js";

const all = await storeEngines("backfill store tests");
const { fresh } = all;
// Days and the lease must outlive a reopen: the engines that keep data.
const engines = all.engines.filter((e) => e.reopenable);

describe.each(engines)("the $name store's backfill records", (engine) => {
  const opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await engine.open();
    opened.push(store);
    return store;
  };
  beforeEach((ctx) => {
    if (!engine.run) ctx.skip();
    fresh();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it("GIVEN filled days THEN doneDays answers the ones in range with their counts, across a reopen; marking again updates", async () => {
    const store = await open();
    await store.backfill.markDone("2026-06-01", 3);
    await store.backfill.markDone("2026-06-06", 0);
    await store.backfill.markDone("2026-07-01", 9);
    await store.backfill.markDone("2026-06-01", 4);
    const again = await open();
    expect([...(await again.backfill.doneDays("2026-06-01", "2026-06-30")).entries()]).toEqual([
      ["2026-06-01", 4],
      ["2026-06-06", 0],
    ]);
    expect((await again.backfill.doneDays("2026-06-02", "2026-06-05")).size).toBe(0);
  });

  it("GIVEN two holders THEN one gets the lease, its holder extends it, the other gets it once released or expired", async () => {
    const a = await open();
    const b = await open();
    expect(await a.backfill.lease("a", 60_000)).toBe(true);
    expect(await b.backfill.lease("b", 60_000)).toBe(false);
    expect(await a.backfill.lease("a", 60_000)).toBe(true); // renewal
    await b.backfill.release("b"); // not b's: nothing happens
    expect(await b.backfill.lease("b", 60_000)).toBe(false);
    await a.backfill.release("a");
    expect(await b.backfill.lease("b", 150)).toBe(true);
    expect(await a.backfill.lease("a", 60_000)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.backfill.lease("a", 60_000)).toBe(true); // b's lease ran out
  });

  it("GIVEN 20 holders asking at once THEN exactly one gets the lease", async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => open()));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 4]!.backfill.lease(`h${i}`, 60_000)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it("counts the stored papers", async () => {
    const store = await open();
    expect(await store.papers.count()).toBe(0);
    await store.papers.putMany([
      { id: "2606.00001", title: "A" } as never,
      { id: "2606.00002", title: "B" } as never,
    ]);
    expect(await store.papers.count()).toBe(2);
  });
});
