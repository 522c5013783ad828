// Slack Block Kit limits paperboy renders within, in one table; the renderer cuts and summarises to fit.
// @see https://docs.slack.dev/reference/block-kit/blocks · PLATFORMS.md §3.7

export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** Blocks in an App Home view (and modals). */
  blocksPerHomeView: 100,
  /** A text object in a section or context. */
  sectionText: 3_000,
  /** A header block's plain_text. */
  headerText: 150,
  /** Elements in one context block. */
  contextElements: 10,
  /** Elements in one actions block. */
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  buttonUrl: 3_000,
  /** An image element's `image_url` and `alt_text`. */
  imageUrl: 3_000,
  altText: 2_000,
  /**
   * Cumulative text of all blocks: Slack rejects a message with `msg_blocks_too_long` somewhere
   * around 12–13k characters (undocumented, bolt-js#2509); we stay below with a margin.
   */
  totalBlockText: 11_500,
  /** Top-level `text` fallback: Slack truncates above 40,000 and recommends at most 4,000. */
  fallbackText: 3_000,
} as const;

/** What one paper shows at most, before the message-wide budget applies. */
export const PAPER_LIMITS = {
  title: 300,
  summary: 500,
  authors: 200,
  organization: 100,
  reason: 200,
  /** A search hit's "why it matched" line (abstract fragment or matched field). */
  matched: 300,
  voteHint: 80,
} as const;

/** Slack's chat.postMessage pacing: about one message per second per channel. */
export const SLACK_POST_INTERVAL_MS = 1_000;
