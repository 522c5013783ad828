// link_shared → core.unfurl → chat.unfurl: a card for each paper link someone posts, keyed by the URL as Slack sent it.
// Duplicates (Slack retries with the same event_id) are dropped by the event-id claim in events.ts before this runs.
// @see https://docs.slack.dev/reference/events/link_shared · https://docs.slack.dev/reference/methods/chat.unfurl
import type { App, webApi } from "@slack/bolt";
import type { LinksShared, Logger, Paperboy } from "../../src/index.js";
import { channelRef } from "../../src/index.js";
import { renderSlackMessage } from "./render/block-kit.js";

/**
 * The manifests' `features.unfurl_domains` (Slack takes at most five): the hosts of every paper page paperboy reads
 * (src/papers/paper-link.ts) are these or their subdomains. A test keeps both manifests and docs/slack.md on this list.
 */
export const SLACK_UNFURL_DOMAINS = [
  "arxiv.org",
  "huggingface.co",
  "alphaxiv.org",
  "ar5iv.org",
  "semanticscholar.org",
] as const;

/** The link_shared fields paperboy reads (typed loosely: Slack sends more, and composer previews less). */
export interface LinkSharedEvent {
  readonly channel: string;
  readonly user: string;
  readonly message_ts: string;
  readonly unfurl_id?: string;
  /** "conversations_history" for a posted message; "composer" while it is still being written. */
  readonly source?: string;
  readonly links: readonly { readonly url: string; readonly domain?: string }[];
}

/** What chat.unfurl is asked: the message (or the composer preview) and one unfurl per URL. */
export function unfurlTarget(
  event: LinkSharedEvent,
): { channel: string; ts: string } | { unfurl_id: string; source: "composer" } {
  return event.source === "composer" && event.unfurl_id !== undefined
    ? { unfurl_id: event.unfurl_id, source: "composer" }
    : { channel: event.channel, ts: event.message_ts };
}

/** The event as the core's LinksShared; a composer preview has no message yet, so it is not remembered. */
export function toLinksShared(event: LinkSharedEvent, teamId: string): LinksShared {
  const channel = channelRef("slack", teamId, event.channel);
  return {
    channel,
    userId: event.user,
    urls: event.links.map((l) => l.url),
    ...(event.source === "composer" ? {} : { message: { channel, id: event.message_ts } }),
  };
}

export function registerUnfurls(app: App, deps: { core: Paperboy; log: Logger }): void {
  app.event("link_shared", ({ event, body, client }) => {
    const shared = event as unknown as LinkSharedEvent;
    const teamId = body.team_id;
    const log = deps.log.child({ team: teamId, channel: shared.channel, event: body.event_id });
    // After the listener returns: Slack gets its 200 at once; a lookup may ask Hugging Face and arXiv first.
    void (async () => {
      try {
        const cards = await deps.core.unfurl(toLinksShared(shared, teamId));
        if (cards.size === 0) return;
        const unfurls: webApi.LinkUnfurls = {};
        for (const [url, message] of cards) unfurls[url] = { blocks: renderSlackMessage(message).blocks };
        await client.chat.unfurl({ ...unfurlTarget(shared), unfurls });
      } catch (error) {
        log.error({ err: String(error) }, "could not unfurl a paper link");
      }
    })();
    return Promise.resolve();
  });
}
