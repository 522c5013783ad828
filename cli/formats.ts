// Output formats of `paperboy digest`: each renders the neutral messages for one platform or as data.
import { renderText } from "../adapters/console/index.js";
import { renderDiscordMessage } from "../adapters/discord/index.js";
import { renderSlackMessage } from "../adapters/slack/index.js";
import type { OutboundMessage } from "../src/messages/outbound-message.js";

export const FORMATS = ["text", "json", "slack", "discord"] as const;
export type Format = (typeof FORMATS)[number];

export function renderForFormat(format: Format, messages: readonly OutboundMessage[]): string {
  switch (format) {
    case "text":
      return messages.map(renderText).join("\n\n");
    case "json":
      return JSON.stringify(messages, null, 2);
    // One JSON document per posted message: what chat.postMessage / channel.send would receive.
    case "slack":
      return JSON.stringify(messages.map(renderSlackMessage), null, 2);
    case "discord":
      return JSON.stringify(
        messages.map((m) => renderDiscordMessage(m)),
        null,
        2,
      );
  }
}
