// The `paperboy` command line: `digest` prints the digest that would be posted, `search` searches papers.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { renderText } from "../adapters/console/render-text.js";
import { loadConfig } from "../src/config/load-config.js";
import { AppError } from "../src/shared/app-error.js";
import { composeDigest, composePaperList } from "../src/digest/compose-digest.js";
import { cardLinks } from "../src/digest/paper-card.js";
import { coverageNote } from "../src/search/archive-coverage.js";
import {
  fetchPeriod,
  periodEmptyText,
  periodMoreLinks,
  periodTitle,
  type Period,
  type PeriodPapers,
} from "../src/digest/period.js";
import type { ComposeOptions } from "../src/digest/digest-types.js";
import { rankPapers } from "../src/digest/rank-papers.js";
import { parseTopic } from "../src/digest/topic-filter.js";
import type { OutboundMessage } from "../src/messages/outbound-message.js";
import { createPaperArchive } from "../src/archive/paper-archive.js";
import type { Paper } from "../src/papers/paper.js";
import { parseHfItems } from "../src/sources/hf-item.js";
import { isoWeek, lastCompletedBatchDate, monthOf } from "../src/sources/ny-date.js";
import { silentLogger } from "../src/ops/logger.js";
import { createStore } from "../src/storage/create-store.js";
import { archiveCommand } from "./archive-backfill.js";
import { renderForFormat, FORMATS, type Format } from "./formats.js";
import { cliHuggingFace } from "./sources.js";

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Record<string, string | undefined>;
  readonly now: () => Date;
  /** Where a progress bar may draw: stdout when it is a terminal (the default), null for plain lines. */
  readonly terminal?: NodeJS.WriteStream | null;
}

const USAGE = `usage:
  paperboy digest [--date YYYY-MM-DD | --week YYYY-Www | --month YYYY-MM] [--top N] [--topic "…"]
                  [--layout compact|cards] [--format text|slack|discord|json] [--source-file FILE]
  paperboy search "<query>" [--archive FILE] [--limit N] [--json]
  paperboy archive backfill --from YYYY-MM-DD [--to YYYY-MM-DD]`;

/** A bad argument: printed with the usage text, exit code 2. */
const usageError = (message: string): AppError => new AppError("usage", message);

function intOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw usageError(`--${name} must be a whole number from ${min} to ${max}, e.g. --${name} ${fallback}`);
  return Number(value);
}

