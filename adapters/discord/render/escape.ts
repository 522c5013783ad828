// Discord markdown escaping of untrusted text (titles, summaries, queries): no mention, no link we did not build.
// @see https://discord.com/developers/docs/reference#message-formatting
import { escapeMarkdown } from "discord.js";
import { DISCORD_LIMITS } from "../limits.js";
import { truncate } from "../../../src/index.js";

const ZWSP = "\u200b";

// Bidi overrides and isolates reorder the text around them (a title could make a link label read backwards).
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Escapes untrusted text for a Discord message, embed title or description.
 *
 * `allowed_mentions: { parse: [] }` is the primary guard against pings; this is belt and braces, so the
 * text stays inert even if it is ever sent without it: `@everyone`/`@here` and `<@…>`, `<@&…>`, `<#…>`
 * get a zero-width space, masked links are escaped (all of them: discord.js escapes only the first `[` of
 * a line), and bare URLs lose their autolink so a summary cannot carry a link we did not build.
 */
export function escapeDiscord(text: string, maxInput: number = DISCORD_LIMITS.description): string {
  // Nothing longer than a description can be shown, so the raw text is cut first. discord.js's bold, italic
  // and underline escapes use lookbehinds that are quadratic on long runs without spaces (4,096 characters
  // took ~350 ms), so those three are replaced by escaping every `*` and `_`, a linear superset.
  const escaped = escapeMarkdown(truncate(text, maxInput).replace(BIDI_CONTROLS, ""), {
    maskedLink: true,
    heading: true,
    bulletedList: true,
    numberedList: true,
    bold: false,
    italic: false,
    underline: false,
  }).replace(/[*_]/g, "\\$&");
  return neutraliseLinks(neutraliseMentions(escapeBrackets(escaped)));
}

/**
 * Text inside an inline code span: markdown and links are not rendered there and backslashes would show,
 * so only mentions, autolinks and bidi controls are neutralised (and backticks cannot close the span).
 */
export function escapeCodeSpan(text: string): string {
  const flat = truncate(text, DISCORD_LIMITS.description)
    .replace(BIDI_CONTROLS, "")
    .replaceAll("`", "'")
    .replace(/\s+/g, " ");
  return neutraliseLinks(neutraliseMentions(flat));
}

/** Text where Discord renders no markdown (footers, button labels, choice names): mentions inert, no bidi controls. */
export function escapePlain(text: string): string {
  return neutraliseMentions(text.replace(BIDI_CONTROLS, ""));
}

/** `@everyone` → `@\u200beveryone`; `<@123>`, `<@&1>`, `<#1>`, `</cmd:1>`, `<t:1>` → `<\u200b…` (inert text). */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(?=[@#/:!&a-z])/gi, `<${ZWSP}`);
}

/** `https://evil` → `https:\u200b//evil`: Discord no longer autolinks it, and it still reads as the address. */
function neutraliseLinks(text: string): string {
  return text.replaceAll("://", `:${ZWSP}//`);
}

/** Escapes every `[` and `]` that is not already escaped (an odd run of backslashes before it). */
function escapeBrackets(text: string): string {
  let out = "";
  let backslashes = 0;
  for (const ch of text) {
    if ((ch === "[" || ch === "]") && backslashes % 2 === 0) out += "\\";
    out += ch;
    backslashes = ch === "\\" ? backslashes + 1 : 0;
  }
  return out;
}

/** A masked link we build ourselves: escaped label, URL with the characters that would end the link encoded. */
export function maskedLink(label: string, url: string): string {
  const target = url.replace(
    /[()\s<>[\]]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `[${escapeDiscord(label)}](${target})`;
}
