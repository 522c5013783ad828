// The paperboy CLI: digest from a saved response or the (loopback) network, and archive search.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../cli/paperboy.js";
import {
  FIXTURES,
  FIXTURES_DIR,
  readFixture,
  startPaperApiServer,
  type PaperApiServer,
} from "../fakes/paper-api-server.js";

const daily = join(FIXTURES_DIR, FIXTURES.daily);

function capture(
  env: Record<string, string | undefined> = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env: { STORE_URL: "memory://", ...env },
    now: () => new Date("2026-06-13T15:00:00Z"),
  };
}

describe("paperboy digest", () => {
  it("GIVEN the recorded batch as --source-file THEN the text digest starts with the 118-upvote paper", async () => {
    const io = capture();
    expect(await runCli(["digest", "--source-file", daily, "--top", "3"], io)).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toContain("2026-06-12");
    expect(out.split("\n").find((l) => l.startsWith("1. "))).toContain("EvoArena");
    expect(out).toContain("▲ 118");
    expect(out).toContain("+27 more");
  });

  it("prints the neutral messages as JSON with --format json, honouring --top and --topic", async () => {
    const io = capture();
    expect(
      await runCli(
        ["digest", "--source-file", daily, "--format", "json", "--top", "2", "--topic", "attention"],
        io,
      ),
    ).toBe(0);
    const messages = JSON.parse(io.stdout.join("\n")) as {
      blocks: { type: string; paper?: { title: string } }[];
    }[];
    const papers = messages.flatMap((m) => m.blocks.filter((b) => b.type === "paper"));
    expect(papers).toHaveLength(2);
    expect(
      papers
        .map((p) => p.paper?.title)
        .join(" ")
        .toLowerCase(),
    ).toContain("attention");
  });

  it("reads JSON lines too, and skips a malformed line with a warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paperboy-cli-"));
    const items = JSON.parse(readFixture(FIXTURES.daily)) as unknown[];
    const file = join(dir, "papers.jsonl");
    writeFileSync(file, [...items.slice(0, 4).map((i) => JSON.stringify(i)), "{not json"].join("\n"));
    const io = capture();
    expect(await runCli(["digest", "--source-file", file, "--top", "10"], io)).toBe(0);
    expect(
      io.stdout
        .join("\n")
        .split("\n")
        .filter((l) => /^\d+\. /.test(l)),
    ).toHaveLength(4);
    expect(io.stderr.join("\n")).toContain("1 malformed item(s)");
  });

  it("prints Block Kit JSON with --format slack and Discord message JSON with --format discord", async () => {
    const slack = capture();
    expect(await runCli(["digest", "--source-file", daily, "--format", "slack", "--top", "2"], slack)).toBe(
      0,
    );
    const [slackMessage] = JSON.parse(slack.stdout.join("\n")) as {
      text: string;
      blocks: { type: string }[];
    }[];
    expect(slackMessage?.text).toContain("EvoArena");
    expect(slackMessage?.blocks[0]?.type).toBe("header");
    expect(slackMessage?.blocks.some((b) => b.type === "section")).toBe(true);

    const discord = capture();
    expect(
      await runCli(["digest", "--source-file", daily, "--format", "discord", "--top", "2"], discord),
    ).toBe(0);
    const [discordMessage] = JSON.parse(discord.stdout.join("\n")) as {
      embeds: { title: string }[];
      allowed_mentions: { parse: string[] };
    }[];
    expect(discordMessage?.embeds[0]?.title).toContain("EvoArena");
    expect(discordMessage?.allowed_mentions).toEqual({ parse: [] });
  });

  it("GIVEN a hostile title THEN neither the Slack nor the Discord output carries a live mention or forged link", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paperboy-cli-"));
    const items = JSON.parse(readFixture(FIXTURES.daily)) as {
      title: string;
      paper: { title: string; upvotes: number };
    }[];
    const evil = "<!channel> @everyone <https://evil.example|click> [free](https://evil.example)";
    const first = items[0]!;
    first.title = evil;
    first.paper.title = evil;
    first.paper.upvotes = 1000;
    const file = join(dir, "evil.json");
    writeFileSync(file, JSON.stringify(items));
    const slack = capture();
    expect(await runCli(["digest", "--source-file", file, "--format", "slack", "--top", "1"], slack)).toBe(0);
    const slackOut = slack.stdout.join("\n");
    expect(slackOut).not.toContain("<!channel>");
    expect(slackOut).not.toContain("<https://evil.example|");
    expect(slackOut).toContain("&lt;!channel&gt;");
    const discord = capture();
    expect(
      await runCli(["digest", "--source-file", file, "--format", "discord", "--top", "1"], discord),
    ).toBe(0);
    const discordOut = discord.stdout.join("\n");
    expect(discordOut).not.toContain("[free](https://evil.example)");
    expect(discordOut).not.toMatch(/(^|[^\u200b])@everyone/u);
  });

  it.each([
    [["digest", "--top", "0"], "--top must be a whole number from 1 to 10"],
    [["digest", "--date", "2026-06-12", "--week", "2026-W24"], "at most one of --date, --week, --month"],
    [["digest", "--date", "June 12"], "--date must be YYYY-MM-DD"],
    [["digest", "--format", "pdf"], "--format must be one of"],
    [["digest", "--nope"], "Unknown option '--nope'"],
    [["digest", "--source-file", "/nonexistent/file.json"], "cannot read /nonexistent/file.json"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["search"], "give a query"],
  ])("GIVEN %j THEN it exits 2 with a clear message", async (argv, message) => {
    const io = capture();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr.join("\n")).toContain(message);
  });

  describe("from the network", () => {
    let hf: PaperApiServer;
    beforeAll(async () => {
      hf = await startPaperApiServer();
    });
    afterAll(() => hf.close());

    it("asks Hugging Face for the given date once and ranks the batch", async () => {
      const io = capture({ HF_API_URL: hf.url });
      expect(await runCli(["digest", "--date", "2026-06-12", "--top", "1"], io)).toBe(0);
      expect(io.stdout.join("\n")).toContain("EvoArena");
      const asked = hf.requestsTo("/api/daily_papers");
      expect(asked.length).toBeGreaterThanOrEqual(1);
      expect(asked[0]?.query.date).toBe("2026-06-12");
    });

    it("says plainly which URL it cannot reach when Hugging Face is down", async () => {
      const io = capture({ HF_API_URL: "http://127.0.0.1:9" });
      expect(await runCli(["digest", "--date", "2026-06-12"], io)).toBe(1);
      expect(io.stderr.join("\n")).toMatch(/Hugging Face cannot be reached at http:\/\/127\.0\.0\.1:9/);
    });
  });
});

describe("paperboy search", () => {
  it("searches only the --archive file and prints [{id,title,score}] best first", async () => {
    const io = capture({ HF_API_URL: "http://127.0.0.1:9" });
    expect(
      await runCli(["search", "sparse attention", "--archive", daily, "--json", "--limit", "3"], io),
    ).toBe(0);
    const hits = JSON.parse(io.stdout.join("")) as { id: string; title: string; score: number }[];
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(hits[0]?.title).toBe("MiniMax Sparse Attention");
    expect(Object.keys(hits[0] ?? {})).toEqual(["id", "title", "score"]);
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("tolerates a typo in the query", async () => {
    const io = capture();
    expect(await runCli(["search", "sparse atention", "--archive", daily, "--json"], io)).toBe(0);
    const hits = JSON.parse(io.stdout.join("")) as { title: string }[];
    expect(hits[0]?.title).toBe("MiniMax Sparse Attention");
  });
});
