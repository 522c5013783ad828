// Per-channel pacing on a virtual clock: ≥ interval between posts to one channel, other channels not held up.
import { describe, expect, it } from "vitest";
import { createChannelPacer } from "../../../adapters/slack/channel-pacer.js";

function virtualClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => (t += ms),
    sleeps,
    get t() {
      return t;
    },
  };
}

describe("channel pacer", () => {
  it("spaces posts to one channel by the interval and runs them in order", async () => {
    const clock = virtualClock();
    const pacer = createChannelPacer({ intervalMs: 1000, now: clock.now, sleep: clock.sleep });
    const starts: [string, number][] = [];
    const post = (name: string) => pacer.run("slack:T:C1", async () => void starts.push([name, clock.t]));
    await Promise.all([post("a"), post("b"), post("c")]);
    expect(starts).toEqual([
      ["a", 0],
      ["b", 1000],
      ["c", 2000],
    ]);
  });

  it("does not hold up other channels", async () => {
    const clock = virtualClock();
    const pacer = createChannelPacer({ intervalMs: 1000, now: clock.now, sleep: clock.sleep });
    await pacer.run("C1", async () => undefined);
    await pacer.run("C2", async () => undefined);
    await pacer.run("C3", async () => undefined);
    expect(clock.sleeps).toEqual([]);
  });

  it("waits only the rest of the interval when time has passed", async () => {
    const clock = virtualClock();
    const pacer = createChannelPacer({ intervalMs: 1000, now: clock.now, sleep: clock.sleep });
    await pacer.run("C1", async () => undefined);
    clock.advance(700);
    await pacer.run("C1", async () => undefined);
    expect(clock.sleeps).toEqual([300]);
  });

  it("keeps pacing after a failed post and passes the failure to its caller", async () => {
    const clock = virtualClock();
    const pacer = createChannelPacer({ intervalMs: 1000, now: clock.now, sleep: clock.sleep });
    await expect(pacer.run("C1", async () => Promise.reject(new Error("not_in_channel")))).rejects.toThrow(
      "not_in_channel",
    );
    await pacer.run("C1", async () => undefined);
    expect(clock.sleeps).toEqual([1000]);
    expect(pacer.busy).toBe(0);
  });
});