/** A saved response: a JSON array of daily-papers items, or JSON lines (one item per line). */
export async function readPapersFile(path: string): Promise<{ papers: Paper[]; dropped: number }> {
  const raw = await readFile(path, "utf8").catch((error: unknown) => {
    throw usageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const trimmed = raw.trim();
  if (trimmed.startsWith("[")) {
    try {
      return parseHfItems(JSON.parse(trimmed));
    } catch (error) {
      throw usageError(
        `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const items: unknown[] = [];
  let dropped = 0;
  for (const line of trimmed.split("\n")) {
    if (line.trim() === "") continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      dropped++;
    }
  }
  const parsed = parseHfItems(items);
  return { papers: parsed.papers, dropped: parsed.dropped + dropped };
}

/** The batch date most papers share, e.g. "2026-06-12", for the digest's title. */
function batchLabel(papers: readonly Paper[]): string | undefined {
  const counts = new Map<string, number>();
  for (const p of papers)
    if (p.dailyDate !== undefined) counts.set(p.dailyDate, (counts.get(p.dailyDate) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The period the options name (the last completed batch by default). */
function periodOf(
  values: { date?: string | undefined; week?: string | undefined; month?: string | undefined },
  now: Date,
): Period {
  if (values.week !== undefined) return { kind: "weekly", week: values.week };
  if (values.month !== undefined) return { kind: "monthly", month: values.month };
  return { kind: "daily", dates: [values.date ?? lastCompletedBatchDate(now)] };
}

async function networkPapers(io: CliIo, period: Period): Promise<PeriodPapers> {
  const config = loadConfig(io.env);
  const store = await createStore(config.STORE_URL);
  try {
    return await fetchPeriod(cliHuggingFace(config, store, io), period);
  } finally {
    await store.close();
  }
}

async function digest(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      date: { type: "string" },
      week: { type: "string" },
      month: { type: "string" },
      top: { type: "string" },
      topic: { type: "string" },
      layout: { type: "string" },
      format: { type: "string" },
      "source-file": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const periods = [values.date, values.week, values.month].filter((v) => v !== undefined);
  if (periods.length > 1) throw usageError("give at most one of --date, --week, --month");
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    throw usageError(`--date must be YYYY-MM-DD, e.g. --date 2026-06-12`);
  if (values.week !== undefined && !/^\d{4}-W\d{2}$/.test(values.week))
    throw usageError(`--week must be an ISO week, e.g. --week ${isoWeek(io.now())}`);
  if (values.month !== undefined && !/^\d{4}-\d{2}$/.test(values.month))
    throw usageError(`--month must be YYYY-MM, e.g. --month ${monthOf(io.now())}`);
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) throw usageError(`--format must be one of ${FORMATS.join(", ")}`);
  const layout = values.layout ?? "compact";
  if (layout !== "compact" && layout !== "cards") throw usageError("--layout must be compact or cards");
  const top = intOption(values.top, "top", 1, 10, 5);

  let papers: readonly Paper[];
  let title: string;
  let more: Pick<ComposeOptions, "moreLinks" | "empty"> = {};
  let notice: string | undefined;
  if (values["source-file"] !== undefined) {
    const file = await readPapersFile(values["source-file"]);
    papers = file.papers;
    const batch = batchLabel(papers);
    title =
      batch !== undefined
        ? periodTitle({ kind: "daily", dates: [batch] })
        : `Trending on Hugging Face — ${values["source-file"]}`;
    if (batch !== undefined) {
      const period = { kind: "daily", dates: [batch] } as const;
      more = { moreLinks: periodMoreLinks(period), empty: periodEmptyText(period) };
    }
    if (file.dropped > 0)
      io.err(`warning: ${file.dropped} malformed item(s) in ${values["source-file"]} were skipped`);
  } else {
    const period = periodOf(values, io.now());
    const fetched = await networkPapers(io, period);
    papers = fetched.papers;
    title = periodTitle(period);
    more = { moreLinks: periodMoreLinks(period), empty: periodEmptyText(period) };
    if (fetched.stale)
      notice = "Hugging Face could not be reached; these are the last cached papers and may be stale.";
  }
  const ranked = rankPapers(papers, {
    now: io.now(),
    ...(values.topic !== undefined ? { topic: parseTopic(values.topic) } : {}),
  });
  const composed = composeDigest(ranked, {
    title,
    top,
    layout,
    ...more,
    ...(notice !== undefined ? { notice } : {}),
  });
  io.out(await renderForFormat(format, composed.messages));
  return 0;
}

async function search(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { archive: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
    strict: true,
    allowPositionals: true,
  });
  const query = positionals.join(" ").trim();
  if (query === "") throw usageError('give a query, e.g. paperboy search "self-supervised"');
  const limit = intOption(values.limit, "limit", 1, 100, 10);
  const store = await createStore(values.archive !== undefined ? "memory://" : loadConfig(io.env).STORE_URL);
  try {
    const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
    if (values.archive !== undefined) await archive.upsert((await readPapersFile(values.archive)).papers);
    else await archive.load();
    const hits = await archive.search(query, { limit });
    if (values.json === true) {
      io.out(
        JSON.stringify(
          hits.map((h) => ({ id: h.paper.id, title: h.paper.title, score: Number(h.score.toFixed(4)) })),
        ),
      );
    } else if (hits.length === 0) {
      const title = `Papers matching “${query}”`;
      io.out(
        renderText(
          values.archive !== undefined
            ? composePaperList([], { title, query, shareButtons: false })
            : composePaperList([], {
                title,
                query,
                shareButtons: false,
                emptyNote: coverageNote(archive.coverage(), io.now()),
              }),
        ),
      );
    } else {
      const message: OutboundMessage = {
        fallbackText: "",
        blocks: hits.map((h, i) => ({
          type: "paper",
          slot: i + 1,
          paper: {
            id: h.paper.id,
            title: h.paper.title,
            url: `https://huggingface.co/papers/${h.paper.id}`,
            summary: "",
            authors: h.paper.authors
              .slice(0, 3)
              .map((a) => a.name)
              .join(", "),
            upvotes: h.paper.upvotes,
            links: cardLinks(h.paper),
          },
        })),
      };
      io.out(renderText(message));
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** Runs the CLI; resolves to the exit code. Never throws for bad input: prints usage instead. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "digest") return await digest(rest, io);
    if (command === "search") return await search(rest, io);
    if (command === "archive") return await archiveCommand(rest, io);
    if (command === undefined || command === "help" || command === "--help") {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw usageError(`unknown command "${command}"`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isUsage =
      (error instanceof AppError && error.code === "usage") ||
      (error instanceof TypeError && "code" in error);
    io.err(`paperboy: ${message}`);
    if (isUsage) io.err(USAGE);
    return isUsage ? 2 : 1;
  }
}
