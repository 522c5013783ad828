// "1 vote", "2 votes": a count with its noun, for every answer that counts something.

/** `n` (grouped: "12,345") and `word`, with an "s" unless n is 1 (or `many` for irregular nouns). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : many}`;
}
