// Subscriptions and watches on Redis: documents in hashes, indexed by channel, workspace and schedule group in sets.
import { channelKey, type ChannelRef } from "../../platform/channel-ref.js";
import type { SubscriptionStore } from "../../subscriptions/subscription-store.js";
import type { Subscription } from "../../subscriptions/subscription.js";
import { watchTopicKey, type Watch, type WatchStore } from "../../watches/watch.js";
import { groupKey, groupOf } from "../sqlite/sqlite-subscriptions.js";
import { list, type RedisConnection, type Reply } from "./redis-connection.js";

/** A subscription from the scripts' {doc, lastDelivered, paused, retry} (the last three '' when unset). */
export function subscriptionOf(reply: Reply): Subscription {
  const [doc, last, paused, retry] = list(reply).map((r) => (typeof r === "string" ? r : ""));
  const base = JSON.parse(doc ?? "{}") as Subscription;
  return {
    ...base,
    ...(last ? { lastDelivered: JSON.parse(last) as NonNullable<Subscription["lastDelivered"]> } : {}),
    ...(paused ? { paused: JSON.parse(paused) as NonNullable<Subscription["paused"]> } : {}),
    ...(retry ? { retry: JSON.parse(retry) as NonNullable<Subscription["retry"]> } : {}),
  };
}

const byId = (subs: Subscription[]): Subscription[] =>
  subs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const workspaceKey = (channel: ChannelRef): string => `${channel.platform}:${channel.workspace}`;

export function createRedisSubscriptions(redis: RedisConnection): SubscriptionStore {
  const P = redis.prefix;
  const many = async (set: string): Promise<Subscription[]> =>
    byId(list(await redis.script("GET_SUBSCRIPTIONS", [set])).map(subscriptionOf));
  return {
    async get(id) {
      const reply = await redis.script("GET_SUBSCRIPTIONS", [`one:${id}`]);
      return list(reply).map(subscriptionOf)[0];
    },
    async put(s) {
      // lastDelivered lives in its own hash (the ledger writes it); a document that carries one seeds it once.
      const { lastDelivered, ...doc } = s;
      await redis.script("PUT_SUBSCRIPTION", [
        s.id,
        JSON.stringify(doc),
        channelKey(s.channel),
        workspaceKey(s.channel),
        groupKey(s),
        lastDelivered === undefined ? "" : JSON.stringify(lastDelivered),
      ]);
    },
    async delete(id) {
      return (await redis.script("DELETE_SUBSCRIPTIONS", [id])) === 1;
    },
    forChannel: (channel) => many(`ch:${channelKey(channel)}`),
    all: () => many(""),
    inGroup: (group) => many(`grp:${groupKey(group)}`),
    async groups() {
      return list(await redis.command(["SMEMBERS", `${P}:sub:grps`]))
        .map((g) => groupOf(String(g)))
        .sort((a, b) => groupKey(a).localeCompare(groupKey(b)));
    },
    async version() {
      return Number((await redis.command(["GET", `${P}:sub:ver`])) ?? 0);
    },
    async pause(id, reason, hint, at) {
      await redis.script("PATCH_SUBSCRIPTION", [
        id,
        "paused",
        JSON.stringify({ reason, hint, at: at.toISOString() }),
      ]);
    },
    async markRetrying(id, retry) {
      await redis.script("PATCH_SUBSCRIPTION", [
        id,
        "retry",
        retry === undefined ? "" : JSON.stringify(retry),
      ]);
    },
    async forgetWorkspace(platform, workspace) {
      const ids = list(await redis.command(["SMEMBERS", `${P}:sub:ws:${platform}:${workspace}`]))
        .map(String)
        .sort();
      if (ids.length > 0) await redis.script("DELETE_SUBSCRIPTIONS", ids);
      return ids;
    },
  };
}

export function createRedisWatches(redis: RedisConnection): WatchStore {
  const field = (channel: ChannelRef, topic: string): string =>
    `${channelKey(channel)}\u001f${watchTopicKey(topic)}`;
  const docs = (reply: Reply): Watch[] =>
    list(reply)
      .filter((r): r is string => typeof r === "string")
      .map((r) => JSON.parse(r) as Watch)
      .sort((a, b) => field(a.channel, a.topic.text).localeCompare(field(b.channel, b.topic.text)));
  return {
    async put(watch) {
      await redis.script("PUT_WATCH", [
        channelKey(watch.channel),
        field(watch.channel, watch.topic.text),
        JSON.stringify(watch),
      ]);
    },
    async remove(channel, topicText) {
      return (await redis.script("PUT_WATCH", [channelKey(channel), field(channel, topicText), ""])) === 1;
    },
    forChannel: async (channel) => docs(await redis.script("GET_WATCHES", [channelKey(channel)])),
    all: async () => docs(await redis.script("GET_WATCHES", [""])),
  };
}
