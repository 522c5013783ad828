// The posted-message map: which message the bot posted holds which paper in which slot.
import type { PaperId } from "../papers/paper.js";
import type { Layout } from "../platform/chat-platform.js";
import { channelKey, type ChannelRef, type MessageRef } from "../platform/channel-ref.js";
import type { PostedMessage } from "../platform/delivery-outcome.js";
import type { KeyValueNamespace } from "../storage/key-value.js";

/** Why the bot posted a message: a scheduled digest, a shared paper, a watch alert, a search answer. */
export type PostKind = "digest" | "share" | "alert" | "search";

export interface PostMeta {
  readonly layout: Layout;
  readonly kind: PostKind;
  readonly postedAt: Date;
}

/** One message the bot posted, as the vote service needs it. */
export interface PostEntry extends PostMeta {
  readonly ref: MessageRef;
  /** slot → paper; a cards message holds one paper (usually slot 1). */
  readonly slots: ReadonlyMap<number, PaperId>;
}

export interface PostStore {
  /** Remembers a posted message and its slot → paper map; recording the same message again overwrites it. */
  record(message: PostedMessage, meta: PostMeta): Promise<void>;
  /** Records several messages of one post (a cards digest) in one store write where the store can. */
  recordAll(messages: readonly PostedMessage[], meta: PostMeta): Promise<void>;
  /** The post a reaction landed on, or undefined when the bot did not post that message. */
  lookup(ref: MessageRef): Promise<PostEntry | undefined>;
  /** Every post in a channel (posted at or after `since`), oldest first. */
  postedIn(channel: ChannelRef, since?: Date): Promise<PostEntry[]>;
  /** Drops every post of a channel (the channel is gone or the workspace uninstalled); returns how many. */
  forgetChannel(channel: ChannelRef): Promise<number>;
}

/** The stored shape: JSON-safe (Maps as arrays, dates as epoch milliseconds). */
interface StoredPost {
  readonly ref: MessageRef;
  readonly slots: readonly (readonly [number, PaperId])[];
  readonly layout: Layout;
  readonly kind: PostKind;
  readonly postedAt: number;
}

/** Per-channel prefix, so one channel's posts are a prefix scan. */
function channelPrefix(channel: ChannelRef): string {
  return `${channelKey(channel)}|`;
}

function postKey(ref: MessageRef): string {
  return `${channelPrefix(ref.channel)}${ref.id}`;
}

function toEntry(stored: StoredPost): PostEntry {
  return {
    ref: stored.ref,
    slots: new Map(stored.slots.map(([slot, id]) => [slot, id] as const)),
    layout: stored.layout,
    kind: stored.kind,
    postedAt: new Date(stored.postedAt),
  };
}

function toStored(message: PostedMessage, meta: PostMeta): StoredPost {
  return {
    ref: {
      channel: {
        platform: message.ref.channel.platform,
        workspace: message.ref.channel.workspace,
        channel: message.ref.channel.channel,
      },
      id: message.ref.id,
    },
    slots: [...message.slots.entries()].sort(([a], [b]) => a - b),
    layout: meta.layout,
    kind: meta.kind,
    postedAt: meta.postedAt.getTime(),
  };
}

export function createPostStore(ns: KeyValueNamespace): PostStore {
  return {
    async record(message, meta) {
      await ns.set(postKey(message.ref), toStored(message, meta));
    },

    async recordAll(messages, meta) {
      if (ns.setMany)
        await ns.setMany(messages.map((m) => ({ key: postKey(m.ref), value: toStored(m, meta) })));
      else for (const m of messages) await ns.set(postKey(m.ref), toStored(m, meta));
    },

    async lookup(ref) {
      const stored = await ns.get<StoredPost>(postKey(ref));
      return stored ? toEntry(stored) : undefined;
    },

    async postedIn(channel, since) {
      const from = since?.getTime() ?? Number.NEGATIVE_INFINITY;
      const entries: PostEntry[] = [];
      for await (const [, stored] of ns.entries<StoredPost>(channelPrefix(channel))) {
        if (stored.postedAt >= from) entries.push(toEntry(stored));
      }
      return entries.sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime());
    },

    async forgetChannel(channel) {
      const keys: string[] = [];
      for await (const [key] of ns.entries(channelPrefix(channel))) keys.push(key);
      let removed = 0;
      for (const key of keys) if (await ns.delete(key)) removed++;
      return removed;
    },
  };
}
