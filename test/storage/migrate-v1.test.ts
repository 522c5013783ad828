// A store written by paperboy 0.1 (keyv layout, recorded in test/fixtures/storage) opens in the current layout with nothing lost.
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { toPaperId } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import type { Store } from "../../src/storage/store.js";
import { connectRedisAdmin } from "../fakes/redis-admin.js";
import { probeRedis, redisUrl } from "../fakes/redis-probe.js";

const fixture = new URL("../fixtures/storage/v1-keyv-layout.sqlite", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "paperboy-migrate-"));
const redisAvailable = await probeRedis("Redis migration test");
const prefix = `paperboy-test-migrate-${randomUUID()}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (redisAvailable) {
    const admin = await connectRedisAdmin(redisUrl);
    await admin.deletePrefix(prefix);
    admin.close();
  }
});

const slack = channelRef("slack", "T0001ACME", "C0PAPERS");
const discord = channelRef("discord", "1278000000000000001", "1278000000000000002");
const top = ["2606.13681", "2606.13392", "2606.08063", "2606.13289", "2606.13106"].map((id) =>
  toPaperId(id)!,
);

/** What every migrated store must hold, whatever the engine. */
async function expectCarriedOver(store: Store): Promise<void> {
  const subs = await store.subscriptions.all();
  expect(subs.map((s) => s.id)).toEqual([
    "discord:1278000000000000001:1278000000000000002|weekly",
    "slack:T0001ACME:C0PAPERS|daily",
  ]);
  const daily = await store.subscriptions.get("slack:T0001ACME:C0PAPERS|daily");
  expect(daily?.lastDelivered).toEqual({
    periodKey: "daily:2026-06-11",
    at: "2026-06-12T07:00:00.000Z",
    dates: ["2026-06-11"],
  });
  expect(
    (await store.subscriptions.get("discord:1278000000000000001:1278000000000000002|weekly"))?.paused?.reason,
  ).toBe("no-access");
  expect(await store.subscriptions.groups()).toHaveLength(2);
  expect((await store.watches.forChannel(slack)).map((w) => w.topic.text)).toEqual(["world model"]);
  expect(await store.posts.lookup({ channel: slack, id: "1781254800.000100" })).toMatchObject({
    kind: "digest",
    layout: "compact",
  });
  // The old tally of slot 1 said 3 (left one off by a crash); recounted from the votes it is 2.
  expect(await store.votes.tallies(slack, top.slice(0, 3))).toEqual(
    new Map([
      [top[0], 2],
      [top[1], 0],
      [top[2], 2],
    ]),
  );
  expect(await store.votes.tallies(discord, [top[0]!])).toEqual(new Map([[top[0], 1]]));
  expect(await store.votes.userVotes(slack, "U1")).toEqual(new Set([top[0], top[2]]));
  const state = await store.digest.digestState(slack, top, new Date(0), new Date());
  expect([...state.seen].sort()).toEqual([...top].sort());
  expect(state.liked).toHaveLength(2);
  // The posted delivery keeps its key (not posted again); the one the old version left "posting" counts as posted.
  expect(await store.deliveries.get("slack:T0001ACME:C0PAPERS|daily@daily:2026-06-11")).toMatchObject({
    state: "posted",
  });
  expect(await store.deliveries.get("watch|slack:T0001ACME:C0PAPERS|2606.00467")).toMatchObject({
    state: "posted",
  });
  expect(await store.deliveries.open()).toEqual([]);
  const papers = [];
  for await (const batch of store.papers.scan(100)) papers.push(...batch);
  expect(papers).toHaveLength(30);
  expect(await store.namespace("installations").get("slack:team:T0002BETA")).toMatchObject({
    bot: { token: "xoxb-beta-token" },
  });
  expect(await store.namespace("cache").get("slack:channel-name:T0001ACME:C0PAPERS")).toBe("ml-papers");
}

describe("migrating a paperboy 0.1 store", () => {
  it("GIVEN a SQLite file in the keyv layout THEN it opens migrated, the old rows are kept aside, and a second open changes nothing", async () => {
    const file = join(dir, "v1.sqlite");
    copyFileSync(fixture, file);
    const store = await createStore(`sqlite://${file}`);
    await expectCarriedOver(store);
    await store.close();
    const db = new Database(file, { readonly: true });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["keyv_v1_backup", "subscriptions", "votes"]),
    );
    expect(tables.map((t) => t.name)).not.toContain("keyv");
    db.close();
    const again = await createStore(`sqlite://${file}`);
    await expectCarriedOver(again);
    await again.close();
  });

  it.runIf(redisAvailable)(
    "GIVEN a Redis in the keyv layout THEN it opens migrated and the old keys are gone",
    async () => {
      const admin = await connectRedisAdmin(redisUrl);
      const db = new Database(fixture.pathname, { readonly: true });
      for (const row of db.prepare(`SELECT key, value FROM keyv`).all() as { key: string; value: string }[]) {
        const colon = row.key.indexOf(":");
        await admin.command(
          "SET",
          `${prefix}:${row.key.slice(0, colon)}::${row.key.slice(colon + 1)}`,
          row.value,
        );
      }
      db.close();
      const store = await createStore(redisUrl, { keyPrefix: prefix });
      await expectCarriedOver(store);
      expect(await admin.command("EXISTS", `${prefix}:subscriptions::slack:T0001ACME:C0PAPERS|daily`)).toBe(
        0,
      );
      await store.close();
      const again = await createStore(redisUrl, { keyPrefix: prefix });
      await expectCarriedOver(again);
      await again.close();
      admin.close();
    },
  );
});
