// The one reader of typed text with quotes: `/papers` commands, topic filters and search queries all split
// `diffusion "world model" -survey` the same way (straight and smart quotes alike).

export interface Token {
  /** The token without its quotes (a quoted one trimmed). */
  readonly text: string;
  readonly quoted: boolean;
  /** A quote was opened and never closed: the token runs to the end of the text. */
  readonly unclosed: boolean;
  /** Offsets in the text, quotes included. */
  readonly start: number;
  readonly end: number;
}

export const OPENING_QUOTES: ReadonlySet<string> = new Set(['"', "“", "„", "«", "”"]);
const CLOSING_QUOTES: ReadonlySet<string> = new Set(['"', "”", "“", "»"]);
const SPACE = /\s/u;

/** Splits text into words and "quoted strings"; any whitespace separates. Never throws. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (SPACE.test(text[i] ?? "")) {
      i++;
      continue;
    }
    const start = i;
    if (OPENING_QUOTES.has(text[i] ?? "")) {
      i++;
      let value = "";
      while (i < text.length && !CLOSING_QUOTES.has(text[i] ?? "")) value += text[i++] ?? "";
      const unclosed = i >= text.length;
      if (!unclosed) i++;
      tokens.push({ text: value.replace(/\s+/gu, " ").trim(), quoted: true, unclosed, start, end: i });
      continue;
    }
    let value = "";
    while (i < text.length && !SPACE.test(text[i] ?? "") && !OPENING_QUOTES.has(text[i] ?? ""))
      value += text[i++] ?? "";
    tokens.push({ text: value, quoted: false, unclosed: false, start, end: i });
  }
  return tokens;
}

/** A token with a leading "-" read as an exclusion: `-survey`, and `-"quoted phrase"` (a "-" right before a quote). */
export interface QueryToken {
  readonly text: string;
  readonly quoted: boolean;
  readonly negated: boolean;
}

/** Tokens for queries and topics, where `-word` and `-"phrase"` exclude. */
export function queryTokens(text: string): QueryToken[] {
  const tokens = tokenize(text);
  const out: QueryToken[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (token === undefined) continue;
    const next = tokens[k + 1];
    if (!token.quoted && token.text === "-" && next?.quoted === true && next.start === token.end) {
      out.push({ text: next.text, quoted: true, negated: true });
      k++;
    } else if (!token.quoted && token.text.startsWith("-") && token.text.length > 1) {
      out.push({ text: token.text.slice(1), quoted: false, negated: true });
    } else {
      out.push({ text: token.text, quoted: token.quoted, negated: false });
    }
  }
  return out;
}
