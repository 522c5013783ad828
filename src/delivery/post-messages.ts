// One claimed delivery's messages: read back what a crash may have left unrecorded, then per message mark posting →
// send with the delivery's handle → record as paperboy's → seed its reactions; stop on a failure; finish.
// @see docs/adr/0004-exactly-once-delivery.md
import { composeDigest } from "../digest/compose-digest.js";
import { slotsOf, type OutboundMessage } from "../messages/outbound-message.js";
import type { Logger } from "../ops/logger.js";
import type { ChannelRef, MessageRef } from "../platform/channel-ref.js";
import type { ChatPlatform } from "../platform/chat-platform.js";
import type { PostedMessage, SendOutcome } from "../platform/delivery-outcome.js";
import { emojiFromUnicode, keycap, type Emoji } from "../platform/emoji.js";
import { wordsOf } from "../platform/platform-words.js";
import { UnrecordedError, type Composition, type DeliveryRequest, type DeliveryResult } from "./delivery.js";
import type { DeliveryPlan, DeliveryRecord, DeliveryStore, FinishEffects } from "./delivery-store.js";

/** Read-backs look a little further back than the claim, for clock skew between us and the platform. */
const READ_BACK_SLACK_MS = 5 * 60_000;

export interface PostContext {
  readonly deliveries: DeliveryStore;
  readonly platform: ChatPlatform;
  readonly now: () => Date;
  readonly log: Logger;
  readonly onRecorded?: ((ref: MessageRef) => void) | undefined;
}

/** The keycaps a compact digest's message seeds: one per paper slot it really showed. */
function seedFor(plan: DeliveryPlan, posted: PostedMessage): Emoji[] {
  if (plan.compose.layout !== "compact" || plan.kind !== "digest") return [];
  return [...posted.slots.keys()].sort((a, b) => a - b).map((slot) => emojiFromUnicode(keycap(slot)));
}

/** The messages of one claimed delivery, and what has been recorded of them so far. */
class Posting {
  readonly sent = new Map<number, PostedMessage>();
  readonly seeding: Promise<void>[] = [];
  private readonly ctx: PostContext;
  readonly request: DeliveryRequest;
  private readonly token: string;
  readonly plan: DeliveryPlan;
  readonly messages: readonly OutboundMessage[];

  constructor(
    ctx: PostContext,
    request: DeliveryRequest,
    token: string,
    plan: DeliveryPlan,
    messages: readonly OutboundMessage[],
    record: DeliveryRecord,
  ) {
    this.ctx = ctx;
    this.request = request;
    this.token = token;
    this.plan = plan;
    this.messages = messages;
    for (const s of record.sent) {
      const message = messages[s.index];
      this.sent.set(s.index, {
        ref: { channel: request.channel, id: s.id },
        slots: message ? slotsOf(message) : new Map(),
      });
    }
    // Seeds of messages an earlier attempt recorded may be missing: add them again (one already there is fine).
    for (const posted of this.sent.values()) this.seed(posted);
  }

  private seed(posted: PostedMessage): void {
    const emoji = seedFor(this.plan, posted);
    if (emoji.length > 0) this.seeding.push(this.ctx.platform.react(posted.ref, emoji));
  }

  /** Records a message as paperboy's, then decorates it; false when another run took the delivery over. */
  async record(index: number, posted: PostedMessage): Promise<boolean> {
    const { plan, request } = this;
    const ok = await this.ctx.deliveries
      .recordSent(request.key, this.token, index, {
        ...posted,
        layout: plan.compose.layout,
        kind: plan.kind,
        postedAt: this.ctx.now(),
        delivery: request.key,
      })
      .catch((error: unknown) => {
        throw new UnrecordedError(error, this.sent.size + 1);
      });
    if (!ok) return false;
    this.sent.set(index, posted);
    this.ctx.onRecorded?.(posted.ref);
    // Decorate only once the message is paperboy's: a vote cast while the keycaps go on already counts.
    this.seed(posted);
    return true;
  }

  async settled(): Promise<void> {
    await Promise.all(this.seeding);
  }
}

