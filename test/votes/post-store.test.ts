// The posted-message map: slot → paper per message, per-channel listing and forgetting.
import { describe, expect, it } from "vitest";
import { toPaperId } from "../../src/papers/paper.js";
import { channelRef, type MessageRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/keyv-stores.js";
import { createPostStore } from "../../src/votes/post-store.js";
import { createMemoryNamespace } from "../fakes/memory-namespace.js";

const c1 = channelRef("slack", "T1", "C1");
const c12 = channelRef("slack", "T1", "C12");
const p1 = toPaperId("2401.00001")!;
const p2 = toPaperId("2401.00002")!;
const msg = (channel: typeof c1, id: string): MessageRef => ({ channel, id });

describe("post store", () => {
  it("returns the slot → paper map and meta of a recorded message, and nothing for others", async () => {
    const posts = createPostStore(createMemoryNamespace());
    const postedAt = new Date("2026-06-12T09:00:00Z");
    await posts.record({ ref: msg(c1, "1.1"), slots: new Map([[2, p2], [1, p1]]) }, { layout: "compact", kind: "digest", postedAt });
    const entry = await posts.lookup(msg(c1, "1.1"));
    expect(entry).toEqual({ ref: msg(c1, "1.1"), slots: new Map([[1, p1], [2, p2]]), layout: "compact", kind: "digest", postedAt });
    expect(await posts.lookup(msg(c1, "1.2"))).toBeUndefined();
    expect(await posts.lookup(msg(c12, "1.1"))).toBeUndefined();
  });

  it("lists a channel's posts oldest first, since a date, without a channel whose id extends it", async () => {
    const posts = createPostStore(createMemoryNamespace());
    const meta = (iso: string) => ({ layout: "cards" as const, kind: "share" as const, postedAt: new Date(iso) });
    await posts.record({ ref: msg(c1, "b"), slots: new Map([[1, p2]]) }, meta("2026-06-10T00:00:00Z"));
    await posts.record({ ref: msg(c1, "a"), slots: new Map([[1, p1]]) }, meta("2026-06-01T00:00:00Z"));
    await posts.record({ ref: msg(c12, "x"), slots: new Map([[1, p1]]) }, meta("2026-06-11T00:00:00Z"));
    expect((await posts.postedIn(c1)).map((e) => e.ref.id)).toEqual(["a", "b"]);
    expect((await posts.postedIn(c1, new Date("2026-06-05T00:00:00Z"))).map((e) => e.ref.id)).toEqual(["b"]);
    expect(await posts.forgetChannel(c1)).toBe(2);
    expect(await posts.postedIn(c1)).toEqual([]);
    expect((await posts.postedIn(c12)).map((e) => e.ref.id)).toEqual(["x"]);
  });

  it("records every message of a cards digest in one write, each found by its own reference", async () => {
    const store = await createStore("memory://");
    const ns = store.namespace("posts");
    const writes: number[] = [];
    const posts = createPostStore({
      ...ns,
      setMany: (entries) => {
        writes.push(entries.length);
        return ns.setMany!(entries);
      },
    });
    const postedAt = new Date("2026-06-12T09:00:00Z");
    const messages = [p1, p2].map((paper, i) => ({ ref: msg(c1, `card-${String(i)}`), slots: new Map([[1, paper]]) }));
    await posts.recordAll(messages, { layout: "cards", kind: "digest", postedAt });
    expect(writes).toEqual([2]);
    expect((await posts.lookup(msg(c1, "card-1")))?.slots).toEqual(new Map([[1, p2]]));
    expect((await posts.postedIn(c1)).map((e) => e.ref.id).sort()).toEqual(["card-0", "card-1"]);
    await store.close();
  });
});
