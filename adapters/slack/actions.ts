// Block Kit button presses: "Share to channel" → core.handleAction; link buttons are only acknowledged.
// @see https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
import type { App } from "@slack/bolt";
import type { Logger, Paperboy } from "../../src/index.js";
import { channelRef } from "../../src/index.js";
import { APOLOGY, replyBody } from "./commands.js";
import { LINK_ACTION_PREFIX, SLACK_ACTION_PREFIX } from "./render/block-kit.js";

export const SHARE_ACTION_ID = `${SLACK_ACTION_PREFIX}share`;

export function registerActions(app: App, deps: { core: Paperboy; log: Logger }): void {
  app.action(SHARE_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== "block_actions" || action.type !== "button") return;
    const teamId = body.team?.id ?? body.user.team_id;
    const channelId = body.channel?.id;
    const value = action.value;
    const log = deps.log.child({ team: teamId, channel: channelId, user: body.user.id });
    if (teamId === undefined || channelId === undefined || value === undefined) {
      log.warn("share pressed outside a channel; ignored");
      return;
    }
    // After the listener returns: the receiver answers Slack only then (slack-app.ts).
    void (async () => {
      try {
        let answer;
        try {
          const reply = await deps.core.handleAction({
            channel: channelRef("slack", teamId, channelId),
            userId: body.user.id,
            actionId: "share",
            value,
          });
          answer = { ...replyBody(reply), response_type: "ephemeral" as const, replace_original: false };
        } catch (error) {
          log.error({ err: String(error) }, "share failed in the core");
          answer = { response_type: "ephemeral" as const, replace_original: false, text: APOLOGY };
        }
        await respond(answer);
      } catch (error) {
        log.error({ err: String(error) }, "could not confirm a share");
      }
    })();
  });

  // URL buttons still send block_actions; acknowledge them so Slack shows no warning.
  app.action(new RegExp(`^${LINK_ACTION_PREFIX}`), async ({ ack }) => {
    await ack();
  });
}
