// Search engines compared: our archive (own postings, sorted terms and top-k) vs SQLite FTS5 (bm25)
// vs MiniSearch's own index, on the same generated papers and the same 1,000 /papers queries (bench/generate-papers.ts).
// Each engine is built in its own process (this file, run with --engine NAME), from the same SQLite paper store, as a
// restarted paperboy would; RSS is that process's after a full GC. Every engine answers with the 10 best papers, read
// back from the paper store (FTS5 and MiniSearch rank ids; the papers come from the store as they do for ours).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import MiniSearch from "minisearch";
import { createPaperArchive } from "../src/archive/paper-archive.js";
import { FIELD_BOOSTS, parseQuery } from "../src/archive/search-index.js";
import { parseStoredPaper } from "../src/papers/paper.js";
import type { Paper, PaperId } from "../src/papers/paper.js";
import { silentLogger } from "../src/ops/logger.js";
import { type Store } from "../src/storage/store.js";
import { createStore } from "../src/storage/create-store.js";
import type { CorpusReport } from "./search-corpus-child.js";
import { generateCorpus, latenciesAsync, machineLoad, medianOf } from "./search-stats.js";
import type { Latency } from "./search-stats.js";

const PAPERS = Number(process.env.BENCH_SEARCH_ENGINES_PAPERS ?? 20_000);
/** The first N of the generator's 1,000 queries (every kind alike: kinds interleave); 1,000 takes MiniSearch alone ~2 minutes. */
const QUERIES = Math.min(1_000, Number(process.env.BENCH_SEARCH_ENGINES_QUERIES ?? 300));
const PASSES = 3;
const LIMIT = 10;
const ENGINES = ["ours", "fts5", "minisearch"] as const;
type EngineName = (typeof ENGINES)[number];
const TITLES: Record<EngineName, string> = {
  ours: "ours (archive)",
  fts5: "SQLite FTS5 (bm25)",
  minisearch: "MiniSearch 7",
};
/** generate-papers.ts makes query i with its kind i % 10, in this order. */
const KINDS = [
  "one word",
  "two words",
  "two title words",
  "prefix (3-6 letters)",
  "typo",
  '"phrase"',
  "word -exclusion",
  "author surname",
  "author full name",
  "3 words, last a prefix",
] as const;
/** What an engine cannot express, per kind: its answers there are not the same question. */
const CANNOT: Partial<Record<EngineName, Partial<Record<(typeof KINDS)[number], string>>>> = {
  fts5: { typo: "no typo tolerance: the misspelt word is searched as written" },
  minisearch: { '"phrase"': "no phrases: the phrase's words are ANDed, word order not checked" },
};

interface EngineReport {
  readonly engine: EngineName;
  readonly built: number;
  readonly buildMs: number;
  readonly buildCpuMs: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly heapUsed: number;
  readonly onDisk: number;
  readonly latency: Latency;
  readonly answered: number;
  readonly cpuPerQueryMs: number;
  readonly kinds: {
    readonly kind: string;
    readonly p50: number;
    readonly p95: number;
    readonly answered: number;
  }[];
}

// ---- child: one engine ----

interface Engine {
  build(store: Store): Promise<number>;
  /** The best ids for a query, best first (the caller reads the papers back). */
  search(query: string): Promise<readonly Paper[]>;
  readonly onDisk: number;
}

async function papersOf(store: Store, ids: readonly PaperId[]): Promise<Paper[]> {
  if (ids.length === 0) return [];
  return (await store.papers.getMany(ids)).flatMap((doc) => parseStoredPaper(doc) ?? []);
}

function oursEngine(store: Store): Engine {
  const archive = createPaperArchive({ papers: store.papers, log: silentLogger });
  return {
    build: () => archive.load(),
    search: async (q) => (await archive.search(q, { limit: LIMIT })).map((h) => h.paper),
    onDisk: 0,
  };
}

/** FTS5 query text: quoted tokens (AND), the last one a prefix, "phrases", NOT for exclusions; OR when AND finds nothing. */
function fts5Query(query: string, all: boolean): string | undefined {
  const parsed = parseQuery(query);
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  const words = parsed.terms.map((t, i) => (i === parsed.terms.length - 1 ? `${quote(t)}*` : quote(t)));
  if (words.length === 0) return undefined;
  const positive = all ? [...words, ...parsed.phrases.map(quote)].join(" AND ") : words.join(" OR ");
  return [`(${positive})`, ...parsed.excluded.map((x) => `NOT ${quote(x)}`)].join(" ");
}

