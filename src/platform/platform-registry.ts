// The platforms paperboy is connected to, by id.
import type { ChannelRef, PlatformId } from "./channel-ref.js";
import type { ChatPlatform } from "./chat-platform.js";

export interface PlatformRegistry {
  /** Adds (or replaces) a platform under its id. */
  register(platform: ChatPlatform): void;
  get(id: PlatformId): ChatPlatform | undefined;
  /** The platform a channel lives on, when it is connected in this process. */
  forChannel(channel: ChannelRef): ChatPlatform | undefined;
  all(): readonly ChatPlatform[];
}

export function createPlatformRegistry(): PlatformRegistry {
  const platforms = new Map<PlatformId, ChatPlatform>();
  return {
    register(platform) {
      platforms.set(platform.id, platform);
    },
    get: (id) => platforms.get(id),
    forChannel: (channel) => platforms.get(channel.platform),
    all: () => [...platforms.values()],
  };
}
