// A reaction arriving from a platform: counted through the vote service, and what happens when the store cannot
// take it — refused so the platform delivers it again (Slack over HTTP), or retried in process (about 30 s).
import type { Logger } from "../ops/logger.js";
import type { Metrics } from "../ops/metrics.js";
import type { ReactionChanged, VoteResult } from "../platform/events.js";

/** A vote the store cannot take is tried this many times in process, 0.5 s, 1 s, 2 s … apart (about 30 s in all). */
const VOTE_ATTEMPTS = 7;
const VOTE_RETRY_BASE_MS = 500;

export type Redelivery = "platform" | "none";

export function createReactionIntake(deps: {
  readonly votes: { handleReaction(event: ReactionChanged): Promise<VoteResult> };
  readonly metrics: Metrics;
  readonly log: Logger;
}): (event: ReactionChanged, options?: { readonly redelivery?: Redelivery }) => Promise<VoteResult> {
  const { metrics, log } = deps;
  return async (event, options) => {
    const platform = event.message.channel.platform;
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.votes.handleReaction(event);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        if (options?.redelivery === "platform") {
          metrics.voteStoreFailure(platform, "refused");
          log.error(
            { err: why, message: event.message.id },
            "a vote could not be stored; the platform will deliver it again",
          );
          throw error;
        }
        if (attempt >= VOTE_ATTEMPTS) {
          metrics.voteStoreFailure(platform, "lost");
          log.error(
            { err: why, message: event.message.id, attempts: attempt },
            "a vote could not be stored; giving up on it",
          );
          throw error;
        }
        metrics.voteStoreFailure(platform, "retried");
        log.error({ err: why, message: event.message.id, attempt }, "a vote could not be stored; retrying");
        await new Promise((resolve) => setTimeout(resolve, VOTE_RETRY_BASE_MS * 2 ** (attempt - 1)));
      }
    }
  };
}
