// IANA time zones: the one check, used by the configuration, `/papers subscribe … tz` and the schedules.

/** The canonical IANA name of a time zone the runtime knows ("europe/berlin" → "Europe/Berlin"), or undefined. */
export function canonicalTimeZone(raw: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(raw)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** True when `timezone` is an IANA zone the runtime knows. */
export const isTimeZone = (timezone: string): boolean => canonicalTimeZone(timezone) !== undefined;
