// Events API: reactions → votes (deduped by event_id in the vote's own store step), uninstalls → forget the workspace.
// Over HTTP the answer to Slack waits for the vote to be stored (processBeforeResponse): a vote the store cannot take
// answers 500, and Slack delivers the event again.
// @see https://docs.slack.dev/reference/events/reaction_added · https://docs.slack.dev/reference/events/app_uninstalled
import type { App } from "@slack/bolt";
import type { EventStore, Logger, Paperboy, ReactionChanged } from "../../src/index.js";
import { channelRef } from "../../src/index.js";
import { slackReactionToEmoji } from "./emoji.js";

const DAY_MS = 24 * 60 * 60_000;

export interface EventDeps {
  core: Paperboy;
  /** Delivery ids already handled (for events other than reactions, whose dedupe is part of the vote). */
  events: EventStore;
  /** Socket Mode acks before listeners run, so a failed vote cannot be redelivered by Slack: retry in process. */
  redelivery: "platform" | "none";
  log: Logger;
  /** Called on app_uninstalled / tokens_revoked (bot): drop the installation and cached clients. */
  forgetInstallation(teamId: string): Promise<void>;
}

interface ReactionEventLike {
  readonly user: string;
  readonly reaction: string;
  readonly item_user?: string;
  readonly item: { readonly type: string; readonly channel?: string; readonly ts?: string };
}

/** A reaction event (plus its envelope) as the core's ReactionChanged; undefined when it is not on a message. */
export function toReactionChanged(
  event: ReactionEventLike,
  envelope: { team_id?: string; event_id?: string; event_time?: number },
  change: "added" | "removed",
  botUserId: string | undefined,
): ReactionChanged | undefined {
  const { item } = event;
  if (
    item.type !== "message" ||
    item.channel === undefined ||
    item.ts === undefined ||
    envelope.team_id === undefined
  )
    return undefined;
  return {
    message: { channel: channelRef("slack", envelope.team_id, item.channel), id: item.ts },
    userId: event.user,
    emoji: slackReactionToEmoji(event.reaction),
    change,
    ...(envelope.event_id !== undefined ? { eventId: envelope.event_id } : {}),
    ...(envelope.event_time !== undefined ? { at: new Date(envelope.event_time * 1000) } : {}),
    byBot: botUserId !== undefined && event.user === botUserId,
  };
}

export function registerEvents(app: App, deps: EventDeps): void {
  // Slack redelivers after a missed 3 s ack (bolt-js#2487): claim each event_id once, before the core sees it.
  // Reactions are deduped inside the vote's own atomic step instead, so a vote that failed can be delivered again.
  app.use(async ({ body, next }) => {
    const {
      type,
      event_id: eventId,
      event,
    } = body as { type?: unknown; event_id?: unknown; event?: { type?: unknown } };
    const reaction = event?.type === "reaction_added" || event?.type === "reaction_removed";
    if (type === "event_callback" && typeof eventId === "string" && !reaction) {
      const fresh = await deps.events.claim(`slack:${eventId}`, DAY_MS);
      if (!fresh) {
        deps.log.debug({ eventId }, "duplicate Slack event ignored");
        return;
      }
    }
    await next();
  });

  const onReaction =
    (change: "added" | "removed") =>
    async ({
      event,
      body,
      context,
    }: {
      event: ReactionEventLike;
      body: { team_id?: string; event_id?: string; event_time?: number };
      context: { botUserId?: string };
    }) => {
      // Reactions on messages someone else posted never count (Slack Connect delivers those too, bolt-js#2090).
      if (
        event.item_user !== undefined &&
        context.botUserId !== undefined &&
        event.item_user !== context.botUserId
      )
        return;
      const changed = toReactionChanged(event, body, change, context.botUserId);
      if (changed === undefined) return;
      // A rejection (the store could not take the vote) propagates: Bolt answers 500 and Slack sends it again.
      const result = await deps.core.handleReaction(changed, { redelivery: deps.redelivery });
      deps.log.debug({ eventId: body.event_id, result }, "Slack reaction handled");
    };
  app.event("reaction_added", onReaction("added"));
  app.event("reaction_removed", onReaction("removed"));

  const forget = async (teamId: string | undefined, why: string): Promise<void> => {
    if (teamId === undefined) return;
    deps.log.info({ team: teamId, why }, "Slack workspace removed paperboy; forgetting it");
    try {
      await deps.forgetInstallation(teamId);
      await deps.core.forgetWorkspace("slack", teamId);
    } catch (error) {
      deps.log.error({ team: teamId, err: String(error) }, "could not forget an uninstalled workspace");
    }
  };
  app.event("app_uninstalled", async ({ body }) => {
    await forget(body.team_id, "app_uninstalled");
  });
  app.event("tokens_revoked", async ({ event, body }) => {
    // Only the bot token matters to paperboy; user tokens are never requested.
    if ((event.tokens.bot ?? []).length > 0) await forget(body.team_id, "tokens_revoked");
  });
}