function fts5Engine(store: Store, file: string): Engine {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(
    "CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(id UNINDEXED, title, abstract, keywords, authors, " +
      "tokenize = 'unicode61 remove_diacritics 2')",
  );
  const { title, abstract, aiKeywords, authors } = FIELD_BOOSTS;
  const select = db.prepare<[string], { id: string }>(
    `SELECT id FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 0, ${title}, ${abstract}, ${aiKeywords}, ${authors}) LIMIT ${LIMIT}`,
  );
  return {
    async build() {
      const insert = db.prepare(
        "INSERT INTO papers_fts (id, title, abstract, keywords, authors) VALUES (?, ?, ?, ?, ?)",
      );
      let count = 0;
      for await (const batch of store.papers.scan(1_000)) {
        const papers = batch.flatMap(([, value]) => parseStoredPaper(value) ?? []);
        db.transaction(() => {
          for (const p of papers)
            insert.run(
              p.id,
              p.title,
              p.abstract,
              p.aiKeywords.join(" ; "),
              p.authors.map((a) => a.name).join(" ; "),
            );
        })();
        count += papers.length;
      }
      db.exec("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')");
      return count;
    },
    async search(q) {
      for (const all of [true, false]) {
        const match = fts5Query(q, all);
        if (match === undefined) return [];
        const ids = select.all(match).map((r) => r.id as PaperId);
        if (ids.length > 0 || parseQuery(q).terms.length < 2) return papersOf(store, ids);
      }
      return [];
    },
    get onDisk() {
      return ["", "-wal"].reduce(
        (n, suffix) => n + (statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0),
        0,
      );
    },
  };
}

interface MiniDoc {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
  readonly aiKeywords: string;
  readonly authors: string;
}

