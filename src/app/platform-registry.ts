// The platforms paperboy is connected to, by id; posting to one that is not registered is a failed outcome.
import type { PlatformId } from "../platform/channel-ref.js";
import type { ChatPlatform, PostRequest } from "../platform/chat-platform.js";
import type { DeliveryOutcome } from "../platform/delivery-outcome.js";

export interface PlatformRegistry {
  /** Adds (or replaces) a platform under its id. */
  register(platform: ChatPlatform): void;
  get(id: PlatformId): ChatPlatform | undefined;
  all(): readonly ChatPlatform[];
  /** Posts through the channel's platform; never throws (an adapter that throws becomes "failed"). */
  post(request: PostRequest): Promise<DeliveryOutcome>;
}

export function createPlatformRegistry(): PlatformRegistry {
  const platforms = new Map<PlatformId, ChatPlatform>();
  return {
    register(platform) {
      platforms.set(platform.id, platform);
    },
    get: (id) => platforms.get(id),
    all: () => [...platforms.values()],
    async post(request) {
      const platform = platforms.get(request.channel.platform);
      if (!platform) {
        return {
          status: "failed",
          error: `${request.channel.platform} is not connected in this process; the delivery will be retried`,
        };
      }
      try {
        return await platform.post(request);
      } catch (error) {
        // The port says adapters never throw; if one does, treat it as a transient failure.
        return { status: "failed", error: `${platform.id} adapter threw: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
  };
}
