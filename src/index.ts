// The core's public surface: adapters import from here and only here.
export * from "./papers/paper.js";
export * from "./messages/outbound-message.js";
export * from "./platform/channel-ref.js";
export * from "./platform/emoji.js";
export * from "./platform/events.js";
export * from "./platform/delivery-outcome.js";
export * from "./platform/chat-platform.js";
export * from "./storage/key-value.js";
export * from "./papers/sources/paper-source.js";
export * from "./digest/digest-types.js";
export * from "./commands/command.js";
export * from "./app/paperboy.js";
export * from "./config/load-config.js";
export * from "./shared/result.js";
export * from "./shared/logger.js";
export * from "./shared/app-error.js";
export * from "./shared/metrics.js";
