// Events API: dedupe by event_id, reactions → votes, uninstalls → forget the workspace.
// @see https://docs.slack.dev/reference/events/reaction_added · https://docs.slack.dev/reference/events/app_uninstalled
import type { App } from "@slack/bolt";
import type { KeyValueNamespace, Logger, Paperboy, ReactionChanged } from "../../src/index.js";
import { channelRef } from "../../src/index.js";
import { slackReactionToEmoji } from "./emoji.js";

const DAY_MS = 24 * 60 * 60_000;

export interface EventDeps {
  core: Paperboy;
  /** The store's `events` namespace: delivery ids already handled. */
  events: KeyValueNamespace;
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
  app.use(async ({ body, next }) => {
    const eventId = (body as { type?: unknown; event_id?: unknown }).event_id;
    if ((body as { type?: unknown }).type === "event_callback" && typeof eventId === "string") {
      const fresh = await deps.events.setIfAbsent(`slack:${eventId}`, true, DAY_MS);
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
      try {
        await deps.core.handleReaction(changed);
      } catch (error) {
        deps.log.error({ eventId: body.event_id, err: String(error) }, "a Slack reaction failed in the core");
      }
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
