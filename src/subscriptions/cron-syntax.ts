// Five-field cron syntax check for `/papers subscribe cron "…"`: says which field is wrong and why.

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly namesFrom?: number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/** minute hour day-of-month month day-of-week; day-of-week 0 and 7 are both Sunday. */
const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

/** A cron expression that passes: "m h dom mon dow", fields separated by single spaces. */
export const CRON_EXAMPLE = "30 9 * * MON-FRI";

function valueOf(raw: string, spec: FieldSpec): number | string {
  if (/^\d{1,2}$/.test(raw)) {
    const n = Number(raw);
    return n >= spec.min && n <= spec.max
      ? n
      : `"${raw}" is out of range ${String(spec.min)}–${String(spec.max)}`;
  }
  const index = spec.names?.indexOf(raw.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.namesFrom ?? 0);
  return spec.names
    ? `"${raw}" is not a number or a name (${spec.names[0] ?? ""}…${spec.names.at(-1) ?? ""})`
    : `"${raw}" is not a number`;
}

function itemProblem(item: string, spec: FieldSpec): string | undefined {
  const [base = "", step, extra] = item.split("/");
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined) {
    if (!/^\d{1,2}$/.test(step) || Number(step) < 1 || Number(step) > spec.max - spec.min + 1) {
      return `"${item}" has a bad step "${step}"`;
    }
  }
  if (base === "*") return undefined;
  if (base === "") return `"${item}" is empty`;
  const [from = "", to, more] = base.split("-");
  if (more !== undefined || from === "" || to === "") return `"${base}" is not a range`;
  const start = valueOf(from, spec);
  if (typeof start === "string") return start;
  if (to === undefined) return undefined;
  const end = valueOf(to, spec);
  if (typeof end === "string") return end;
  return start <= end ? undefined : `"${base}" runs backwards`;
}

/**
 * Why a five-field cron expression is invalid, or undefined when it is fine. Each field is `*`, a
 * number, a range `a-b`, any of those with a `/step`, or a comma list of them; month and day of week
 * also take names (JAN…DEC, SUN…SAT).
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression
    .trim()
    .split(/\s+/)
    .filter((f) => f !== "");
  if (fields.length !== FIELDS.length) {
    return `A cron expression has 5 fields (minute hour day-of-month month day-of-week); "${expression.trim()}" has ${String(fields.length)}.`;
  }
  for (const [index, field] of fields.entries()) {
    const spec = FIELDS[index];
    if (spec === undefined) continue;
    for (const item of field.split(",")) {
      const problem = itemProblem(item, spec);
      if (problem !== undefined) return `Cron field ${String(index + 1)} (${spec.name}): ${problem}.`;
    }
  }
  return undefined;
}
