// Thread updates' model and store port: which posted paper is followed where, what was last seen of it, and the
// update events (code released, an upvote milestone passed, a new arXiv version) waiting for their thread reply.
import type { Paper, PaperId } from "../papers/paper.js";
import type { ChannelRef } from "../platform/channel-ref.js";
import type { Layout } from "../platform/chat-platform.js";

/** A posted paper is followed this long: later changes are no news to the thread. */
export const FOLLOW_WINDOW_MS = 14 * 24 * 60 * 60_000;

/** What a list of papers says about one paper, compared with what was last seen of it. */
export interface PaperSignals {
  readonly id: PaperId;
  /** Hugging Face's `githubRepo`, when it has one. */
  readonly repo?: string;
  readonly upvotes: number;
  /** arXiv version; 0 when the list does not say (Hugging Face lists never do). */
  readonly version: number;
}

export function signalsOf(paper: Paper): PaperSignals {
  return {
    id: paper.id,
    ...(paper.githubRepo !== undefined && paper.githubRepo.trim() !== "" ? { repo: paper.githubRepo } : {}),
    upvotes: paper.upvotes,
    version: paper.version ?? 0,
  };
}

/** Where a posted paper sits, for its thread reply. */
export interface PaperPlace {
  readonly channel: ChannelRef;
  readonly paper: PaperId;
  readonly title: string;
  /** The message that shows the paper (a card, or the compact digest). */
  readonly message: string;
  /** The first message of the delivery it came in (the compact digest, the cards header, the shared card). */
  readonly head: string;
  readonly slot: number;
  readonly layout: Layout;
  /** Epoch ms. */
  readonly postedAt: number;
}

/** A paper posted in a channel, with what it looked like then (the baseline later changes are measured from). */
export interface FollowedPaper extends PaperPlace {
  readonly hasCode: boolean;
  readonly upvotes: number;
  /** 0 when unknown: the first version seen later becomes the baseline, not news. */
  readonly version: number;
  /** The channel's upvote milestone when the paper was posted. */
  readonly milestone: number;
  /** ISO week the paper entered Daily Papers ("2026-W24"), when it came from Hugging Face: the list that shows it again. */
  readonly week?: string;
}

/** The place part of a followed paper (what a reply needs), as the stores keep it. */
export function placeOf(f: FollowedPaper): PaperPlace {
  const { channel, paper, title, message, head, slot, layout, postedAt } = f;
  return { channel, paper, title, message, head, slot, layout, postedAt };
}

/** What happened to a followed paper: "code" (with the repo), "upvotes" (the milestone), "version" (the number). */
export type UpdateEvent =
  | { readonly kind: "code"; readonly repo: string }
  | { readonly kind: "upvotes"; readonly milestone: number }
  | { readonly kind: "version"; readonly version: number };

/** An update waiting for (or taken by) a thread reply: once per channel, paper and event. */
export interface PendingUpdate {
  readonly place: PaperPlace;
  readonly event: UpdateEvent;
  /** Epoch ms it was noticed. */
  readonly at: number;
}

/** The event's id within its (channel, paper): "code", "upvotes:100", "version:3". */
export function eventId(event: UpdateEvent): string {
  switch (event.kind) {
    case "code":
      return "code";
    case "upvotes":
      return `upvotes:${String(event.milestone)}`;
    case "version":
      return `version:${String(event.version)}`;
  }
}

/** Each operation is atomic on its engine (a SQLite transaction, a Redis script). */
export interface UpdateStore {
  /** Starts following posted papers (a paper already followed in that channel keeps its first place and baseline). */
  follow(papers: readonly FollowedPaper[]): Promise<void>;
  /**
   * Compares what a list says with what was last seen of each followed paper (followed since `since`), keeps the
   * newer state and records each new event once per (channel, paper, event). Resolves to the number of new events.
   */
  observe(signals: readonly PaperSignals[], since: number, at: number): Promise<number>;
  /** The ISO weeks of papers followed since `since`: the Hugging Face week lists that show them again. */
  weeks(since: number): Promise<string[]>;
  /** Channels with updates not yet replied to. */
  pendingChannels(): Promise<ChannelRef[]>;
  /**
   * Takes the channel's waiting updates for the delivery `key`: those nobody took, those `key` took before, and
   * those a delivery took that is no longer in the ledger (released with nothing sent). Updates a finished delivery
   * took are dropped; those an open one holds are left to it.
   */
  take(channel: ChannelRef, key: string): Promise<PendingUpdate[]>;
}
