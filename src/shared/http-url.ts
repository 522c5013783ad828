// The one check every link goes through: an absolute http(s) URL, or nothing (javascript:, data:, relative, broken).

/** `raw` parsed when it is an absolute `http://` or `https://` URL (surrounding spaces ignored); else undefined. */
export function parseHttpUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The normalised href of an absolute http(s) URL; undefined for anything else. */
export function httpHref(raw: string | undefined): string | undefined {
  return parseHttpUrl(raw)?.href;
}
