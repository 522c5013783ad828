// `paperboy search` as text: each hit with its links, and an empty answer that says how far back the archive reaches.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../cli/paperboy.js";
import { createStore } from "../../src/storage/create-store.js";
import { hfFixturePapers } from "../fakes/hf-fixture-papers.js";
import { FIXTURES, FIXTURES_DIR } from "../fakes/paper-api-server.js";

const dir = mkdtempSync(join(tmpdir(), "paperboy-cli-search-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(env: Record<string, string> = {}): CliIo & { stdout: string[] } {
  const stdout: string[] = [];
  return {
    stdout,
    out: (t) => stdout.push(t),
    err: () => undefined,
    env: { STORE_URL: "memory://", HF_API_URL: "http://127.0.0.1:9", ...env },
    now: () => new Date("2026-06-13T15:00:00Z"),
    terminal: null,
  };
}

describe("paperboy search (text)", () => {
  it("shows each paper's Hugging Face, arXiv and PDF links under it", async () => {
    const io = capture();
    const file = join(FIXTURES_DIR, FIXTURES.daily);
    expect(await runCli(["search", "sparse attention", "--archive", file, "--limit", "3"], io)).toBe(0);
    const lines = io.stdout.join("\n").split("\n");
    const hits = lines.filter((l) => /^\d+\. /.test(l));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]).toBe("1. MiniMax Sparse Attention");
    const id = hfFixturePapers().find((p) => p.title === "MiniMax Sparse Attention")!.id;
    const links = lines.find((l) => l.includes(`https://huggingface.co/papers/${id}`));
    expect(links).toContain(`Hugging Face https://huggingface.co/papers/${id}`);
    expect(links).toContain(`arXiv https://arxiv.org/abs/${id}`);
    // Every hit has its own links line.
    expect(lines.filter((l) => l.includes("https://huggingface.co/papers/"))).toHaveLength(hits.length);
  });

  it("GIVEN no match in the store's archive THEN it says how far back the archive reaches and how to fill older days", async () => {
    const url = `sqlite://${join(dir, "archive.sqlite")}`;
    const store = await createStore(url);
    await store.papers.putMany(hfFixturePapers());
    await store.close();
    const io = capture({ STORE_URL: url });
    expect(await runCli(["search", "zyxwvut"], io)).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toContain("No papers match “zyxwvut”.");
    expect(out).toContain(
      "The archive holds 30 papers from 2026-06-12; paperboy archive backfill --from 2025-06-12 fills older days.",
    );
  });
});
