// Subscriptions in the `subscriptions` namespace, keyed "<channelKey>|<source>" so a channel is one prefix scan.
import { channelKey, type ChannelRef, type PlatformId } from "../platform/channel-ref.js";
import type { KeyValueNamespace } from "../storage/key-value.js";
import type { Subscription } from "./subscription.js";

export interface SubscriptionStore {
  get(id: string): Promise<Subscription | undefined>;
  put(subscription: Subscription): Promise<void>;
  /** Atomic read-modify-write; returning undefined deletes it. Resolves to the stored value. */
  update(id: string, fn: (current: Subscription | undefined) => Subscription | undefined): Promise<Subscription | undefined>;
  delete(id: string): Promise<boolean>;
  forChannel(channel: ChannelRef): Promise<Subscription[]>;
  all(): Promise<Subscription[]>;
  /** Pauses a subscription after a rejected post; settings shows the reason and the hint. */
  pause(id: string, reason: string, hint: string, at: Date): Promise<void>;
  /** Records that `periodKey` was delivered (posted, or found nothing new). */
  markDelivered(id: string, periodKey: string, at: Date, dates?: readonly string[]): Promise<void>;
  /** Drops every subscription of a workspace (uninstalled); resolves to the removed ids. */
  forgetWorkspace(platform: PlatformId, workspace: string): Promise<string[]>;
}

export function createSubscriptionStore(ns: KeyValueNamespace): SubscriptionStore {
  const list = async (prefix?: string): Promise<Subscription[]> => {
    const out: Subscription[] = [];
    for await (const [, value] of ns.entries<Subscription>(prefix)) out.push(value);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };
  const update: SubscriptionStore["update"] = (id, fn) => ns.update<Subscription>(id, fn);
  return {
    get: (id) => ns.get<Subscription>(id),
    put: (subscription) => ns.set(subscription.id, subscription),
    update,
    delete: (id) => ns.delete(id),
    forChannel: (channel) => list(`${channelKey(channel)}|`),
    all: () => list(),
    async pause(id, reason, hint, at) {
      await update(id, (s) => (s ? { ...s, paused: { reason, hint, at: at.toISOString() } } : undefined));
    },
    async markDelivered(id, periodKey, at, dates) {
      await update(id, (s) =>
        s ? { ...s, lastDelivered: { periodKey, at: at.toISOString(), ...(dates ? { dates } : {}) } } : undefined,
      );
    },
    async forgetWorkspace(platform, workspace) {
      const gone = await list(`${platform}:${workspace}:`);
      for (const s of gone) await ns.delete(s.id);
      return gone.map((s) => s.id);
    },
  };
}
