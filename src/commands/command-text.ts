// Low-level reading of `/papers` text: forbidden characters, whitespace, quote-aware tokens, small value checks.
import type { UsageError } from "./command.js";

/** The longest command text accepted, in characters (code points). */
export const MAX_COMMAND_CHARS = 250;

export const usage = (problem: string, example: string): UsageError => ({ problem, example });

const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * The first character paperboy refuses, described, or undefined. Refused: C0 controls other than tab
 * and line breaks (which count as spaces), DEL, C1 controls, bidi embeddings/overrides/isolates
 * (U+202A–U+202E, U+2066–U+2069) and unpaired surrogates.
 */
export function forbiddenCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `a broken character (${hex(code)})`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `a broken character (${hex(code)})`;
    if (code === 0x09 || code === 0x0a || code === 0x0d) continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `a control character (${hex(code)})`;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
      return `an invisible text-direction character (${hex(code)})`;
    }
  }
  return undefined;
}

/** Collapses every run of whitespace (including tabs, line breaks and no-break spaces) to one space. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/** Straight double quotes for smart ones, so stored text reads the same on every platform. */
export function straightenQuotes(text: string): string {
  return text.replace(/[“”„«»]/g, '"');
}

/** A whole number in [min, max], or undefined. Accepts digits only: no signs, decimals or exponents. */
export function integerIn(raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

/** "9pm" → "21:00", "12:15am" → "00:15": the 24-hour spelling of a 12-hour time, to suggest it. */
export function twelveHourToClock(raw: string): string | undefined {
  const m = /^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$/i.exec(raw);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2] ?? "0");
  if (hours < 1 || hours > 12 || minutes > 59) return undefined;
  const h24 = (hours % 12) + (m[3]?.toLowerCase() === "p" ? 12 : 0);
  return `${String(h24).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

/** arXiv archives whose subject classes are lower-case ("physics.optics", "cond-mat.mes-hall"). */
const LOWERCASE_SUBJECTS = new Set(["physics", "cond-mat"]);

/** "CS.cl" → "cs.CL", "hep-th" → "hep-th"; undefined unless it looks like an arXiv category. */
export function arxivCategory(raw: string): string | undefined {
  const [archive = "", subject, extra] = raw.split(".");
  if (extra !== undefined) return undefined;
  const lowerArchive = archive.toLowerCase();
  const fixedSubject =
    subject === undefined
      ? undefined
      : LOWERCASE_SUBJECTS.has(lowerArchive)
        ? subject.toLowerCase()
        : subject.toUpperCase();
  const category = fixedSubject === undefined ? lowerArchive : `${lowerArchive}.${fixedSubject}`;
  return /^[a-z-]+(\.[A-Za-z-]+)?$/.test(category) && !category.startsWith("-") ? category : undefined;
}
