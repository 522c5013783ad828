// Slack mrkdwn for untrusted text: escaping, broadcast neutralising, safe links, grapheme-safe cuts.
// @see https://docs.slack.dev/messaging/formatting-message-text#escaping · PLATFORMS.md §3.9
import { assertNever, httpHref, parseHttpUrl, type Inline, truncate } from "../../../src/index.js";

const WORD_JOINER = "\u2060";
/** Bidi embedding/override/isolate controls: they can make text read differently than it is. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const BROADCAST = /@(channel|here|everyone)\b/gi;

/** Drops bidi controls and C0 controls other than newline and tab. */
export function stripControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(BIDI_CONTROLS, "").replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "");
}

/** `@channel`, `@here`, `@everyone` → "@\u2060channel": shown the same, notifies nobody. */
export function neutralizeBroadcasts(s: string): string {
  return s.replace(BROADCAST, (_m, word: string) => `@${WORD_JOINER}${word}`);
}

/**
 * Slack's only mrkdwn control characters are `&`, `<`, `>`; escaping them (`&` first) makes
 * `<!channel>`, `<@U123>` and `<https://evil|click>` inert text.
 */
export function escapeMrkdwn(s: string): string {
  return neutralizeBroadcasts(
    stripControls(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  );
}

/**
 * Text for plain_text objects (headers, button labels): Slack parses no mentions or links there, but
 * we still break every `<…>` (`<!channel>`, `<https://…|…>`) with a word joiner and neutralise broadcasts.
 */
export function plainText(s: string): string {
  return neutralizeBroadcasts(stripControls(s).replace(/</g, `<${WORD_JOINER}`));
}

/** An http(s) URL made safe inside `<url|label>`, or undefined for anything else. */
export function linkTarget(raw: string): string | undefined {
  const url = parseHttpUrl(raw);
  if (url === undefined) return undefined;
  // `|` would end the URL part, `<`/`>` would close the link; `&` must be an entity in mrkdwn.
  return url.href.replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/&/g, "&amp;");
}

/** A URL for a button's `url` field (JSON, not mrkdwn): only http(s), no entity escaping. */
export function buttonUrl(raw: string, max: number): string | undefined {
  const href = httpHref(raw);
  return href !== undefined && href.length <= max ? href : undefined;
}

/** `<url|label>` with a validated URL and an escaped label; just the label when the URL is not http(s). */
export function mrkdwnLink(url: string, label: string): string {
  const target = linkTarget(url);
  const text = escapeMrkdwn(label.replace(/\s+/g, " ").trim() || url);
  return target === undefined ? text : `<${target}|${text}>`;
}

/** Collapses runs of whitespace (titles come with hard line breaks from arXiv). */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

const MARK = { bold: "*", italic: "_" } as const;

/** Wraps in a mark only when there is something to mark, with no inner edge spaces (mrkdwn needs that). */
function wrap(mark: string, escaped: string): string {
  const trimmed = escaped.trim();
  if (trimmed === "") return escaped;
  const lead = escaped.slice(0, escaped.indexOf(trimmed));
  const tail = escaped.slice(lead.length + trimmed.length);
  return `${lead}${mark}${trimmed}${mark}${tail}`;
}

/** One inline run as mrkdwn; every piece of untrusted text is escaped here. */
export function inlineToMrkdwn(run: Inline): string {
  switch (run.type) {
    case "text":
      return escapeMrkdwn(run.text);
    case "bold":
    case "italic":
      return wrap(MARK[run.type], escapeMrkdwn(run.text));
    case "code":
      return wrap("`", escapeMrkdwn(run.text.replaceAll("`", "'")));
    case "link":
      return mrkdwnLink(run.url, run.text);
    default:
      return assertNever(run);
  }
}

/**
 * Inline runs as mrkdwn of at most `max` characters. A run that does not fit is cut before it is
 * escaped, so a cut never splits an entity (`&amp;`) or a link; a link that does not fit is dropped.
 */
export function inlinesToMrkdwn(runs: readonly Inline[], max: number): string {
  let out = "";
  for (const run of runs) {
    const piece = inlineToMrkdwn(run);
    if (out.length + piece.length <= max) {
      out += piece;
      continue;
    }
    const room = max - out.length;
    if (run.type !== "link" && room > 8) {
      let raw = truncate(run.text, room);
      let cut = inlineToMrkdwn({ type: run.type, text: raw });
      // Escaping can grow text up to 5× ("&" → "&amp;"): shrink in proportion until the escaped cut fits.
      let max = room;
      while (cut.length > room && max > 2) {
        max = Math.min(max - 1, Math.floor((max * room) / cut.length));
        raw = truncate(run.text, Math.max(2, max));
        cut = inlineToMrkdwn({ type: run.type, text: raw });
      }
      if (cut.length <= room) out += cut;
    } else if (room >= 1) {
      out += "…";
    }
    break;
  }
  return out;
}

/** Plain text of inline runs, for fallbacks and length estimates. */
export function inlinesToPlain(runs: readonly Inline[]): string {
  return runs.map((r) => r.text).join("");
}
