// Output formats of `paperboy digest`: each renders the neutral messages for one platform or as data. Each renderer
// is loaded when its format is asked for, so a text digest does not load Slack's or Discord's modules.
import type { OutboundMessage } from "../src/messages/outbound-message.js";

export const FORMATS = ["text", "json", "slack", "discord"] as const;
export type Format = (typeof FORMATS)[number];

export async function renderForFormat(format: Format, messages: readonly OutboundMessage[]): Promise<string> {
  switch (format) {
    case "text": {
      const { renderText } = await import("../adapters/console/render-text.js");
      return messages.map(renderText).join("\n\n");
    }
    case "json":
      return JSON.stringify(messages, null, 2);
    // One JSON document per posted message: what chat.postMessage / channel.send would receive.
    case "slack": {
      const { renderSlackMessage } = await import("../adapters/slack/render/block-kit.js");
      return JSON.stringify(messages.map(renderSlackMessage), null, 2);
    }
    case "discord": {
      const { renderDiscordMessage } = await import("../adapters/discord/render/embeds.js");
      return JSON.stringify(
        messages.map((m) => renderDiscordMessage(m)),
        null,
        2,
      );
    }
  }
}
