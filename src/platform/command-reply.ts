// What the asker of a command (or the presser of a button) is answered, and who sees it.
import type { OutboundMessage } from "../messages/outbound-message.js";

export interface CommandReply {
  /** ephemeral: only the asking user sees it (search answers, help, errors); public: the channel does. */
  readonly visibility: "ephemeral" | "public";
  readonly message: OutboundMessage;
}

/** A reply only the asker sees. */
export const ephemeral = (message: OutboundMessage): CommandReply => ({ visibility: "ephemeral", message });
