// Restarts on a real SQLite file: a crash at each step of a delivery, downtime over a schedule, re-scheduling.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatPlatform, PostRequest } from "../../src/platform/chat-platform.js";
import type { DeliveryOutcome } from "../../src/platform/delivery-outcome.js";
import { startSubscriptions } from "../../src/scheduler/catch-up.js";
import type { SourceResult } from "../../src/papers/sources/paper-source.js";
import { silentLogger } from "../../src/shared/logger.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import type { Store } from "../../src/storage/key-value.js";
import { subscriptionId } from "../../src/subscriptions/subscription.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { CHANNEL, createClock, createHarness, daily, invocation } from "./harness.js";

const DAILY_ID = subscriptionId(CHANNEL, { kind: "daily" });
// Tue 2026-06-16 09:00 Berlin = 07:00 UTC; the last completed batch then is Mon 2026-06-15.
const TUESDAY_0900 = "2026-06-16T07:00:00Z";

let dir: string;
let url: string;
const open: Store[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "paperboy-restart-"));
  url = `sqlite://${join(dir, "paperboy.sqlite")}`;
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function boot(at: string, owner: string) {
  const store = await createStore(url);
  open.push(store);
  const clock = createClock(at);
  const h = createHarness(store, { now: clock.now, owner, timezone: "Europe/Berlin" });
  h.hf.byDate.set("2026-06-15", hfFixturePapers());
  const start = () =>
    startSubscriptions({ subscriptions: h.subscriptions, runner: h.runner, ledger: h.ledger, now: clock.now, log: silentLogger, previousOwnersDead: true });
  return { ...h, store, clock, start };
}

/** A process dies: its store closes under whatever was in flight, which never continues. */
async function die(store: Store): Promise<void> {
  await store.close();
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

function hangingPlatform(requests: PostRequest[]): ChatPlatform {
  return {
    id: "console",
    isHealthy: () => true,
    post: (request): Promise<DeliveryOutcome> => {
      requests.push(request);
      return never();
    },
  };
}

describe("restart", () => {
  it("GIVEN a crash after the claim but before posting WHEN the bot restarts THEN the digest is posted exactly once", async () => {
    const first = await boot(TUESDAY_0900, "proc-1");
    await first.commands.subscribe(invocation(), daily({ at: "09:00" }));
    // Fetching hangs: the run has claimed the period and dies before reaching the platform.
    const hangingHf = { ...first.hf, daily: () => never<SourceResult>() };
    const dying = createHarness(first.store, { now: first.clock.now, owner: "proc-1", extra: { hf: hangingHf } });
    void dying.job.run(DAILY_ID, first.clock.now());
    await new Promise((r) => setTimeout(r, 50));
    expect(await first.ledger.get(`${DAILY_ID}@daily:2026-06-15`)).toMatchObject({ state: "claimed" });
    await die(first.store);

    const second = await boot("2026-06-16T07:05:00Z", "proc-2");
    const report = await second.start();
    expect(report.recovered.released).toHaveLength(1);
    expect(report.caughtUp.get(DAILY_ID)?.status).toBe("posted");
    expect(second.platform.posted).toHaveLength(1);

    await die(second.store);
    const third = await boot("2026-06-16T07:10:00Z", "proc-3");
    await third.start();
    expect(third.platform.requests).toHaveLength(0);
  });

  it("GIVEN a crash during the platform call WHEN the bot restarts THEN it does not post again (at most once)", async () => {
    const first = await boot(TUESDAY_0900, "proc-1");
    await first.commands.subscribe(invocation(), daily({ at: "09:00" }));
    const inFlight: PostRequest[] = [];
    first.platforms.register(hangingPlatform(inFlight));
    void first.job.run(DAILY_ID, first.clock.now());
    await new Promise((r) => setTimeout(r, 100));
    expect(inFlight).toHaveLength(1); // this one may have reached the channel
    expect(await first.ledger.get(`${DAILY_ID}@daily:2026-06-15`)).toMatchObject({ state: "posting" });
    await die(first.store);

    const second = await boot("2026-06-16T07:05:00Z", "proc-2");
    const report = await second.start();
    expect(report.recovered.unknown).toHaveLength(1);
    expect(second.platform.requests).toHaveLength(0);
    expect((await second.subscriptions.get(DAILY_ID))?.lastDelivered?.periodKey).toBe("daily:2026-06-15");
    expect(await second.ledger.get(`${DAILY_ID}@daily:2026-06-15`)).toMatchObject({ state: "unknown" });
  });

  it("GIVEN the bot was down at 09:00 WHEN it starts at 12:00 THEN it posts one catch-up digest, and the next start-up posts nothing", async () => {
    const first = await boot("2026-06-15T12:00:00Z", "proc-1");
    await first.commands.subscribe(invocation(), daily({ at: "09:00" }));
    await die(first.store);

    const second = await boot("2026-06-16T10:00:00Z", "proc-2");
    const report = await second.start();
    expect(report.caughtUp.get(DAILY_ID)?.status).toBe("posted");
    expect(second.platform.posted).toHaveLength(1);
    await die(second.store);

    const third = await boot("2026-06-16T10:30:00Z", "proc-3");
    const again = await third.start();
    expect(again.caughtUp.size).toBe(0);
    expect(third.platform.requests).toHaveLength(0);
  });

  it("does not catch up a run missed by more than the grace window", async () => {
    const first = await boot("2026-06-15T12:00:00Z", "proc-1");
    await first.commands.subscribe(invocation(), daily({ at: "09:00" }));
    await die(first.store);
    const second = await boot("2026-06-16T15:00:00Z", "proc-2"); // 8 h after 09:00 Berlin
    const report = await second.start();
    expect(report.caughtUp.size).toBe(0);
    expect(second.platform.requests).toHaveLength(0);
  });

  it("keeps subscriptions across a restart and schedules them again with their cron and zone", async () => {
    const first = await boot("2026-06-15T12:00:00Z", "proc-1");
    await first.commands.subscribe(invocation(), daily({ at: "08:30", timezone: "America/New_York" }));
    await first.commands.subscribe(invocation(), { source: { kind: "arxiv", category: "cs.CL" } });
    await die(first.store);

    const second = await boot("2026-06-15T13:00:00Z", "proc-2");
    const report = await second.start();
    expect(report.scheduled).toBe(2);
    expect(second.scheduler.entries.get(DAILY_ID)).toMatchObject({ cron: "30 8 * * 1-5", timezone: "America/New_York" });
    expect(second.scheduler.scheduledIds()).toContain(subscriptionId(CHANNEL, { kind: "arxiv", category: "cs.CL" }));
    // The re-created entry runs the digest.
    second.clock.set(TUESDAY_0900);
    await second.scheduler.fire(DAILY_ID, second.clock.now());
    await second.runner.idle();
    expect(second.platform.posted).toHaveLength(1);
  });
});
