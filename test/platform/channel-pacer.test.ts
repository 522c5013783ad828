// Per-channel pacing (the one both adapters use): ≥ interval between posts to one channel on a virtual clock,
// other channels not held up; with interval 0 (Discord) order only.
import { describe, expect, it } from "vitest";
import { createChannelPacer } from "../../src/index.js";

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

  it("GIVEN interval 0 (Discord) THEN a channel's second task starts only once the first has settled, without sleeping", async () => {
    const clock = virtualClock();
    const pacer = createChannelPacer({ intervalMs: 0, now: clock.now, sleep: clock.sleep });
    const events: string[] = [];
    let release: () => void = () => undefined;
    const first = pacer.run("discord:G:C1", () => {
      events.push("first started");
      return new Promise<void>((resolve) => (release = resolve));
    });
    const second = pacer.run("discord:G:C1", async () => void events.push("second started"));
    const other = pacer.run("discord:G:C2", async () => void events.push("other channel started"));
    await other;
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(["first started", "other channel started"]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["first started", "other channel started", "second started"]);
    expect(clock.sleeps).toEqual([]);
    expect(pacer.busy).toBe(0);
  });

  it("GIVEN interval 0 and a failing task THEN the failure reaches its caller and the channel's next task still runs", async () => {
    const pacer = createChannelPacer({ intervalMs: 0 });
    const failed = pacer.run("C1", () => Promise.reject(new Error("Missing Access")));
    const next = pacer.run("C1", () => Promise.resolve("posted"));
    await expect(failed).rejects.toThrow("Missing Access");
    await expect(next).resolves.toBe("posted");
  });
});
