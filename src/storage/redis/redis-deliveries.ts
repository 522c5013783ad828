// The delivery ledger on Redis: a hash per delivery, a hash of its sent messages, an index of open ones; one script per step.
import type {
  ClaimAnswer,
  DeliveryPlan,
  DeliveryRecord,
  DeliveryState,
  DeliveryStore,
} from "../../delivery/delivery-store.js";
import { channelKey, type ChannelRef } from "../../platform/channel-ref.js";
import { LEDGER_TTL_MS } from "../sqlite/sqlite-schema.js";
import { postRow } from "../sqlite/sqlite-schema.js";
import { list, pairs, type RedisConnection, type Reply } from "./redis-connection.js";
import { subscriptionOf } from "./redis-subscriptions.js";

/** A record from the scripts' {fields, sent fields} pair. */
function toRecord(key: string, reply: Reply): DeliveryRecord | undefined {
  const [fieldsReply, sentReply] = list(reply);
  if (fieldsReply === undefined) return undefined;
  const f = pairs(fieldsReply);
  const sent = [...pairs(sentReply ?? []).entries()]
    .map(([index, id]) => ({ index: Number(index), id }))
    .sort((a, b) => a.index - b.index);
  const text = (name: string): string | undefined => {
    const v = f.get(name);
    return v === undefined || v === "" ? undefined : v;
  };
  const subscriptionId = text("subscription");
  const periodKey = text("period");
  const posting = text("posting");
  const plan = text("plan");
  const summary = text("summary");
  return {
    key,
    state: (f.get("state") ?? "claimed") as DeliveryState,
    token: f.get("token") ?? "",
    at: Number(f.get("at") ?? 0),
    claimedAt: Number(f.get("claimedAt") ?? 0),
    handle: f.get("handle") ?? key,
    channel: JSON.parse(f.get("channel") ?? "{}") as ChannelRef,
    ...(subscriptionId !== undefined ? { subscriptionId } : {}),
    ...(periodKey !== undefined ? { periodKey } : {}),
    ...(posting !== undefined ? { posting: Number(posting) } : {}),
    sent,
    ...(plan !== undefined ? { plan: JSON.parse(plan) as DeliveryPlan } : {}),
    ...(summary !== undefined ? { summary } : {}),
  };
}

export function createRedisDeliveries(redis: RedisConnection): DeliveryStore {
  const records = async (args: readonly string[]): Promise<(DeliveryRecord & { ownerAlive: boolean })[]> =>
    list(await redis.script("GET_DELIVERIES", args)).flatMap((entry) => {
      const [key, rec, alive] = list(entry);
      const record = rec === undefined ? undefined : toRecord(String(key), rec);
      return record ? [{ ...record, ownerAlive: alive === 1 }] : [];
    });

  return {
    async claim(r) {
      const reply = list(
        await redis.script("CLAIM", [
          r.key,
          r.token,
          r.handle,
          JSON.stringify(r.channel),
          r.subscriptionId ?? "",
          r.periodKey ?? "",
          r.at,
          LEDGER_TTL_MS,
          r.takeOver ?? "",
          r.restart === true ? "1" : "0",
        ]),
      );
      const [won, rec, sub, alive] = reply;
      const record = rec === undefined || rec === null ? undefined : toRecord(r.key, rec);
      if (record === undefined) throw new Error(`delivery ${r.key} vanished while being claimed`);
      const subscription = sub === undefined || sub === null ? {} : { subscription: subscriptionOf(sub) };
      const answer: ClaimAnswer =
        won === 1
          ? { won: true, record, ...subscription }
          : { won: false, record, ownerAlive: alive === 1, ...subscription };
      return answer;
    },
    async markPosting(key, token, index, plan) {
      return (
        (await redis.script("MARK_POSTING", [
          key,
          token,
          index,
          plan === undefined ? "" : JSON.stringify(plan),
          Date.now(),
        ])) === 1
      );
    },
    async recordSent(key, token, index, post) {
      const row = postRow(post);
      const doc = JSON.stringify({
        slots: row.s,
        layout: row.l,
        kind: row.n,
        postedAt: row.at,
        delivery: key,
      });
      return (
        (await redis.script("RECORD_SENT", [
          key,
          token,
          index,
          channelKey(post.ref.channel),
          post.ref.id,
          doc,
          LEDGER_TTL_MS,
        ])) === 1
      );
    },
    async finish(key, token, outcome, effects) {
      const delivered = effects?.delivered;
      const paused = effects?.paused;
      const seen = effects?.seen;
      return (
        (await redis.script("FINISH", [
          key,
          token,
          outcome.state,
          outcome.summary,
          outcome.at,
          delivered?.subscriptionId ?? paused?.subscriptionId ?? "",
          delivered
            ? JSON.stringify({
                periodKey: delivered.periodKey,
                at: new Date(delivered.at).toISOString(),
                ...(delivered.dates ? { dates: delivered.dates } : {}),
              })
            : "",
          paused
            ? JSON.stringify({
                reason: paused.reason,
                hint: paused.hint,
                at: new Date(paused.at).toISOString(),
              })
            : "",
          seen ? channelKey(seen.channel) : "",
          seen?.until ?? 0,
          Date.now(),
          ...(seen?.ids ?? []),
        ])) === 1
      );
    },
    async release(key, token) {
      await redis.script("RELEASE", [key, token]);
    },
    async get(key) {
      return (await records([key]))[0];
    },
    open: () => records(["*open*"]),
  };
}
