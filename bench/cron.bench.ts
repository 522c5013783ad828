// Cron next-run benchmark: our hand-written arithmetic (cronNextRun) vs croner and cron-parser, and vs the walker
// node-cron itself schedules with, on the same expressions × zones × start instants around 2026's DST changes.
// (a) agreement: disagreements counted by kind, with examples; (b) speed: median µs per nextRun call, same run.
// node-cron's walker (TimeMatcher.getNextMatch) is not public API: it is reached through a task's `timeMatcher`
// property, only here, because it decides when node-cron really fires: the reference for "right" below.
import { performance } from "node:perf_hooks";
import { cpus, loadavg } from "node:os";
import { CronExpressionParser } from "cron-parser";
import { Cron } from "croner";
import cron from "node-cron";
import { cronNextRun } from "../src/scheduler/node-cron-scheduler.js";
import { createRandom } from "./generate-papers.js";

const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
  "Pacific/Chatham",
];
const EXPRESSIONS = [
  "0 9 * * *", // daily 09:00
  "0 9 * * 1-5", // weekdays
  "*/15 * * * *",
  "0 9 1 * *", // monthly
  "0 9 * * MON",
  "30 2 * * *", // in Berlin's and New York's gap, and in Berlin's repeated hour
  "30 1 * * *", // in New York's repeated hour
  "15 2 * * *", // in Lord Howe's 30-minute gap
  "0 9 L * *", // last day of the month
  "0 9 * * 5#2", // second Friday
  "0 9 1-7 * MON", // day-of-month AND day-of-week in node-cron; OR in Vixie cron
];
const RANDOM_INSTANTS = Number(process.env.BENCH_CRON_RANDOM ?? 300);
/** Start instants every STEP_MIN minutes from WINDOW_H hours before each DST change of the zone to as many after. */
const WINDOW_H = 30;
const STEP_MIN = Number(process.env.BENCH_CRON_STEP_MIN ?? 10);
const TIMING_CASES = Number(process.env.BENCH_CRON_TIMING_CASES ?? 4_000);
const ROUNDS = 3;

type NextRun = (expression: string, zone: string) => (after: Date) => Date | undefined;
interface Calculator {
  readonly name: string;
  readonly make: NextRun;
}

const memo = <T>(
  build: (expression: string, zone: string) => T,
): ((expression: string, zone: string) => T) => {
  const cache = new Map<string, T>();
  return (expression, zone) => {
    const key = `${zone} ${expression}`;
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = build(expression, zone)));
    return value;
  };
};

interface NodeCronInternals {
  readonly timeMatcher: { getNextMatch(after: Date): Date; match(at: Date): boolean };
}
const nodeCronMatcher = memo((expression, zone) => {
  const task = cron.createTask(expression, () => undefined, { timezone: zone });
  void Promise.resolve(task.destroy()).catch(() => undefined);
  return (task as unknown as NodeCronInternals).timeMatcher;
});
const cronerJob = memo((expression, zone) => new Cron(expression, { timezone: zone, domAndDow: true }));
const parserExpression = memo((expression, zone) => CronExpressionParser.parse(expression, { tz: zone }));

const CALCULATORS: readonly Calculator[] = [
  { name: "ours (cronNextRun)", make: (e, z) => (after) => cronNextRun(e, z, after) },
  { name: "node-cron 4.6 walker", make: (e, z) => (after) => nodeCronMatcher(e, z).getNextMatch(after) },
  { name: "croner 11 (domAndDow)", make: (e, z) => (after) => cronerJob(e, z).nextRun(after) ?? undefined },
  {
    name: "cron-parser 5.10",
    make: (e, z) => (after) => {
      const parsed = parserExpression(e, z);
      parsed.reset(after);
      return parsed.next().toDate();
    },
  },
];
const [OURS] = CALCULATORS as [Calculator, ...Calculator[]];

