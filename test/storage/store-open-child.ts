// Child process for store-open.test.ts: opens a store, or opens and closes one, or votes through its own store, then
// exits on its own. No process.exit(): the tests assert that nothing (a reconnect timer, a socket) keeps it alive.
import { channelRef } from "../../src/platform/channel-ref.js";
import { silentLogger } from "../../src/ops/logger.js";
import { createStore } from "../../src/storage/create-store.js";
import type { VoteResult } from "../../src/platform/events.js";
import { createVoteService } from "../../src/votes/vote-service.js";

/** What the test asks of this process, as one JSON argument. */
interface Task {
  readonly mode: "open" | "open-close" | "vote";
  readonly url: string;
  readonly prefix?: string;
  /** vote: this process's number (its users are "P<n>-U<i>"), how many votes, on which message, from when (epoch ms). */
  readonly process?: number;
  readonly count?: number;
  readonly message?: { readonly workspace: string; readonly channel: string; readonly id: string };
  readonly startAt?: number;
}

const task = JSON.parse(process.argv[2] ?? "{}") as Task;
const options = task.prefix !== undefined ? { keyPrefix: task.prefix } : {};

switch (task.mode) {
  case "open":
    try {
      const store = await createStore(task.url, options);
      await store.close();
      console.log("opened");
    } catch (error) {
      console.log(error instanceof Error ? error.message : String(error));
    }
    break;
  case "open-close": {
    const store = await createStore(task.url, options);
    await store.namespace("installations").set("child", "was here");
    await store.close();
    console.log("closed");
    break;
  }
  case "vote": {
    const { message, count = 0, startAt = 0 } = task;
    if (message === undefined) throw new Error("vote needs a message");
    const store = await createStore(task.url, options);
    const votes = createVoteService({
      votes: store.votes,
      posts: store.posts,
      now: () => new Date(),
      log: silentLogger,
    });
    // Every process starts at the same moment, so the three really write at once.
    await new Promise((done) => setTimeout(done, Math.max(0, startAt - Date.now())));
    const ref = { channel: channelRef("discord", message.workspace, message.channel), id: message.id };
    const results: VoteResult[] = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        votes.handleReaction({
          message: ref,
          userId: `P${String(task.process)}-U${String(i)}`,
          emoji: { kind: "keycap", number: 1 },
          change: "added",
        }),
      ),
    );
    votes.close();
    await store.close();
    console.log(
      JSON.stringify({
        counted: results.filter((r) => r.status === "counted").length,
        statuses: [...new Set(results.map((r) => r.status))],
      }),
    );
    break;
  }
}
