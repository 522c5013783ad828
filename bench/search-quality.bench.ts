// Search quality bench: nDCG@5 of the labelled queries (bench/search-quality/queries.json) for our index, plain BM25
// (MiniSearch defaults over title + abstract) and, when git has it, the index of an earlier commit (BENCH_QUALITY_BASE).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SearchIndex } from "../src/archive/search-index.js";
import {
  bm25Engine,
  evaluate,
  loadQualitySet,
  oursEngine,
  qualityCorpus,
  type Engine,
} from "./search-quality/quality.js";

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.BENCH_QUALITY_BASE ?? "main";
/** The files the earlier index is made of (its imports of src/ resolve to this checkout's copies). */
const BASE_FILES = [
  "src/archive/search-index.ts",
  "src/archive/inverted-index.ts",
  "src/archive/phrase-signature.ts",
  "src/archive/vocabulary.ts",
  "src/archive/text-terms.ts",
  "src/shared/tokenize.ts",
];

/** The search index as it is at git revision `ref`, copied beside this bench, or undefined when git cannot. */
async function baseEngine(
  ref: string,
  papers: Parameters<typeof oursEngine>[0],
): Promise<Engine | undefined> {
  const root = join(here, "..");
  const dir = join(here, ".quality-base");
  rmSync(dir, { recursive: true, force: true });
  try {
    for (const file of BASE_FILES) {
      let text: string;
      try {
        text = execFileSync("git", ["show", `${ref}:${file}`], {
          cwd: root,
          encoding: "utf8",
          stdio: "pipe",
        });
      } catch {
        continue; // a file the earlier revision did not have
      }
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const url = pathToFileURL(join(dir, "src/archive/search-index.ts")).href;
    const { createSearchIndex } = (await import(url)) as { createSearchIndex: () => SearchIndex };
    const index = createSearchIndex();
    index.add(papers);
    return (query, limit) => index.search(query, { limit }).map((h) => h.id);
  } catch (error) {
    console.log(
      `(no ${ref} engine: ${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
    );
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const set = loadQualitySet();
const papers = qualityCorpus(set.distractors.generated);
const engines: [string, Engine][] = [
  ["ours", oursEngine(papers)],
  ["plain BM25 (MiniSearch defaults)", bm25Engine(papers)],
];
const base = await baseEngine(BASE, papers);
if (base) engines.push([`${BASE} (git)`, base]);

const results = engines.map(([name, engine]) => [name, evaluate(set.queries, engine)] as const);
console.log(
  `${set.queries.length} labelled queries over ${papers.length} papers (${papers.length - set.distractors.generated} recorded, ${set.distractors.generated} generated distractors)`,
);
for (const [name, r] of results) console.log(`${`nDCG@5 ${name}:`.padEnd(44)}${r.mean.toFixed(3)}`);

// By kind of query, so a regression shows where it is.
const kinds = [...new Set(set.queries.map((q) => q.kind))];
console.log(
  `\n${"kind".padEnd(12)}${"n".padStart(3)}  ${results.map(([n]) => n.split(" ")[0]?.padStart(8)).join("")}`,
);
for (const kind of kinds) {
  const cells = results.map(([, r]) => {
    const own = r.perCase.filter((c) => c.kind === kind);
    return (own.reduce((s, c) => s + c.ndcg, 0) / own.length).toFixed(3).padStart(8);
  });
  console.log(
    `${kind.padEnd(12)}${String(set.queries.filter((q) => q.kind === kind).length).padStart(3)}  ${cells.join("")}`,
  );
}

// The queries ours ranks worst, beside the others' figure for the same query.
console.log("\nworst queries for ours (ours / others):");
const [, oursResult] = results[0] as (typeof results)[number];
[...oursResult.perCase]
  .map((c, i) => ({ ...c, i }))
  .sort((a, b) => a.ndcg - b.ndcg)
  .slice(0, 8)
  .forEach((c) =>
    console.log(
      `  ${c.query.padEnd(36)} ${results.map(([, r]) => (r.perCase[c.i]?.ndcg ?? 0).toFixed(3)).join(" / ")}`,
    ),
  );
