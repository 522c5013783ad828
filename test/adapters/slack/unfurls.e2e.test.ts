// Paper links on Slack with the real core: a signed link_shared → chat.unfurl keyed by the URL as sent, with the paper's
// card and the channel's memory; retries unfurl once; unknown ids are looked up and archived, missing ones answered.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeSlackApi, type FakeSlackApi } from "../../fakes/fake-slack-api.js";
import { startPaperApiServer, type PaperApiServer } from "../../fakes/paper-api-server.js";
import { NOW } from "../real-core.js";
import { ACME, actionFixture, slackFixture } from "./slack-harness.js";
import { CHANNEL, MEMBER, reactionEvent, startSlackCore, type SlackCore } from "./slack-core.js";

let hf: PaperApiServer;
let fake: FakeSlackApi;
let s: SlackCore;
let eventNo = 0;

const EVOARENA = "2606.13681"; // the recorded batch's most upvoted paper: slot 1 of a digest
const EMPTY_FEED = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/empty</id><title>arXiv Query: id_list=2601.99999</title>
  <updated>2026-06-13T15:00:00Z</updated><opensearch:totalResults>0</opensearch:totalResults>
</feed>`;

beforeAll(async () => {
  hf = await startPaperApiServer();
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake.close();
  await hf.close();
});
beforeEach(async () => {
  hf.reset();
  fake.calls.length = 0;
  fake.responses.length = 0;
  fake.resetReactionBuckets();
  s = await startSlackCore({ hf, fake, now: () => NOW });
});
afterEach(() => s.close());

/** A person posts `text` in the channel; Slack sends link_shared for its links: the envelope as signed and sent. */
function linkShared(ts: string, links: readonly string[], over: Record<string, unknown> = {}) {
  const body = slackFixture("link-shared.json") as { event_id: string; event: Record<string, unknown> };
  body.event_id = `Ev0LINK${String(++eventNo)}`;
  body.event = {
    ...body.event,
    channel: CHANNEL,
    user: MEMBER,
    message_ts: ts,
    links: links.map((url) => ({ domain: new URL(url).hostname.replace(/^www\./, ""), url })),
    ...over,
  };
  return body;
}

/** Posts `text` as a member, sends its link_shared and waits for the unfurl: URL → the unfurl's visible text. */
async function paste(text: string): Promise<{ ts: string; unfurls: Map<string, string> }> {
  const { ts, links } = fake.postAsUser(ACME.teamId, CHANNEL, MEMBER, text);
  const res = await s.slack.event(linkShared(ts, links));
  expect(res.status).toBe(200);
  const attached = await fake.waitFor(() => {
    const u = fake.unfurlsOn(CHANNEL, ts, ACME.teamId);
    return u.size > 0 ? u : undefined;
  });
  return { ts, unfurls: new Map([...attached].map(([url, blocks]) => [url, JSON.stringify(blocks)])) };
}

const upstreamPaperRequests = () =>
  hf.requests.filter((r) => r.path.startsWith("/api/papers/") || r.path === "/api/query");

describe("a pasted paper link", () => {
  it("GIVEN the paper was in a digest and voted THEN abs, pdf-with-version and HF links each get its card and the channel's memory, growing with each share, and no upstream request", async () => {
    await s.fire(await s.subscribe("daily at 09:00"), NOW);
    const digest = fake.callsOf("chat.postMessage")[0]?.ts ?? "";
    await s.slack.event(reactionEvent(digest, "U0ANN", "one", NOW));
    await s.topShows(/\(1 vote\)/);
    hf.reset();

    const abs = await paste(`look <https://arxiv.org/abs/${EVOARENA}>`);
    const first = abs.unfurls.get(`https://arxiv.org/abs/${EVOARENA}`) ?? "";
    expect(first).toContain("EvoArena");
    expect(first).toContain("This channel: 1 team vote · in the digest of 13 Jun.");
    expect(first).toContain('"action_id":"paperboy:share"');

    const pdf = await paste(`<https://arxiv.org/pdf/${EVOARENA}v2|the PDF>`);
    expect(pdf.unfurls.get(`https://arxiv.org/pdf/${EVOARENA}v2`)).toContain(
      "This channel: shared once before, first on 13 Jun · 1 team vote · in the digest of 13 Jun.",
    );
    const hfLink = await paste(`<https://huggingface.co/papers/${EVOARENA}>`);
    expect(hfLink.unfurls.get(`https://huggingface.co/papers/${EVOARENA}`)).toContain(
      "shared 2 times before, first on 13 Jun",
    );
    expect(upstreamPaperRequests()).toEqual([]);
    expect(fake.callsOf("chat.unfurl").every((c) => c.answered?.status === 200 && !c.answered.error)).toBe(
      true,
    );
  });

  it("GIVEN Slack delivers the same link_shared twice (same event_id) THEN one chat.unfurl and one share", async () => {
    const { ts, links } = fake.postAsUser(
      ACME.teamId,
      CHANNEL,
      MEMBER,
      `<https://arxiv.org/abs/${EVOARENA}>`,
    );
    const event = linkShared(ts, links);
    await s.slack.event(event);
    await s.slack.event(event);
    await fake.waitFor(() => fake.callsOf("chat.unfurl").length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.callsOf("chat.unfurl")).toHaveLength(1);
    const next = await paste(`<https://arxiv.org/abs/${EVOARENA}>`);
    expect([...next.unfurls.values()][0]).toContain("shared once before");
  });

  it("GIVEN hostile text around the link and a hostile title THEN the unfurl is the paper's card only, escaped", async () => {
    const title = "Scaling <!channel> @everyone [click](https://evil.example) <https://evil.example|x>";
    hf.respond("GET /api/papers/2407.21783", () => ({
      json: { id: "2407.21783", title, summary: "Abstract.", authors: [{ name: "<@U0ADMIN>" }], upvotes: 3 },
    }));
    const text = `@everyone <!channel> <!here> [https://arxiv.org/abs/2407.21783](https://evil.example) ${"𝔘".repeat(3000)} <https://arxiv.org/abs/2407.21783|click me>`;
    const { unfurls } = await paste(text);
    expect([...unfurls.keys()]).toEqual(["https://arxiv.org/abs/2407.21783"]);
    const card = unfurls.get("https://arxiv.org/abs/2407.21783") ?? "";
    expect(card).toContain("Scaling &lt;!channel&gt;");
    expect(card).not.toMatch(/<!channel>|<!here>|<@U0ADMIN>|<https:\/\/evil/);
    expect(card).not.toContain("𝔘");
    expect(card).not.toContain("click me");
  });

  it("GIVEN an id paperboy never saw THEN Hugging Face is asked once and the paper archived: the next paste asks nothing", async () => {
    const first = await paste("<https://huggingface.co/papers/2407.21783>");
    expect([...first.unfurls.values()][0]).toContain("The Llama 3 Herd of Models");
    expect([...first.unfurls.values()][0]).toContain("New to this channel.");
    expect(hf.requestsTo("/api/papers/2407.21783")).toHaveLength(1);
    hf.reset();
    await paste("<https://arxiv.org/abs/2407.21783v3>");
    expect(upstreamPaperRequests()).toEqual([]);
  });

  it("GIVEN an id only arXiv has THEN it is read from arXiv's id_list and archived", async () => {
    const { unfurls } = await paste("<https://alphaxiv.org/abs/2606.13591>");
    expect(hf.requestsTo("/api/papers/2606.13591")).toHaveLength(1);
    expect(hf.requestsTo("/api/query").map((r) => r.query.id_list)).toEqual(["2606.13591"]);
    expect([...unfurls.values()][0]).toContain("New to this channel.");
    hf.reset();
    await paste("<https://arxiv.org/abs/2606.13591>");
    expect(upstreamPaperRequests()).toEqual([]);
  });

  it("GIVEN an id no one has THEN the unfurl says arXiv has no such paper", async () => {
    hf.respond("GET /api/query", (req) =>
      req.query.id_list === "2601.99999"
        ? { body: EMPTY_FEED, headers: { "content-type": "application/atom+xml" } }
        : undefined,
    );
    const { unfurls } = await paste("<https://arxiv.org/abs/2601.99999>");
    expect(unfurls.get("https://arxiv.org/abs/2601.99999")).toContain("arXiv has no paper 2601.99999.");
  });

  it("GIVEN a link in the composer THEN it is unfurled by unfurl_id but not counted as shared here", async () => {
    const url = `https://arxiv.org/abs/${EVOARENA}`;
    const unfurlId = fake.composerLink(ACME.teamId, url);
    await s.slack.event(
      linkShared("0", [url], { channel: "COMPOSER", unfurl_id: unfurlId, source: "composer" }),
    );
    await fake.waitFor(() => fake.unfurlsOn("COMPOSER", unfurlId).size > 0);
    expect(fake.callsOf("chat.unfurl")[0]?.args).toMatchObject({ unfurl_id: unfurlId, source: "composer" });
    const posted = await paste(`<${url}>`);
    expect([...posted.unfurls.values()][0]).toContain("New to this channel.");
  });

  it("GIVEN 👍 on the person's unfurled message THEN no vote counts; the card /papers <link> posts is votable", async () => {
    const { ts } = await paste(`<https://arxiv.org/abs/${EVOARENA}>`);
    const onUserMessage = reactionEvent(ts, "U0ANN", "+1", NOW);
    onUserMessage.event.item_user = MEMBER;
    await s.slack.event(onUserMessage);
    // The core too refuses it, whatever the adapter's item_user filter does.
    const direct = await s.core.paperboy.handleReaction({
      message: { channel: { platform: "slack", workspace: ACME.teamId, channel: CHANNEL }, id: ts },
      userId: "U0ANN",
      emoji: { kind: "unicode", value: "👍" },
      change: "added",
    });
    expect(direct.status).toBe("ignored");

    const answer = await s.papers(`https://arxiv.org/abs/${EVOARENA}v1`, MEMBER);
    expect(answer.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer)).toContain("Shared “EvoArena");
    const card = fake.callsOf("chat.postMessage").at(-1);
    expect(JSON.stringify(card?.args.blocks)).toContain("This channel: shared once before, first on 13 Jun.");
    await s.slack.event(reactionEvent(card?.ts ?? "", "U0ANN", "+1", NOW));
    expect(await s.topShows(/EvoArena[^\n]*\(1 vote\)/)).toMatch(/\(1 vote\)/);
  });

  it("GIVEN Share to channel pressed on the unfurl THEN paperboy posts its own card, and a reaction on that one votes", async () => {
    const { ts, unfurls } = await paste(`<https://arxiv.org/abs/${EVOARENA}>`);
    const blocks = JSON.parse([...unfurls.values()][0] ?? "[]") as {
      type: string;
      elements?: { action_id: string; value?: string }[];
    }[];
    const share = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === "paperboy:share");
    expect(share?.value).toBe(EVOARENA);
    // An app unfurl's block_actions: the container is the unfurl attachment on the person's message.
    const press = actionFixture("block-actions-share.json") as ReturnType<typeof actionFixture> & {
      container: Record<string, unknown>;
    };
    press.container = {
      type: "message_attachment",
      message_ts: ts,
      attachment_id: 1,
      channel_id: CHANNEL,
      is_ephemeral: false,
      is_app_unfurl: true,
      app_unfurl_url: `https://arxiv.org/abs/${EVOARENA}`,
    };
    press.response_url = fake.responseUrl("unfurl-share");
    press.actions = [{ ...press.actions[0]!, action_id: "paperboy:share", value: EVOARENA }];
    expect((await s.slack.action(press)).status).toBe(200);
    await fake.waitFor(() => fake.responses.find((r) => r.id === "unfurl-share"));
    const card = fake.callsOf("chat.postMessage").at(-1);
    expect(JSON.stringify(card?.args.blocks)).toContain("EvoArena");
    await s.slack.event(reactionEvent(card?.ts ?? "", "U0ANN", "fire", NOW));
    expect(await s.topShows(/EvoArena[^\n]*\(1 vote\)/)).toMatch(/\(1 vote\)/);
  });

  it("GIVEN /papers with an id that does not exist THEN the answer says so and nothing is posted", async () => {
    hf.respond("GET /api/query", () => ({
      body: EMPTY_FEED,
      headers: { "content-type": "application/atom+xml" },
    }));
    const answer = await s.papers("2601.99999", MEMBER);
    expect(answer.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer)).toContain("arXiv has no paper 2601.99999.");
    expect(fake.callsOf("chat.postMessage")).toHaveLength(0);
  });
});