function miniSearchEngine(store: Store): Engine {
  const mini = new MiniSearch<MiniDoc>({
    fields: ["title", "abstract", "aiKeywords", "authors"],
    searchOptions: {
      boost: { ...FIELD_BOOSTS },
      // As ours: the last word is searched as a prefix, words of 4+ letters with one typo per 5 letters (at most 2).
      prefix: (_term, i, terms) => i === terms.length - 1,
      fuzzy: (term) => (term.length >= 4 ? Math.min(2, Math.round(term.length * 0.2)) : false),
    },
  });
  return {
    async build() {
      for await (const batch of store.papers.scan(1_000)) {
        mini.addAll(
          batch.flatMap(([, value]) => {
            const p = parseStoredPaper(value);
            return p
              ? [
                  {
                    id: p.id,
                    title: p.title,
                    abstract: p.abstract,
                    aiKeywords: p.aiKeywords.join(" ; "),
                    authors: p.authors.map((a) => a.name).join(" ; "),
                  },
                ]
              : [];
          }),
        );
      }
      return mini.documentCount;
    },
    async search(q) {
      const parsed = parseQuery(q);
      if (parsed.terms.length === 0) return [];
      for (const combineWith of parsed.terms.length > 1 ? (["AND", "OR"] as const) : (["AND"] as const)) {
        const words = { combineWith, queries: [parsed.terms.join(" ")] };
        const hits =
          parsed.excluded.length === 0
            ? mini.search(parsed.terms.join(" "), { combineWith })
            : mini.search({
                combineWith: "AND_NOT",
                queries: [
                  words,
                  { queries: [...parsed.excluded], combineWith: "OR", prefix: false, fuzzy: false },
                ],
              });
        if (hits.length > 0)
          return papersOf(
            store,
            hits.slice(0, LIMIT).map((h) => h.id as PaperId),
          );
      }
      return [];
    },
    onDisk: 0,
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
/** Full GCs with pauses between, so freed memory is returned before measuring (as search.bench.ts does). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runEngine(
  name: EngineName,
  storeUrl: string,
  dir: string,
  corpusFile: string,
  out: string,
): Promise<void> {
  const corpus = JSON.parse(readFileSync(corpusFile, "utf8")) as CorpusReport;
  const queries = corpus.queries.slice(0, QUERIES);
  const store = await createStore(storeUrl);
  await settle();
  const rssBefore = process.memoryUsage().rss;
  const engine =
    name === "ours"
      ? oursEngine(store)
      : name === "fts5"
        ? fts5Engine(store, join(dir, "fts5.sqlite"))
        : miniSearchEngine(store);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const built = await engine.build(store);
  const buildMs = performance.now() - t0;
  const buildCpu = process.cpuUsage(cpu0);
  await settle();
  const mem = process.memoryUsage();

  const run = async (q: string): Promise<boolean> => (await engine.search(q)).length > 0;
  for (const q of queries.slice(0, 100)) await run(q);
  const passes = [];
  const queryCpu = process.cpuUsage();
  for (let pass = 0; pass < PASSES; pass++) passes.push(await latenciesAsync(queries, run));
  const used = process.cpuUsage(queryCpu);
  // One more pass, by kind (its CPU is not counted above).
  const kinds = [];
  for (let k = 0; k < KINDS.length; k++) {
    const r = await latenciesAsync(
      queries.filter((_, i) => i % KINDS.length === k),
      run,
    );
    kinds.push({ kind: KINDS[k] ?? "", p50: r.latency.p50, p95: r.latency.p95, answered: r.answered });
  }
  const report: EngineReport = {
    engine: name,
    built,
    buildMs,
    buildCpuMs: (buildCpu.user + buildCpu.system) / 1000,
    rssBefore,
    rssAfter: mem.rss,
    heapUsed: mem.heapUsed,
    onDisk: engine.onDisk,
    latency: medianOf(passes.map((p) => p.latency)),
    answered: passes[0]?.answered ?? 0,
    cpuPerQueryMs: (used.user + used.system) / 1000 / (PASSES * queries.length),
    kinds,
  };
  writeFileSync(out, JSON.stringify(report));
  await store.close();
}

// ---- parent: corpus, one process per engine, figures ----

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
const ms = (value: number): string => value.toFixed(2);
const line = (label: string, value: string): void => console.log(`${`${label}:`.padEnd(40)}${value}`);
const ratio = (x: number, ours: number): string => `${(x / ours).toFixed(2)}x`;

async function main(): Promise<void> {
  line(
    "machine load (1/5/15 min) at start",
    `${machineLoad()}  (${cpus().length} CPUs)  ${new Date().toISOString()}`,
  );
  const dir = mkdtempSync(join(tmpdir(), "paperboy-search-engines-"));
  const self = fileURLToPath(import.meta.url);
  try {
    const storeUrl = `sqlite://${join(dir, "papers.sqlite")}`;
    const corpusFile = join(dir, "corpus.json");
    const corpus = generateCorpus(storeUrl, PAPERS, corpusFile, 1);
    line(
      "papers",
      `${corpus.papers} generated (abstracts ${corpus.averageAbstract.toFixed(0)} chars on average), in a SQLite store`,
    );
    line(
      "queries",
      `the first ${QUERIES} of ${corpus.queries.length} (${KINDS.length} kinds × ${QUERIES / KINDS.length}); ${PASSES} passes, medians; top ${LIMIT} papers; by kind: one more pass`,
    );

    const reports = new Map<EngineName, EngineReport>();
    for (const engine of ENGINES) {
      const out = join(dir, `${engine}.json`);
      const run = spawnSync(
        process.execPath,
        ["--expose-gc", "--import", "tsx", self, "--engine", engine, storeUrl, dir, corpusFile, out],
        {
          stdio: "inherit",
        },
      );
      if (run.status !== 0) throw new Error(`the ${engine} process failed (status ${String(run.status)})`);
      reports.set(engine, JSON.parse(readFileSync(out, "utf8")) as EngineReport);
    }
    const ours = reports.get("ours") as EngineReport;
    for (const r of reports.values()) {
      console.log(`\n${TITLES[r.engine]}${r.engine === "ours" ? "" : `  (÷ ours)`}`);
      const vs = (x: number, o: number): string => (r.engine === "ours" ? "" : `  (${ratio(x, o)})`);
      line(
        "  build",
        `${(r.buildMs / 1000).toFixed(2)} s wall${vs(r.buildMs, ours.buildMs)}, ${(r.buildCpuMs / 1000).toFixed(2)} s CPU, ${r.built} papers`,
      );
      line(
        "  RSS after build, after GC",
        `${mb(r.rssAfter)}${vs(r.rssAfter, ours.rssAfter)}; +${mb(r.rssAfter - r.rssBefore)} over the process with the store open${vs(r.rssAfter - r.rssBefore, ours.rssAfter - ours.rssBefore)}; heap ${mb(r.heapUsed)}${r.onDisk > 0 ? `; index on disk ${mb(r.onDisk)}` : ""}`,
      );
      line(
        "  latency",
        `p50 ${ms(r.latency.p50)} ms${vs(r.latency.p50, ours.latency.p50)}  p95 ${ms(r.latency.p95)} ms${vs(r.latency.p95, ours.latency.p95)}  p99 ${ms(r.latency.p99)} ms${vs(r.latency.p99, ours.latency.p99)}`,
      );
      line("  CPU a query (mean)", `${ms(r.cpuPerQueryMs)} ms${vs(r.cpuPerQueryMs, ours.cpuPerQueryMs)}`);
      line("  answered", `${r.answered} of ${QUERIES}`);
      for (const k of r.kinds) {
        const note = CANNOT[r.engine]?.[k.kind as (typeof KINDS)[number]];
        console.log(
          `    ${k.kind.padEnd(24)} p50 ${ms(k.p50).padStart(7)} ms  p95 ${ms(k.p95).padStart(7)} ms  answered ${String(k.answered).padStart(3)}${note ? `  (cannot: ${note})` : ""}`,
        );
      }
    }
    line("\nmachine load (1/5/15 min) at end", machineLoad());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--engine") {
  const [name, storeUrl, dir, corpusFile, out] = process.argv.slice(3);
  if (!ENGINES.includes(name as EngineName) || !storeUrl || !dir || !corpusFile || !out)
    throw new Error(
      "usage: search-engines.bench.ts --engine <ours|fts5|minisearch> <store url> <dir> <corpus.json> <out.json>",
    );
  await runEngine(name as EngineName, storeUrl, dir, corpusFile, out);
} else {
  await main();
}
