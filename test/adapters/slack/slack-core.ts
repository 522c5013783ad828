// Test support: the real core (../real-core.ts) behind a real Bolt app on one store, with the signed-request helpers the
// exactly-once, early-vote and contract tests share: subscribe, fire a schedule group, react, read /papers top.
import type { Core } from "../../../src/create-core.js";
import { channelRef } from "../../../src/index.js";
import type { RetryPolicy } from "../../../src/scheduler/jobs.js";
import type { Store } from "../../../src/storage/store.js";
import type { FakeSlackApi } from "../../fakes/fake-slack-api.js";
import type { ManualScheduler } from "../../fakes/manual-scheduler.js";
import type { PaperApiServer } from "../../fakes/paper-api-server.js";
import { createRealCore } from "../real-core.js";
import {
  ACME,
  eventFixture,
  startSlackHarness,
  type EventEnvelope,
  type SlackHarness,
} from "./slack-harness.js";

/** The channel the slash-command fixture comes from (#ml-papers). */
export const CHANNEL = "C2147483705";
export const ADMIN = "U0ADMIN";
export const MEMBER = "U0MEMBER";

export interface SlackCore {
  /** The channel commands come from and digests go to. */
  readonly channel: string;
  readonly core: Core;
  readonly store: Store;
  readonly scheduler: ManualScheduler;
  readonly slack: SlackHarness;
  /** A signed `/papers <text>`; resolves with what came back through its response_url. */
  papers(text: string, user?: string): Promise<Record<string, unknown>>;
  /** Subscribes #ml-papers as an admin (`subscribe <spec>`) and returns its schedule group's id. */
  subscribe(spec: string): Promise<string>;
  /** Fires a schedule group as its cron would at `at`; resolves when the queue is idle. */
  fire(id: string, at: Date): Promise<void>;
  /** A signed reaction event on a message of the channel (fresh event_id): Slack's HTTP answer. */
  react(
    ts: string,
    user: string,
    reaction: string,
    type?: "reaction_added" | "reaction_removed",
  ): Promise<Response>;
  /** `/papers top week` as a member, straight into the core: its fallback text. */
  top(): Promise<string>;
  /** Polls `top()` until it matches `expected` (or gives up); returns the last text. */
  topShows(expected: RegExp): Promise<string>;
  /** Stops the adapter and the core; closes the store when `closeStore` (default true). */
  close(closeStore?: boolean): Promise<void>;
}

export interface SlackCoreOptions {
  readonly hf: PaperApiServer;
  readonly fake: FakeSlackApi;
  readonly now: () => Date;
  /** Default #ml-papers (the fixture's); a fresh one per test keeps the fake's channels apart. */
  readonly channel?: string;
  /** e.g. sqlite:///tmp/…/paperboy.sqlite to restart on the same data (default memory://). */
  readonly storeUrl?: string;
  /** Builds the core over this store instead (e.g. one a test can take down). */
  readonly store?: Store;
  readonly retry?: RetryPolicy;
  /** The Slack platform's own reactions.add budget per minute (default 50). */
  readonly reactionsPerMinute?: number;
}

let eventNo = 0;

/** A reaction event on a message in `channel`, with a fresh event_id and an event_time of `at`. */
export function reactionEvent(
  ts: string,
  user: string,
  reaction: string,
  at: Date,
  type: "reaction_added" | "reaction_removed" = "reaction_added",
  channel = CHANNEL,
): EventEnvelope {
  const body = eventFixture("reaction-added-keycap-3.json");
  body.event_id = `Ev0ONCE${String(++eventNo)}`;
  body.event_time = Math.floor(at.getTime() / 1000) + eventNo;
  body.event.type = type;
  body.event.user = user;
  body.event.reaction = reaction;
  body.event.item = { type: "message", channel, ts };
  return body;
}

/** Builds and starts the core and the Slack adapter (registered before the core starts, so resumes can post). */
export async function startSlackCore(options: SlackCoreOptions): Promise<SlackCore> {
  const { hf, fake, now } = options;
  const channel = options.channel ?? CHANNEL;
  fake.users.set(ADMIN, { is_admin: true });
  const real = await createRealCore(hf, {
    now,
    ...(options.store !== undefined ? { store: options.store } : {}),
    ...(options.storeUrl !== undefined ? { storeUrl: options.storeUrl } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
  });
  const { core, store, scheduler } = real;
  const slack = await startSlackHarness({
    core: core.paperboy,
    fake,
    store,
    postIntervalMs: 10,
    ...(options.reactionsPerMinute !== undefined ? { reactionsPerMinute: options.reactionsPerMinute } : {}),
  });
  await core.start();

  async function papers(text: string, user = ADMIN): Promise<Record<string, unknown>> {
    const { status, responseId } = await slack.command(text, { user_id: user, channel_id: channel });
    if (status !== 200) throw new Error(`/papers ${text} answered HTTP ${String(status)}`);
    return (await fake.waitFor(() => fake.responses.find((r) => r.id === responseId))).body;
  }

  const ref = channelRef("slack", ACME.teamId, channel);

  return {
    channel,
    core,
    store,
    scheduler,
    slack,
    papers,
    react: (ts, user, reaction, type = "reaction_added") =>
      slack.event(reactionEvent(ts, user, reaction, now(), type, channel)),
    async subscribe(spec) {
      const answer = await papers(`subscribe ${spec}`);
      if (!JSON.stringify(answer).includes("Subscribed"))
        throw new Error(`not subscribed: ${JSON.stringify(answer)}`);
      return real.subscribedGroup();
    },
    fire: (id, at) => real.fire(id, at),
    top: () => real.top(ref),
    topShows: (expected) => real.topShows(ref, expected),
    async close(closeStore = true) {
      await slack.close();
      await real.close(closeStore);
    },
  };
}
