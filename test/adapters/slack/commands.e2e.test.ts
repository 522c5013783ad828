// /papers end to end: signed slash commands into the real Bolt app, answers through a response_url sink.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createScriptedPaperboy, textMessage, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { ACME, startSlackHarness, type SlackHarness } from "./slack-harness.js";
import { findLiveMarkup } from "./live-markup.js";
import { matchedSearchAnswer } from "../../fakes/matched-search-answer.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
const makeCore = (): ScriptedPaperboy => createScriptedPaperboy();

let core: ScriptedPaperboy;
let slack: SlackHarness;

beforeAll(async () => {
  core = makeCore();
  slack = await startSlackHarness({ core, env: { SLACK_ADMIN_USERS: "U0LISTED" } });
  slack.fake.users.set("U0ADMIN", { is_admin: true });
  slack.fake.users.set("U0OWNER", { is_owner: true });
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  core.commands.length = 0;
  core.replyWith = (inv) => ({ visibility: "ephemeral", message: textMessage(`echo: ${inv.text}`) });
});

const responseFor = (id: string) => slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === id));

describe("/papers over HTTP", () => {
  const grammar = [
    "diffusion transformers",
    "today",
    "week",
    "month",
    "subscribe daily at 09:00",
    "unsubscribe",
    "settings",
    "top week",
    "catchup 3",
    "watch diffusion 20",
    "unwatch diffusion",
    "help",
  ];
  it.each(grammar)(
    "acks '/papers %s' empty, hands the text to the core and answers through response_url",
    async (text) => {
      const { status, responseId } = await slack.command(text);
      expect(status).toBe(200);
      const answer = await responseFor(responseId);
      expect(core.commands.at(-1)).toMatchObject({
        channel: { platform: "slack", workspace: ACME.teamId, channel: "C2147483705" },
        userId: "U2147483697",
        text,
        channelName: "ml-papers",
      });
      expect(answer.body.response_type).toBe("ephemeral");
      // settings gets one more line under the core's answer: whether paperboy is a member (membership.e2e.test.ts).
      const extra = text === "settings" ? 1 : 0;
      expect(String(answer.body.text).split("\n")[0]).toBe(`echo: ${text}`);
      expect(answer.body.blocks).toHaveLength(1 + extra);
      expect(answer.body).toMatchObject({
        blocks: [
          { type: "section", text: { type: "mrkdwn", verbatim: true } },
          ...(extra ? [{ type: "context" }] : []),
        ],
      });
      expect(answer.headers.authorization).toBeUndefined();
    },
  );

  it("acks before the core has answered, then answers when it does", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    core.replyWith = async () => {
      await gate;
      return { visibility: "ephemeral", message: textMessage("late answer") };
    };
    const { status, responseId } = await slack.command("today");
    expect(status).toBe(200);
    expect(slack.fake.responses.find((r) => r.id === responseId)).toBeUndefined();
    release();
    expect((await responseFor(responseId)).body.text).toBe("late answer");
  });

  it("GIVEN 40 commands at once THEN every one is acked before the core works on any answer, and every one is answered", async () => {
    const acks: number[] = [];
    const started: number[] = [];
    core.replyWith = (inv) => {
      started.push(performance.now());
      // Each answer holds the event loop for a while, as a search over a large archive does.
      const until = performance.now() + 5;
      while (performance.now() < until);
      return { visibility: "ephemeral", message: textMessage(`answer ${inv.text}`) };
    };
    const sent = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const result = await slack.command(`burst ${String(i)}`);
        acks.push(performance.now());
        return result;
      }),
    );
    expect(sent.every((r) => r.status === 200)).toBe(true);
    const answers = await Promise.all(sent.map((r) => responseFor(r.responseId)));
    expect(answers.map((a) => a.body.text).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `answer burst ${String(i)}`).sort(),
    );
    // Answers wait for the acks to pause. Only an answer already deferred its 500 ms cap (a loaded machine stretching
    // the burst) may start before the last ack; without the deferral answers would start right after the first acks.
    const lastAck = Math.max(...acks);
    const firstAck = Math.min(...acks);
    const early = started.filter((s) => s <= lastAck - 50);
    expect(
      early.every((s) => s >= firstAck + 250),
      JSON.stringify({ firstAck, lastAck, early }),
    ).toBe(true);
  });

  it("posts public replies in_channel", async () => {
    core.replyWith = () => ({ visibility: "public", message: textMessage("everyone sees this") });
    const { responseId } = await slack.command("top");
    expect((await responseFor(responseId)).body.response_type).toBe("in_channel");
  });

  it("answers with a short ephemeral apology when the core throws", async () => {
    core.replyWith = () => {
      throw new Error("boom");
    };
    const { status, responseId } = await slack.command("today");
    expect(status).toBe(200);
    const answer = await responseFor(responseId);
    expect(answer.body).toMatchObject({ response_type: "ephemeral" });
    expect(answer.body.text).toMatch(/sorry/i);
  });

  it("escapes a hostile query echoed back so it pings nobody and links nowhere", async () => {
    const hostile = "<!channel> <@U123> <https://evil.example|click> @here *bold* \u202Eevil";
    const { responseId } = await slack.command(hostile);
    const answer = await responseFor(responseId);
    expect(findLiveMarkup(answer.body)).toEqual([]);
    expect(answer.body).toMatchObject({
      blocks: [{ text: { text: expect.stringContaining("&lt;!channel&gt;") } }],
    });
  });
});