// ---- time zone helpers (Intl only) ----
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** The zone's UTC offset at `ms`, in minutes. */
function offsetMinutes(ms: number, zone: string): number {
  let f = offsetFormats.get(zone);
  if (!f)
    offsetFormats.set(
      zone,
      (f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })),
    );
  const name = f.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
/** "2026-03-29 02:30 (+01:00)": the wall-clock time of `ms` in the zone, with its offset. */
function wall(ms: number | undefined, zone: string): string {
  if (ms === undefined) return "none";
  const off = offsetMinutes(ms, zone);
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 16).replace("T", " ");
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  return `${local} (${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")})`;
}
/** The instants in 2026 at which the zone's offset changes, to the minute. */
function transitions(zone: string): number[] {
  const out: number[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let t = start; t < Date.UTC(2027, 0, 1); t += 3_600_000) {
    if (offsetMinutes(t, zone) === offsetMinutes(t + 3_600_000, zone)) continue;
    let lo = t;
    let hi = t + 3_600_000;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutes(mid, zone) === offsetMinutes(t, zone)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

interface Case {
  readonly expression: string;
  readonly zone: string;
  readonly after: Date;
  /** When node-cron next fires after `after`, running since before the DST window (see referenceRuns). */
  reference?: number | undefined;
}

/** Start instants of a zone, each with the DST window it lies in (undefined: none within ±WINDOW_H h). */
function instantsOf(zone: string, random: () => number): { at: number; window: number | undefined }[] {
  const yearStart = Date.UTC(2026, 0, 1);
  const yearMs = Date.UTC(2027, 0, 1) - yearStart;
  const changes = transitions(zone);
  const windowOf = (t: number): number | undefined =>
    changes.find((c) => Math.abs(t - c) <= WINDOW_H * 3_600_000) ?? undefined;
  const out: { at: number; window: number | undefined }[] = [];
  for (let i = 0; i < RANDOM_INSTANTS; i++) {
    const at = yearStart + Math.floor(random() * yearMs);
    out.push({ at, window: windowOf(at) });
  }
  for (const change of changes)
    for (let t = change - WINDOW_H * 3_600_000; t <= change + WINDOW_H * 3_600_000; t += STEP_MIN * 60_000)
      out.push({ at: t, window: change });
  return out;
}

/**
 * What node-cron really does: its runner sleeps until walker(previous run), so within a DST window the runs are
 * the walker's chain from before the window, and the right next run after t is the first run of that chain after t.
 * (The walker asked from an arbitrary instant inside a repeated hour can answer differently: shown as its own row.)
 */
function referenceRuns(expression: string, zone: string, change: number): number[] {
  const walker = nodeCronMatcher(expression, zone);
  const end = change + WINDOW_H * 3_600_000;
  const runs: number[] = [];
  let at = change - WINDOW_H * 3_600_000 - 1_000;
  while (runs.length === 0 || (runs.at(-1) ?? 0) <= end) {
    at = walker.getNextMatch(new Date(at)).getTime();
    runs.push(at);
  }
  return runs;
}

function buildCases(): { cases: Case[]; changes: Map<string, number[]> } {
  const random = createRandom(20260329);
  const cases: Case[] = [];
  const changes = new Map<string, number[]>();
  for (const zone of ZONES) {
    changes.set(zone, transitions(zone));
    const instants = instantsOf(zone, random);
    for (const expression of EXPRESSIONS) {
      const chains = new Map<number, number[]>();
      for (const { at, window } of instants) {
        const c: Case = { expression, zone, after: new Date(at) };
        if (window === undefined)
          c.reference = nodeCronMatcher(expression, zone).getNextMatch(c.after).getTime();
        else {
          let runs = chains.get(window);
          if (!runs) chains.set(window, (runs = referenceRuns(expression, zone, window)));
          c.reference = runs.find((r) => r > at);
        }
        cases.push(c);
      }
    }
  }
  return { cases, changes };
}

type Kind =
  | "the other occurrence of a repeated wall time"
  | "a run node-cron does not make"
  | "misses a run node-cron makes"
  | "a time the expression does not name (moved out of a DST gap)"
  | "day-of-month OR day-of-week (node-cron: AND)"
  | "threw"
  | "not called: within 6 h after a throw for this expression";
const SKIPPED = -1;
const THREW = -2;
function classify(mine: number, reference: number | undefined, c: Case): Kind {
  if (mine === SKIPPED) return "not called: within 6 h after a throw for this expression";
  if (mine === THREW || reference === undefined) return "threw";
  if (wall(mine, c.zone).slice(0, 16) === wall(reference, c.zone).slice(0, 16))
    return "the other occurrence of a repeated wall time";
  if (!nodeCronMatcher(c.expression, c.zone).match(new Date(mine))) {
    const fields = c.expression.split(" ");
    return fields[2] !== "*" && fields[4] !== "*"
      ? "day-of-month OR day-of-week (node-cron: AND)"
      : "a time the expression does not name (moved out of a DST gap)";
  }
  return mine < reference ? "a run node-cron does not make" : "misses a run node-cron makes";
}

/** Every calculator's answer per case. A call that throws (cron-parser's "loop limit exceeded" takes ~0.8 s) is not
 * repeated for the same expression and zone until the start instant is 6 h on; those cases are counted apart. */
function answersOf(calc: Calculator, cases: readonly Case[]): number[] {
  const lastThrow = new Map<string, number>();
  return cases.map((c) => {
    const key = `${c.zone} ${c.expression}`;
    const thrownAt = lastThrow.get(key);
    if (
      thrownAt !== undefined &&
      c.after.getTime() >= thrownAt &&
      c.after.getTime() - thrownAt < 6 * 3_600_000
    )
      return SKIPPED;
    try {
      return calc.make(c.expression, c.zone)(c.after)?.getTime() ?? THREW;
    } catch {
      lastThrow.set(key, c.after.getTime());
      return THREW;
    }
  });
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
const line = (label: string, value: string): void => console.log(`${`${label}:`.padEnd(44)}${value}`);

line("machine load (1/5/15 min) at start", `${load()}  (${cpus().length} CPUs)  ${new Date().toISOString()}`);
const { cases, changes } = buildCases();
line("expressions × zones", `${EXPRESSIONS.length} × ${ZONES.length}`);
line(
  "cases",
  `${cases.length}: per zone ${RANDOM_INSTANTS} random start instants in 2026 and one every ${STEP_MIN} min within ±${WINDOW_H} h of each DST change`,
);
for (const [zone, list] of changes)
  if (list.length > 0)
    line(
      `  DST changes in ${zone}`,
      list.map((t) => `${new Date(t).toISOString().slice(0, 16)}Z`).join(", "),
    );

// (a) agreement with what node-cron fires
const answers = new Map<string, number[]>();
const agreementStart = performance.now();
for (const calc of CALCULATORS) answers.set(calc.name, answersOf(calc, cases));
console.log(
  `\nagreement with node-cron's runs (the next run after each start instant; ${((performance.now() - agreementStart) / 1000).toFixed(1)} s):`,
);
for (const calc of CALCULATORS) {
  const mine = answers.get(calc.name) ?? [];
  const kinds = new Map<Kind, { count: number; expressions: Set<string>; examples: string[] }>();
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i] as Case;
    if (mine[i] === c.reference) continue;
    const answer = mine[i] ?? THREW;
    const kind = classify(answer, c.reference, c);
    const entry = kinds.get(kind) ?? { count: 0, expressions: new Set<string>(), examples: [] };
    entry.count++;
    entry.expressions.add(c.expression);
    if (entry.examples.length < 2 && !entry.examples.some((e) => e.includes(`"${c.expression}" ${c.zone} `)))
      entry.examples.push(
        `"${c.expression}" ${c.zone} after ${c.after.toISOString().slice(0, 16)}Z: node-cron runs ${wall(c.reference, c.zone)}, ` +
          `this says ${answer >= 0 ? wall(answer, c.zone) : "nothing"}`,
      );
    kinds.set(kind, entry);
  }
  const total = [...kinds.values()].reduce((n, e) => n + e.count, 0);
  line(`  ${calc.name}`, `${total} of ${cases.length} differ`);
  for (const [kind, entry] of kinds) {
    console.log(`    ${String(entry.count).padStart(6)}  ${kind}  [${[...entry.expressions].join(" · ")}]`);
    for (const example of entry.examples) console.log(`              ${example}`);
  }
}
const ours = answers.get(OURS.name) ?? [];
for (const calc of CALCULATORS.slice(1)) {
  const mine = answers.get(calc.name) ?? [];
  line(
    `  ${calc.name} vs ours`,
    `${cases.filter((_, i) => mine[i] !== ours[i]).length} of ${cases.length} differ`,
  );
}

// (b) speed: every calculator on the same sample (cases every calculator answered), rounds in rotated order.
const answeredByAll = cases.filter((_, i) =>
  CALCULATORS.every((calc) => (answers.get(calc.name)?.[i] ?? THREW) >= 0),
);
const stride = Math.max(1, Math.floor(answeredByAll.length / TIMING_CASES));
const sample = answeredByAll.filter((_, i) => i % stride === 0);
const perCall = new Map<string, number[]>();
const meanPerCall = new Map<string, number[]>();
/** Per calculator and expression: the mean µs a call of each round. */
const byExpression = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < CALCULATORS.length; k++) {
    const calc = CALCULATORS[(k + round) % CALCULATORS.length] as Calculator;
    const runs = sample.map((c) => calc.make(c.expression, c.zone));
    const times = new Float64Array(sample.length);
    const start = performance.now();
    for (let i = 0; i < sample.length; i++) {
      const t0 = performance.now();
      (runs[i] as (after: Date) => Date | undefined)((sample[i] as Case).after);
      times[i] = performance.now() - t0;
    }
    const elapsed = performance.now() - start;
    for (const expression of EXPRESSIONS) {
      let sum = 0;
      let n = 0;
      sample.forEach((c, i) => {
        if (c.expression !== expression) return;
        sum += times[i] ?? 0;
        n++;
      });
      const key = `${calc.name}\u0000${expression}`;
      byExpression.set(key, [...(byExpression.get(key) ?? []), n > 0 ? (sum / n) * 1000 : NaN]);
    }
    times.sort();
    perCall.set(calc.name, [
      ...(perCall.get(calc.name) ?? []),
      (times[Math.floor(times.length / 2)] ?? 0) * 1000,
    ]);
    meanPerCall.set(calc.name, [...(meanPerCall.get(calc.name) ?? []), (elapsed / sample.length) * 1000]);
  }
}
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
console.log(
  `\nspeed (${sample.length} cases every calculator answered × ${ROUNDS} rounds, rotated order; median of the rounds):`,
);
const oursMedian = median(perCall.get(OURS.name) ?? []);
const oursMean = median(meanPerCall.get(OURS.name) ?? []);
for (const calc of CALCULATORS) {
  const p50 = median(perCall.get(calc.name) ?? []);
  const mean = median(meanPerCall.get(calc.name) ?? []);
  line(
    `  ${calc.name}`,
    `median ${p50.toFixed(1)} µs a call, mean ${mean.toFixed(1)} µs  (÷ ours: ${(p50 / oursMedian).toFixed(2)}x, ${(mean / oursMean).toFixed(2)}x)`,
  );
}
console.log(
  `  mean µs a call by expression (${CALCULATORS.map((c) => c.name.split(" ")[0] ?? "").join(" / ")}):`,
);
for (const expression of EXPRESSIONS)
  console.log(
    `    ${expression.padEnd(16)}${CALCULATORS.map((calc) =>
      median(byExpression.get(`${calc.name}\u0000${expression}`) ?? [])
        .toFixed(0)
        .padStart(8),
    ).join("")}`,
  );
line("machine load (1/5/15 min) at end", load());
