// Test support: finds mrkdwn that would ping someone or link somewhere in any string of a Slack payload.

/** Hosts paperboy builds links to; anything else in `<url|…>` is a forged link. */
const OUR_HOSTS = new Set(["huggingface.co", "arxiv.org", "github.com"]);

/** Every live mention (`<!channel>`, `<@U…>`, `<#C…>`, bare @here) or foreign link in the strings of `payload`. */
export function findLiveMarkup(payload: unknown): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/<([!@#][^>]*)>/g)) found.push(m[0]);
      for (const m of v.matchAll(/<(https?:\/\/[^|>]*)(\|[^>]*)?>/g)) {
        const host = new URL(m[1]!).hostname;
        if (!OUR_HOSTS.has(host)) found.push(m[0]);
      }
      for (const m of v.matchAll(/(^|[^\u2060])@(channel|here|everyone)\b/gi)) {
        // "@\u2060here" is neutralised; a bare one is live.
        if (!m[0].includes("\u2060")) found.push(m[0].trim());
      }
      if (/[\u202A-\u202E\u2066-\u2069]/.test(v)) found.push("bidi-control");
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(payload);
  return found;
}