describe("the fake's chat.unfurl, as strict as Slack", () => {
  const call = async (args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await fetch(`${fake.apiUrl}chat.unfurl`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${ACME.token}` },
      body: JSON.stringify(args),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  it("GIVEN a URL not exactly as posted, too many blocks, or no message THEN Slack's errors", async () => {
    const url = "https://arxiv.org/abs/2606.13681v2";
    const { ts } = fake.postAsUser(ACME.teamId, CHANNEL, MEMBER, `<${url}>`);
    const section = { type: "section", text: { type: "mrkdwn", text: "x" } };
    const target = { channel: CHANNEL, ts };
    expect(await call({ ...target, unfurls: { [url]: { blocks: [section] } } })).toEqual({ ok: true });
    for (const other of [
      "https://arxiv.org/abs/2606.13681",
      "https://arxiv.org/abs/2606.13681v2/",
      "https://ARXIV.org/abs/2606.13681v2",
    ])
      expect(await call({ ...target, unfurls: { [other]: { blocks: [section] } } })).toMatchObject({
        ok: false,
        error: "cannot_unfurl_url",
      });
    const many = Array.from({ length: 51 }, () => section);
    expect(await call({ ...target, unfurls: { [url]: { blocks: many } } })).toMatchObject({
      error: "invalid_blocks",
    });
    const long = { type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } };
    expect(await call({ ...target, unfurls: { [url]: { blocks: [long] } } })).toMatchObject({
      error: "invalid_blocks",
    });
    expect(
      await call({ channel: CHANNEL, ts: "1.000001", unfurls: { [url]: { blocks: [section] } } }),
    ).toMatchObject({
      error: "cannot_find_message",
    });
    expect(await call({ unfurls: { [url]: { blocks: [section] } } })).toMatchObject({
      error: "invalid_arguments",
    });
  });
});
