// `paperboy archive backfill --from YYYY-MM-DD [--to YYYY-MM-DD]`: fills the archive from Hugging Face's daily lists.
// Paced (ARCHIVE_BACKFILL_PACE_MS), idempotent (papers are merged by id), resumable (the store records each filled day).
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import {
  BackfillError,
  backfillRange,
  runBackfill,
  type BackfillDay,
  type BackfillPlan,
  type BackfillRange,
} from "../src/archive/backfill.js";
import { createPaperArchive } from "../src/archive/paper-archive.js";
import { loadConfig } from "../src/config/load-config.js";
import { silentLogger } from "../src/ops/logger.js";
import { AppError } from "../src/shared/app-error.js";
import { plural } from "../src/messages/plural.js";
import { createStore } from "../src/storage/create-store.js";
import type { CliIo } from "./paperboy.js";
import { cliHuggingFace } from "./sources.js";

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

/** How progress is shown: a bar on a terminal, one plain line per day otherwise (logs, pipes, CI). */
interface ProgressView {
  plan(plan: BackfillPlan): void;
  day(day: BackfillDay, done: number, todo: number): void;
  stop(): void;
}

function barView(terminal: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream: terminal,
      format: " {bar} {value}/{total} days | {date} | {papers} papers, {added} new | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let papers = 0;
  let added = 0;
  return {
    plan(plan) {
      if (plan.todo.length === 0) return;
      bar.start(plan.todo.length, 0, { date: plan.todo[0] ?? "", papers: 0, added: 0 });
      started = true;
    },
    day(day, done) {
      papers += day.papers;
      added += day.added;
      bar.update(done, { date: day.date, papers, added });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function lineView(io: CliIo): ProgressView {
  return {
    plan: () => undefined,
    day(day, done, todo) {
      io.out(`${day.date}  ${plural(day.papers, "paper")}, ${day.added} new  (${done}/${todo})`);
    },
    stop: () => undefined,
  };
}

/** The command that continues this run: the same range. */
function resumeCommand(range: BackfillRange, toGiven: boolean): string {
  return `paperboy archive backfill --from ${range.from}${toGiven ? ` --to ${range.to}` : ""}`;
}

/** First Ctrl-C: stop after the day in progress. A second one: quit at once (that day is fetched again next time). */
function onInterrupt(io: CliIo, controller: AbortController, onTerminal: boolean): () => void {
  const handler = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED);
    // On a terminal the bar holds the line: start a new one.
    io.err(`${onTerminal ? "\n" : ""}Stopping after the day in progress… (Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}

export async function archiveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "backfill")
    throw new AppError(
      "usage",
      sub === undefined ? "give an archive command: backfill" : `unknown archive command "${sub}"`,
    );
  const { values } = parseArgs({
    args: rest,
    options: { from: { type: "string" }, to: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  let range: BackfillRange;
  try {
    range = backfillRange(values.from, values.to, io.now());
  } catch (error) {
    if (error instanceof AppError) throw new AppError("usage", error.message);
    throw error;
  }
  const config = loadConfig(io.env);
  const store = await createStore(config.STORE_URL);
  const controller = new AbortController();
  const terminal = io.terminal === undefined ? (process.stdout.isTTY ? process.stdout : null) : io.terminal;
  const dispose = onInterrupt(io, controller, terminal !== null);
  const view = terminal !== null ? barView(terminal) : lineView(io);
  const resume = resumeCommand(range, values.to !== undefined);
  try {
    const hf = cliHuggingFace(config, store, io);
    const pace = `one day every ${Number((config.ARCHIVE_BACKFILL_PACE_MS / 1000).toFixed(1))} s`;
    const report = await runBackfill(
      {
        hf,
        archive: createPaperArchive({ papers: store.papers, log: silentLogger, indexed: false }),
        progress: store.backfill,
        paceMs: config.ARCHIVE_BACKFILL_PACE_MS,
        log: silentLogger,
      },
      range,
      {
        signal: controller.signal,
        onPlan: (plan) => {
          const already = plan.done > 0 ? ` (${plural(plan.done, "day")} already filled)` : "";
          io.out(
            plan.todo.length === 0
              ? `Nothing to do: all ${plural(plan.days, "day")} from ${range.from} to ${range.to} are already in the archive.`
              : `Filling ${plural(plan.todo.length, "day")} from ${range.from} to ${range.to}${already} from ${hf.baseUrl}, ${pace}.`,
          );
          view.plan(plan);
        },
        onDay: (day, done, todo) => {
          view.day(day, done, todo);
        },
      },
    );
    view.stop();
    const summary = `${plural(report.filled, "day")} filled: ${plural(report.papers, "paper")}, ${report.added} new to the archive`;
    if (report.stopped) {
      io.out(
        `Stopped. ${summary}; ${report.done + report.filled} of ${report.days} days are in the archive.`,
      );
      io.out(`Run the same command again to resume (filled days are skipped): ${resume}`);
      return INTERRUPTED;
    }
    if (report.todo.length > 0) {
      io.out(`Done. ${summary}. A running paperboy searches them after its next restart.`);
    }
    return 0;
  } catch (error) {
    view.stop();
    if (!(error instanceof BackfillError)) throw error;
    io.err(`paperboy: ${error.message}`);
    io.err(`Run the same command again to resume (filled days are skipped): ${resume}`);
    return 1;
  } finally {
    dispose();
    await store.close();
  }
}
