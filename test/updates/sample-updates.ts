// Thread-update replies for adapter tests: one with a hostile title, composed by the core's real composer.
import type { OutboundMessage } from "../../src/messages/outbound-message.js";
import { toPaperId } from "../../src/papers/paper.js";
import type { ChannelRef } from "../../src/platform/channel-ref.js";
import { composeUpdateReply } from "../../src/updates/compose-update.js";

/** A title that would ping, forge a link and format if any renderer let it through. */
export const HOSTILE_TITLE =
  "<!channel> @everyone <@U0ADMIN> [click](https://evil.example) *Scaling* <https://evil.example|docs>";

/** "Update: <hostile title> released its code: github.com/acme/tool", in the thread of `thread`. */
export function hostileCodeReply(channel: ChannelRef, thread: string): OutboundMessage {
  return composeUpdateReply({
    thread,
    updates: [
      {
        place: {
          channel,
          paper: toPaperId("2606.13289")!,
          title: HOSTILE_TITLE,
          message: thread,
          head: thread,
          slot: 4,
          layout: "compact",
          postedAt: 0,
        },
        event: { kind: "code", repo: "https://github.com/acme/tool" },
        at: 0,
      },
    ],
  });
}
