// Child process for the vote crash test: casts votes (on and off, many users and marks) as fast as it can until killed.
// argv: store URL, key prefix (Redis). Prints "casting" once the first vote is stored.
import { toPaperId } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";
import { EVENT_DEDUPE_TTL_MS } from "../../src/votes/vote-store.js";

const [url = "memory://", prefix = "paperboy-test-vote-crash"] = process.argv.slice(2);
const store = await createStore(url, { keyPrefix: prefix });
const channel = channelRef("slack", "T1", "C1");
const papers = ["2606.00001", "2606.00002", "2606.00003"].map((id) => toPaperId(id)!);
let n = 0;
for (;;) {
  const i = n++;
  const user = `U${String(i % 40)}`;
  await Promise.all(
    [0, 1, 2].map((k) =>
      store.votes.cast({
        channel,
        paperId: papers[(i + k) % 3]!,
        userId: user,
        mark: `keycap:${String(k + 1)}@m${String(i % 2)}`,
        on: (i * 7 + k) % 3 !== 0,
        at: 1_000_000 + i,
        eventId: `E${String(process.pid)}-${String(i)}-${String(k)}`,
        eventTtlMs: EVENT_DEDUPE_TTL_MS,
      }),
    ),
  );
  if (i === 0) process.stdout.write("casting\n");
}
