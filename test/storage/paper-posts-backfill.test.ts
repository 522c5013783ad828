// A SQLite store written before posts were indexed by paper: its old posts are indexed once when it is opened.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import type { PaperId } from "../../src/papers/paper.js";
import { channelRef } from "../../src/platform/channel-ref.js";
import { createStore } from "../../src/storage/create-store.js";

const dir = mkdtempSync(join(tmpdir(), "paperboy-backfill-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it("GIVEN posts recorded before the paper_posts index existed THEN reopening indexes them once, and later posts by trigger", async () => {
  const file = join(dir, "old.sqlite");
  const channel = channelRef("slack", "T1", "C1");
  const paper = "2606.13681" as PaperId;
  const post = (id: string, at: string) => ({
    ref: { channel, id },
    slots: new Map([[1, paper]]),
    layout: "cards" as const,
    kind: "share" as const,
    postedAt: new Date(at),
  });
  const first = await createStore(`sqlite://${file}`);
  await first.posts.record(post("1.1", "2026-06-12T08:00:00Z"));
  await first.close();
  // As an older paperboy left it: no index table, no triggers, no backfill mark.
  const db = new Database(file);
  db.exec(`DROP TRIGGER posts_index_insert; DROP TRIGGER posts_index_update; DROP TABLE paper_posts;
           DELETE FROM meta WHERE key='paper_posts.backfilled';`);
  db.close();

  const reopened = await createStore(`sqlite://${file}`);
  expect(await reopened.posts.paperHistory(channel, paper, 3)).toMatchObject([{ kind: "share", count: 1 }]);
  await reopened.posts.record(post("1.2", "2026-06-13T08:00:00Z"));
  await reopened.close();
  const again = await createStore(`sqlite://${file}`);
  expect(await again.posts.paperHistory(channel, paper, 3)).toEqual([
    {
      kind: "share",
      count: 2,
      first: new Date("2026-06-12T08:00:00Z"),
      last: new Date("2026-06-13T08:00:00Z"),
      recent: [new Date("2026-06-13T08:00:00Z"), new Date("2026-06-12T08:00:00Z")],
    },
  ]);
  await again.close();
});
