// Schedules in words ("weekdays at 09:00") and next-run times in the subscriber's zone ("Mon 30 Nov 09:00").

const DAY_NAMES = [
  "Sundays",
  "Mondays",
  "Tuesdays",
  "Wednesdays",
  "Thursdays",
  "Fridays",
  "Saturdays",
] as const;

const two = (n: number): string => String(n).padStart(2, "0");

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${String(n)}${s}`;
}

function dayList(field: string): string | undefined {
  if (field === "1-5") return "weekdays";
  if (field === "0,6" || field === "6,0") return "weekends";
  if (field === "*") return "every day";
  const days = field.split(",").map((d) => (/^[0-7]$/.test(d) ? DAY_NAMES[Number(d) % 7] : undefined));
  if (days.some((d) => d === undefined)) return undefined;
  return days.join(" and ");
}

/** What `describeSchedule` says of a cron it has no words for. */
export function cronFallback(cron: string): string {
  return `cron "${cron}"`;
}

/**
 * A cron expression in words for settings: "weekdays at 09:00", "Mondays at 09:00", "the 1st of each
 * month at 09:00", "every hour at :00". Anything it cannot say simply it returns as `cron "…"`.
 */
export function describeSchedule(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  const fallback = cronFallback(cron);
  if (fields.length !== 5) return fallback;
  const [min = "", hour = "", dom = "", month = "", dow = ""] = fields;
  if (!/^\d{1,2}$/.test(min) || month !== "*") return fallback;
  if (hour === "*" && dom === "*" && dow === "*") return `every hour at :${two(Number(min))}`;
  if (!/^\d{1,2}$/.test(hour)) return fallback;
  const time = `${two(Number(hour))}:${two(Number(min))}`;
  if (dom === "*") {
    const days = dayList(dow);
    return days ? `${days} at ${time}` : fallback;
  }
  if (/^\d{1,2}$/.test(dom) && dow === "*") return `the ${ordinal(Number(dom))} of each month at ${time}`;
  return fallback;
}

/** "Mon 30 Nov 09:00 Europe/Berlin": an instant as the subscriber reads it in their zone. */
export function formatRunTime(instant: Date, timezone: string): string {
  const parts: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  for (const p of fmt.formatToParts(instant)) parts[p.type] = p.value;
  return `${parts.weekday ?? ""} ${parts.day ?? ""} ${parts.month ?? ""} ${parts.hour ?? ""}:${parts.minute ?? ""} ${timezone}`;
}
