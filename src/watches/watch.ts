// A watch: "/papers watch <topic> [above N]" alerts a channel once per paper that passes N upvotes; and its store's port.
import type { TopicFilter } from "../digest/digest-types.js";
import type { ChannelRef } from "../platform/channel-ref.js";

export interface Watch {
  readonly channel: ChannelRef;
  readonly topic: { readonly text: string; readonly filter: TopicFilter };
  readonly threshold: number;
  /** ISO time. */
  readonly createdAt: string;
}

export interface WatchStore {
  /** Adds or updates (same topic text: new threshold) a channel's watch. */
  put(watch: Watch): Promise<void>;
  /** Removes the channel's watch on `topicText`; false when there was none. */
  remove(channel: ChannelRef, topicText: string): Promise<boolean>;
  forChannel(channel: ChannelRef): Promise<Watch[]>;
  all(): Promise<Watch[]>;
}

/** Watches on "World  Model" and "world model" are one watch. */
export function watchTopicKey(topicText: string): string {
  return topicText.trim().replace(/\s+/g, " ").toLowerCase();
}
