// Output formats of `paperboy digest`: each renders the neutral messages for one platform or as data.
import { renderText } from "../adapters/console/index.js";
import type { OutboundMessage } from "../src/messages/outbound-message.js";

export const FORMATS = ["text", "json", "slack", "discord"] as const;
export type Format = (typeof FORMATS)[number];

export class FormatUnavailableError extends Error {
  override name = "FormatUnavailableError";
}

export function renderForFormat(format: Format, messages: readonly OutboundMessage[]): string {
  switch (format) {
    case "text":
      return messages.map(renderText).join("\n\n");
    case "json":
      return JSON.stringify(messages, null, 2);
    case "slack":
    case "discord":
      throw new FormatUnavailableError(`--format ${format} is not available yet`);
  }
}
