// Wires the scheduler pieces over one store with an injected clock, a manual scheduler and a fake platform.
import { createPlatformRegistry } from "../../src/app/platform-registry.js";
import { createSubscriptionCommands } from "../../src/app/subscription-commands.js";
import type { SubscribeOptions } from "../../src/commands/command.js";
import { parseTopic } from "../../src/digest/topic-filter.js";
import type { Paper, PaperId } from "../../src/papers/paper.js";
import { channelRef, type ChannelRef } from "../../src/platform/channel-ref.js";
import type { CommandInvocation } from "../../src/platform/events.js";
import { createDeliveryLedger } from "../../src/scheduler/delivery-ledger.js";
import { createDigestJob, type DigestJobDeps } from "../../src/scheduler/digest-job.js";
import { createSubscriptionRunner } from "../../src/scheduler/subscription-runner.js";
import { createWatchStore } from "../../src/scheduler/watch-poller.js";
import { silentLogger } from "../../src/shared/logger.js";
import type { Store } from "../../src/storage/key-value.js";
import { createSubscriptionStore } from "../../src/subscriptions/subscription-store.js";
import { createPostStore } from "../../src/votes/post-store.js";
import { createFakePlatform } from "../fakes/fake-platform.js";
import { createFixtureHfSource } from "../fakes/fixture-hf-source.js";
import { createManualScheduler } from "../fakes/manual-scheduler.js";

export const CHANNEL: ChannelRef = channelRef("console", "local", "research");

export function invocation(channel: ChannelRef = CHANNEL, canManage = true): CommandInvocation {
  return { channel, userId: "U1", text: "", canManage, managersHint: "workspace admins" };
}

export const daily = (extra: Partial<SubscribeOptions> = {}): SubscribeOptions => ({ source: { kind: "daily" }, ...extra });
export const topic = (text: string) => ({ text, filter: parseTopic(text) });

export function createClock(iso: string): { now: () => Date; set(iso: string): void; advance(ms: number): void } {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (next) => {
      t = new Date(next).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Everything wired on `store`; `owner` names the process (a restart uses a new one). */
export function createHarness(
  store: Store,
  options: { now: () => Date; owner?: string; extra?: Partial<DigestJobDeps>; timezone?: string },
) {
  const { now } = options;
  const hf = createFixtureHfSource(now);
  const platform = createFakePlatform();
  const platforms = createPlatformRegistry();
  platforms.register(platform);
  const subscriptions = createSubscriptionStore(store.namespace("subscriptions"));
  const watches = createWatchStore(store.namespace("watches"));
  const posts = createPostStore(store.namespace("posts"));
  const ledger = createDeliveryLedger({ deliveries: store.namespace("deliveries"), now, log: silentLogger, owner: options.owner ?? "proc-1" });
  const archived: Paper[] = [];
  const job = createDigestJob({
    subscriptions,
    hf,
    posts,
    seen: store.namespace("seen"),
    ledger,
    platforms,
    now,
    log: silentLogger,
    archive: {
      upsert: (papers) => {
        archived.push(...papers);
        return Promise.resolve();
      },
    },
    ...options.extra,
  });
  const scheduler = createManualScheduler();
  const runner = createSubscriptionRunner({ scheduler, job, concurrency: 50 });
  const commands = createSubscriptionCommands({
    subscriptions,
    watches,
    scheduler,
    schedule: (s) => {
      runner.schedule(s);
    },
    cancel: (id) => {
      runner.cancel(id);
    },
    now,
    ...(options.timezone ? { defaultTimezone: options.timezone } : {}),
  });
  const shownIds = (): PaperId[] => platform.posted.flatMap((r) => r.messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === "paper" ? [b.paper.id] : []))));
  return { hf, platform, platforms, subscriptions, watches, posts, ledger, job, scheduler, runner, commands, archived, shownIds };
}

export const replyText = (reply: { message: { fallbackText: string } }): string => reply.message.fallbackText;
