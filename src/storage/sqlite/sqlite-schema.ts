// paperboy's SQLite schema (version 2): one table per concept, keyed so that every read is an index lookup.
import type { PostRecord } from "../../votes/post-store.js";
import { channelKey } from "../../platform/channel-ref.js";

export const SCHEMA_VERSION = 2;

/** How long a finished delivery is remembered: longer than any period a key can name again (a month, plus slack). */
export const LEDGER_TTL_MS = 45 * 24 * 60 * 60_000;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- keyv's documents (the paper-source cache, Slack installations): key "<namespace>:<key>", keyv's serialised value.
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY, channel TEXT NOT NULL, workspace TEXT NOT NULL, grp TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS subscriptions_channel ON subscriptions(channel);
CREATE INDEX IF NOT EXISTS subscriptions_workspace ON subscriptions(workspace);
CREATE INDEX IF NOT EXISTS subscriptions_grp ON subscriptions(grp);
CREATE TABLE IF NOT EXISTS watches (channel TEXT NOT NULL, topic TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (channel, topic));
CREATE TABLE IF NOT EXISTS deliveries (
  key TEXT PRIMARY KEY, state TEXT NOT NULL, token TEXT NOT NULL, at INTEGER NOT NULL, claimed_at INTEGER NOT NULL,
  handle TEXT NOT NULL, channel TEXT NOT NULL, subscription TEXT, period TEXT, posting INTEGER, plan TEXT, summary TEXT,
  expires INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries(state) WHERE state IN ('claimed','posting');
CREATE TABLE IF NOT EXISTS posts (
  channel TEXT NOT NULL, message TEXT NOT NULL, slots TEXT NOT NULL, layout TEXT NOT NULL, kind TEXT NOT NULL,
  posted_at INTEGER NOT NULL, delivery TEXT, idx INTEGER, PRIMARY KEY (channel, message));
CREATE INDEX IF NOT EXISTS posts_delivery ON posts(delivery) WHERE delivery IS NOT NULL;
-- posts by paper: kept by triggers from posts' slots, so every way a post is written (recorded, sent, re-recorded) indexes it.
CREATE TABLE IF NOT EXISTS paper_posts (
  channel TEXT NOT NULL, paper TEXT NOT NULL, message TEXT NOT NULL, kind TEXT NOT NULL, posted_at INTEGER NOT NULL,
  PRIMARY KEY (channel, message, paper)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS paper_posts_paper ON paper_posts(channel, paper, kind, posted_at);
CREATE TRIGGER IF NOT EXISTS posts_index_insert AFTER INSERT ON posts BEGIN
  INSERT OR REPLACE INTO paper_posts(channel, paper, message, kind, posted_at)
    SELECT NEW.channel, s.value->>1, NEW.message, NEW.kind, NEW.posted_at FROM json_each(NEW.slots) s;
END;
CREATE TRIGGER IF NOT EXISTS posts_index_update AFTER UPDATE OF slots, kind, posted_at ON posts BEGIN
  DELETE FROM paper_posts WHERE channel=OLD.channel AND message=OLD.message;
  INSERT OR REPLACE INTO paper_posts(channel, paper, message, kind, posted_at)
    SELECT NEW.channel, s.value->>1, NEW.message, NEW.kind, NEW.posted_at FROM json_each(NEW.slots) s;
END;
CREATE TABLE IF NOT EXISTS votes (
  channel TEXT NOT NULL, paper TEXT NOT NULL, user TEXT NOT NULL, mark TEXT NOT NULL, on_ INTEGER NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (channel, paper, user, mark));
CREATE INDEX IF NOT EXISTS votes_user ON votes(user, channel);
CREATE TABLE IF NOT EXISTS tallies (
  channel TEXT NOT NULL, paper TEXT NOT NULL, count INTEGER NOT NULL, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL,
  PRIMARY KEY (channel, paper));
CREATE TABLE IF NOT EXISTS seen (channel TEXT NOT NULL, paper TEXT NOT NULL, expires INTEGER NOT NULL, PRIMARY KEY (channel, paper));
CREATE TABLE IF NOT EXISTS papers (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, expires INTEGER NOT NULL);
`;

/** Indexes the posts written before paper_posts existed (once per store; later posts are indexed by the triggers). */
export const BACKFILL_PAPER_POSTS = `
INSERT OR IGNORE INTO paper_posts(channel, paper, message, kind, posted_at)
  SELECT p.channel, s.value->>1, p.message, p.kind, p.posted_at FROM posts p, json_each(p.slots) s
  WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key='paper_posts.backfilled');
INSERT OR IGNORE INTO meta(key, value) VALUES ('paper_posts.backfilled', '1');
`;

/** A post as the JSON fields the set-based statements read (c, m, s, l, n, at). */
export function postRow(post: PostRecord): {
  c: string;
  m: string;
  s: string;
  l: string;
  n: string;
  at: number;
} {
  return {
    c: channelKey(post.ref.channel),
    m: post.ref.id,
    s: JSON.stringify([...post.slots.entries()].sort(([a], [b]) => a - b)),
    l: post.layout,
    n: post.kind,
    at: post.postedAt.getTime(),
  };
}
