// The core's public surface: what the adapters and the CLI import, and nothing more (an architecture test keeps it so).
export type { Config } from "./config/load-config.js";
export { loadConfig } from "./config/load-config.js";
export { withEnvFile } from "./config/env-file.js";
export { httpHref, parseHttpUrl } from "./shared/http-url.js";
export type { PaperId } from "./papers/paper.js";
export type {
  ButtonSpec,
  Inline,
  MessageBlock,
  OutboundMessage,
  PaperCard,
} from "./messages/outbound-message.js";
export { assertNever, slotsOf } from "./messages/outbound-message.js";
export { truncate } from "./messages/truncate.js";
export type { ChannelRef, MessageRef } from "./platform/channel-ref.js";
export { channelKey, channelRef } from "./platform/channel-ref.js";
export type { Emoji } from "./platform/emoji.js";
export { emojiFromUnicode, keycap } from "./platform/emoji.js";
export type { CommandInvocation, LinksShared, ReactionChanged, VoteResult } from "./platform/events.js";
export type { PlatformWords } from "./platform/platform-words.js";
export { plural } from "./messages/plural.js";
export type { FoundPosts, SendOutcome } from "./platform/delivery-outcome.js";
export type { ChatPlatform, PostHandle } from "./platform/chat-platform.js";
export { createChannelPacer } from "./platform/channel-pacer.js";
export type { Paperboy, PlatformAdapter, PlatformAdapterDeps, PlatformAdapterFactory } from "./paperboy.js";
export type { OpsHandler } from "./ops/ops-server.js";
export type { DocumentNamespace, EventStore } from "./storage/store.js";
export { MANAGING_COMMANDS } from "./commands/command.js";
export type { Command, UsageError } from "./commands/command.js";
export type { Result } from "./shared/result.js";
// The parser's own readers, for adapters whose platform hands over typed options instead of text (Discord).
export type { Token } from "./shared/tokenize.js";
export { normalizeWhitespace, straightenQuotes } from "./commands/command-text.js";
export {
  parseCatchup,
  parsePaperMessage,
  parseSearch,
  parseTop,
  parseUnsubscribe,
  textProblem,
  watchCommand,
} from "./commands/parse-command.js";
export { parseSubscribeOptions } from "./commands/parse-subscribe.js";
export type { CommandReply } from "./platform/command-reply.js";
export type { Logger } from "./ops/logger.js";
export { AppError, UnreachableError } from "./shared/app-error.js";
export { networkFailure } from "./shared/network-failure.js";