describe("/papers search answers that explain a match", () => {
  it("GIVEN a hit that matched in a hostile abstract THEN the section shows the fragment, matched words bold, pinging and linking nothing", async () => {
    core.replyWith = () => ({ visibility: "ephemeral", message: matchedSearchAnswer() });
    const { responseId } = await slack.command("quadratic kernels");
    const answer = await responseFor(responseId);
    const section = (answer.body.blocks as { type: string; text?: { text: string } }[]).find(
      (b) => b.type === "section" && b.text?.text.includes("🔎"),
    );
    expect(section?.text?.text).toMatch(/🔎 ….*\*kernels\* &lt;@U123&gt; make @\u2060here \*quadratic\*/);
    expect(section?.text?.text).toContain("&lt;!channel&gt;");
    expect(section?.text?.text).toContain("&lt;https://evil.example|click&gt;");
    expect(section!.text!.text.length).toBeLessThanOrEqual(3_000);
    expect(findLiveMarkup(answer.body)).toEqual([]);
  });
});

describe("who may change a channel's subscription", () => {
  it("asks users.info for subscribe and refuses an ordinary member, naming who can", async () => {
    const before = slack.fake.callsOf("users.info").length;
    await slack.command("subscribe daily", { user_id: "U0MEMBER" });
    await slack.fake.waitFor(() => core.commands.length === 1);
    expect(core.commands[0]).toMatchObject({
      canManage: false,
      managersHint: "workspace admins and owners and the users in SLACK_ADMIN_USERS",
    });
    expect(
      slack.fake
        .callsOf("users.info")
        .slice(before)
        .map((c) => c.args.user),
    ).toEqual(["U0MEMBER"]);
  });

  it.each([["U0ADMIN"], ["U0OWNER"], ["U0LISTED"]])("lets %s manage subscriptions", async (user) => {
    await slack.command("unsubscribe", { user_id: user });
    await slack.fake.waitFor(() => core.commands.length === 1);
    expect(core.commands[0]?.canManage).toBe(true);
  });

  it("does not call users.info for commands that change nothing", async () => {
    const before = slack.fake.callsOf("users.info").length;
    await slack.command("top week", { user_id: "U0SOMEONE" });
    await slack.fake.waitFor(() => core.commands.length === 1);
    expect(slack.fake.callsOf("users.info").length).toBe(before);
  });

  it("caches the admin check for repeated commands by one user", async () => {
    await slack.command("watch gnn", { user_id: "U0REPEAT" });
    await slack.command("unwatch gnn", { user_id: "U0REPEAT" });
    await slack.fake.waitFor(() => core.commands.length === 2);
    expect(slack.fake.callsOf("users.info").filter((c) => c.args.user === "U0REPEAT")).toHaveLength(1);
  });
});

describe("request verification", () => {
  it("rejects a bad signature with 401 and never reaches the core", async () => {
    const { status } = await slack.command("today", {}, { secret: "not-the-signing-secret" });
    expect(status).toBe(401);
    expect(core.commands).toHaveLength(0);
  });

  it("rejects a timestamp ten minutes old with 401", async () => {
    const { status } = await slack.command("today", {}, { ts: Math.floor(Date.now() / 1000) - 600 });
    expect(status).toBe(401);
    expect(core.commands).toHaveLength(0);
  });
});