/** A message marked "posting" but never recorded may be in the channel: ask the platform before sending again. */
async function readBack(
  posting: Posting,
  record: DeliveryRecord,
  ctx: PostContext,
): Promise<DeliveryResult | undefined> {
  if (record.state !== "posting" || record.posting === undefined || posting.sent.has(record.posting))
    return undefined;
  const { request, messages } = posting;
  const found = await ctx.platform.findPosted(
    request.channel,
    record.handle,
    new Date(record.claimedAt - READ_BACK_SLACK_MS),
  );
  if (found.status === "failed") {
    await posting.settled();
    return { status: "retry", reason: `reading the channel back failed: ${found.error}` };
  }
  for (const f of found.messages) {
    const message = messages[f.index];
    if (message === undefined || posting.sent.has(f.index)) continue;
    ctx.log.info(
      { key: request.key, index: f.index, message: f.ref.id },
      "found a message posted before the crash; recording it",
    );
    if (!(await posting.record(f.index, { ref: f.ref, slots: slotsOf(message) })))
      return { status: "skipped", reason: "taken over" };
  }
  return undefined;
}

/** A send that did not go through: retry later, give the claim back, or finish with what went out. */
async function stopAfter(
  posting: Posting,
  outcome: Exclude<SendOutcome, { status: "sent" }>,
  token: string,
  ctx: PostContext,
): Promise<DeliveryResult> {
  const { request, sent, messages } = posting;
  await posting.settled();
  if (outcome.status === "failed") {
    if (outcome.retryable) return { status: "retry", reason: outcome.error };
    if (sent.size === 0) {
      // Refused for good (the payload, not the channel) and nothing went out: give the claim back.
      await ctx.deliveries.release(request.key, token);
      return { status: "failed", error: outcome.error };
    }
  }
  const why = outcome.status === "rejected" ? outcome.hint : outcome.error;
  const summary = `${String(sent.size)} of ${String(messages.length)} messages posted; then: ${why}`;
  const at = ctx.now().getTime();
  const effects: FinishEffects | undefined =
    outcome.status === "rejected" && request.subscriptionId !== undefined
      ? { paused: { subscriptionId: request.subscriptionId, reason: outcome.reason, hint: outcome.hint, at } }
      : undefined;
  await ctx.deliveries.finish(
    request.key,
    token,
    { state: sent.size > 0 ? "posted" : "rejected", summary, at },
    effects,
  );
  return outcome.status === "rejected"
    ? { status: "rejected", reason: outcome.reason, hint: outcome.hint, posted: sent.size }
    : { status: "failed", error: summary };
}

/** Posts a claimed delivery's messages (those not recorded yet) and finishes it. Throws UnrecordedError on a store failure after a send. */
export async function postMessages(
  ctx: PostContext,
  request: DeliveryRequest,
  record: DeliveryRecord,
  token: string,
  composition: Composition,
  resumed: boolean,
): Promise<DeliveryResult> {
  const { plan } = composition;
  const composed = composeDigest(
    composition.ranked,
    { ...plan.compose, ...(composition.teamVotes ? { teamVotes: composition.teamVotes } : {}) },
    wordsOf(ctx.platform),
  );
  const posting = new Posting(ctx, request, token, plan, composed.messages, record);
  const read = await readBack(posting, record, ctx);
  if (read !== undefined) return read;

  let planStored = record.plan !== undefined;
  const effects = composition.effects?.(composed.shown);
  const stored: DeliveryPlan = effects !== undefined ? { ...plan, effects } : plan;
  const takenOver: DeliveryResult = {
    status: "skipped",
    reason: `${request.key} was taken over while posting`,
  };
  for (const [index, message] of composed.messages.entries()) {
    if (posting.sent.has(index)) continue;
    if (!(await ctx.deliveries.markPosting(request.key, token, index, planStored ? undefined : stored)))
      return takenOver;
    planStored = true;
    const outcome = await ctx.platform.send(request.channel, message, { delivery: record.handle, index });
    if (outcome.status !== "sent") return stopAfter(posting, outcome, token, ctx);
    if (!(await posting.record(index, outcome.message))) return takenOver;
  }
  await posting.settled();
  const shown = composed.shown;
  const finished = await ctx.deliveries
    .finish(
      request.key,
      token,
      {
        state: shown.length > 0 ? "posted" : "empty",
        summary: `${String(shown.length)} papers`,
        at: ctx.now().getTime(),
      },
      composition.effects?.(shown),
    )
    .catch((error: unknown) => {
      throw new UnrecordedError(error, posting.sent.size);
    });
  if (!finished) return { status: "skipped", reason: `${request.key} was taken over before it finished` };
  const posted = [...posting.sent.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
  return { status: "posted", messages: posted, shown, resumed };
}

/** Where a delivery's platform is missing in this process: tried again later (another replica may have it). */
export function notConnected(channel: ChannelRef): DeliveryResult {
  return { status: "retry", reason: `${channel.platform} is not connected in this process` };
}
