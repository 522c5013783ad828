// Refuses signed Slack requests that are replays or stamped too far from now, after Bolt's HTTPReceiver checked the HMAC.
// @see https://docs.slack.dev/authentication/verifying-requests-from-slack · PLATFORMS.md §5a.7
//
// Bolt verifies the signature and refuses timestamps more than 5 minutes old, but it accepts a timestamp from the
// future and answers an exact replay as often as it arrives. The guard closes both: |now − timestamp| ≤ 5 minutes,
// and each signature is claimed once (EventStore.claim: SET NX PX on Redis, so replicas share it; an INSERT on
// SQLite) for as long as its timestamp stays acceptable. Slack re-signs each retry with a fresh timestamp (its
// retries reach 5 minutes after the first try, past the window), so a genuine retry is never refused as a replay.
import type { ServerResponse } from "node:http";
import {
  App,
  HTTPModuleFunctions,
  type AppOptions,
  type BufferedIncomingMessage,
  type ReceiverEvent,
  type ReceiverProcessEventErrorHandlerArgs,
} from "@slack/bolt";
import type { EventStore, Logger } from "../../src/index.js";

/** Slack's window for x-slack-request-timestamp, either side of now. */
export const SLACK_REQUEST_WINDOW_MS = 5 * 60_000;

/** What the receiver hands the guard: the verified request's timestamp (seconds) and signature. */
export interface SignedRequest {
  readonly timestampSec: number;
  readonly signature: string;
}

export type GuardVerdict = "accept" | "outside-window" | "replay";

/** A refused request; the receiver answers 401 with no body (the reason goes to the log only). */
export class RequestRefusedError extends Error {
  override name = "RequestRefusedError";
  readonly verdict: Exclude<GuardVerdict, "accept">;
  constructor(verdict: Exclude<GuardVerdict, "accept">) {
    super(`Slack request refused: ${verdict}`);
    this.verdict = verdict;
  }
}

export interface RequestGuardDeps {
  readonly events: EventStore;
  readonly now: () => Date;
  readonly log: Logger;
}

/** Signatures remembered in process while the store cannot take them (at most this many; oldest dropped first). */
const LOCAL_SIGNATURES = 10_000;

/** Judges one verified request: outside the window, a replay of a signature already seen, or fresh. */
export function createRequestGuard(
  deps: RequestGuardDeps,
): (request: SignedRequest) => Promise<GuardVerdict> {
  const local = new Map<string, number>();
  function claimLocally(signature: string, expires: number, now: number): boolean {
    for (const [key, until] of local) if (until <= now || local.size >= LOCAL_SIGNATURES) local.delete(key);
    if ((local.get(signature) ?? 0) > now) return false;
    local.set(signature, expires);
    return true;
  }
  return async ({ timestampSec, signature }) => {
    const now = deps.now().getTime();
    const stampedAt = timestampSec * 1000;
    if (!Number.isFinite(stampedAt) || Math.abs(now - stampedAt) > SLACK_REQUEST_WINDOW_MS)
      return "outside-window";
    // Remembered until the timestamp leaves the window (plus a second for clock rounding): a later copy is stale.
    const ttlMs = stampedAt + SLACK_REQUEST_WINDOW_MS - now + 1_000;
    try {
      return (await deps.events.claim(`slack-signature:${signature}`, ttlMs)) ? "accept" : "replay";
    } catch (error) {
      // The store is down: answering still matters more (the command gets its apology, a vote its 500 and a
      // redelivery), so this process remembers the signature itself until the store is back.
      deps.log.warn(
        { err: String(error) },
        "could not record a Slack request signature; remembering it in process",
      );
      return claimLocally(signature, now + ttlMs, now) ? "accept" : "replay";
    }
  };
}

const REQUEST_KEY = "slackSignedRequest";

/** Reads the verified headers into the event's custom properties (Bolt calls this after its signature check). */
export function signedRequestProperties(request: BufferedIncomingMessage): Record<string, unknown> {
  const header = (name: string): string => {
    const value = request.headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? "";
  };
  const signed: SignedRequest = {
    timestampSec: Number(header("x-slack-request-timestamp")),
    signature: header("x-slack-signature"),
  };
  return { [REQUEST_KEY]: signed };
}

/** 401 with no body for a refused request; anything else goes to Bolt's default handling. */
export async function refusedRequestHandler(args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (args.error instanceof RequestRefusedError) {
    const response: ServerResponse = args.response;
    if (!response.headersSent) response.writeHead(401).end();
    return true;
  }
  return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
}

/**
 * The Bolt App with the guard in front of every HTTP request's processing: a request the guard refuses never
 * reaches authorize, middleware or listeners. Socket Mode events carry no signature and pass untouched.
 */
export class GuardedApp extends App {
  readonly #guard: (request: SignedRequest) => Promise<GuardVerdict>;
  readonly #log: Logger;

  constructor(options: AppOptions, guard: (request: SignedRequest) => Promise<GuardVerdict>, log: Logger) {
    super(options);
    this.#guard = guard;
    this.#log = log;
  }

  override async processEvent(event: ReceiverEvent): Promise<void> {
    const signed = (event.customProperties as Record<string, SignedRequest | undefined> | undefined)?.[
      REQUEST_KEY
    ];
    if (signed !== undefined) {
      const verdict = await this.#guard(signed);
      if (verdict !== "accept") {
        this.#log.warn(
          { verdict, timestamp: signed.timestampSec },
          verdict === "replay"
            ? "refused a replayed Slack request (its signature was already used)"
            : "refused a Slack request stamped more than 5 minutes from now",
        );
        throw new RequestRefusedError(verdict);
      }
    }
    await super.processEvent(event);
  }
}
