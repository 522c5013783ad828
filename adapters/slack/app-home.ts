// App Home tab: the core's home message (subscribed channels, this week's top, your votes) published with views.publish.
// @see https://docs.slack.dev/surfaces/app-home · https://docs.slack.dev/reference/methods/views.publish
import type { App } from "@slack/bolt";
import type { Logger, Paperboy } from "../../src/index.js";
import { SLACK_LIMITS } from "./limits.js";
import { renderSlackBlocks } from "./render/block-kit.js";

export function registerAppHome(app: App, deps: { core: Paperboy; log: Logger }): void {
  app.event("app_home_opened", ({ event, body, client }) => {
    if (event.tab !== "home") return Promise.resolve();
    const teamId = body.team_id;
    // After the listener returns, so Slack gets its answer at once (slack-app.ts).
    void (async () => {
      try {
        const message = await deps.core.home("slack", teamId, event.user);
        const { blocks } = renderSlackBlocks(message, SLACK_LIMITS.blocksPerHomeView);
        await client.views.publish({ user_id: event.user, view: { type: "home", blocks } });
      } catch (error) {
        deps.log.error(
          { team: teamId, user: event.user, err: String(error) },
          "could not publish the App Home",
        );
      }
    })();
    return Promise.resolve();
  });
}
