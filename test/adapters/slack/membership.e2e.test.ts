// Membership end to end (real Bolt app, signed requests, the fake Slack API): paperboy joins a public channel when it
// is subscribed or posted to, since reaction events (votes) arrive only from channels the bot is in; a private channel
// gets "/invite @paperboy"; /papers settings says whether paperboy is a member.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { channelRef, type ChatPlatform } from "../../../src/index.js";
import { createScriptedPaperboy, textMessage, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { ACME, startSlackHarness, type SlackHarness } from "./slack-harness.js";

let core: ScriptedPaperboy;
let slack: SlackHarness;
let platform: ChatPlatform;
let deliveryNo = 0;

beforeAll(async () => {
  core = createScriptedPaperboy();
  slack = await startSlackHarness({ core, env: { SLACK_ADMIN_USERS: "U0ADMIN" } });
  platform = core.platforms[0]!;
  slack.fake.addChannel(ACME.teamId, { id: "C0PUBLIC", name: "ml-papers" });
  slack.fake.addChannel(ACME.teamId, { id: "C0SECRET", name: "secret-lab", isPrivate: true });
  slack.fake.addChannel(ACME.teamId, { id: "C0INVITED", name: "invited-lab", isPrivate: true }, true);
  slack.fake.addChannel(ACME.teamId, { id: "C0SETTINGS", name: "not-joined-yet" });
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  core.replyWith = (inv) => ({ visibility: "ephemeral", message: textMessage(`echo: ${inv.text}`) });
});

async function answerTo(text: string, channel: string, user = "U0ADMIN"): Promise<string> {
  const { responseId } = await slack.command(text, { channel_id: channel, user_id: user });
  const answer = await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === responseId));
  return JSON.stringify(answer.body);
}

const joinsOf = (channel: string) =>
  slack.fake.callsOf("conversations.join").filter((c) => c.args.channel === channel);

describe("joining channels so votes arrive", () => {
  it("GIVEN /papers subscribe in a public channel paperboy is not in THEN it joins and the answer has no invite note", async () => {
    expect(slack.fake.isMember(ACME.teamId, "C0PUBLIC")).toBe(false);
    const body = await answerTo("subscribe daily at 09:00", "C0PUBLIC");
    expect(slack.fake.isMember(ACME.teamId, "C0PUBLIC")).toBe(true);
    expect(joinsOf("C0PUBLIC")).toHaveLength(1);
    expect(body).toContain("echo: subscribe daily at 09:00");
    expect(body).not.toContain("/invite");
  });

  it("GIVEN /papers subscribe in a private channel THEN Slack refuses the join and the answer says /invite @paperboy", async () => {
    const body = await answerTo("subscribe daily", "C0SECRET");
    expect(slack.fake.isMember(ACME.teamId, "C0SECRET")).toBe(false);
    expect(joinsOf("C0SECRET")[0]?.answered).toMatchObject({ error: "channel_not_found" });
    expect(body).toContain("is not in this channel");
    expect(body).toContain("/invite @paperboy here");
  });

  it("GIVEN a private channel paperboy was invited to THEN join is method_not_supported_for_channel_type and the answer says invite", async () => {
    const body = await answerTo("subscribe weekly", "C0INVITED");
    expect(joinsOf("C0INVITED")[0]?.answered).toMatchObject({
      error: "method_not_supported_for_channel_type",
    });
    expect(body).toContain("/invite @paperboy");
  });

  it("GIVEN someone who may not manage runs subscribe THEN paperboy does not join", async () => {
    slack.fake.addChannel(ACME.teamId, { id: "C0NOADMIN", name: "no-admin" });
    await answerTo("subscribe daily", "C0NOADMIN", "U0SOMEONE");
    expect(joinsOf("C0NOADMIN")).toHaveLength(0);
  });

  it("GIVEN a digest posted into a public channel paperboy is not in THEN it joins once, in the background", async () => {
    const ref = channelRef("slack", ACME.teamId, "C0DIGEST");
    for (let i = 0; i < 2; i++) {
      const outcome = await platform.send(ref, textMessage(`digest ${String(i)}`), {
        delivery: `d${String(++deliveryNo).padStart(16, "0")}`,
        index: 0,
      });
      expect(outcome.status).toBe("sent");
      await slack.fake.waitFor(() => slack.fake.isMember(ACME.teamId, "C0DIGEST"));
    }
    expect(joinsOf("C0DIGEST")).toHaveLength(1);
  });

  it("GIVEN many channels posted to under Slack's Tier 3 limit THEN 429s are waited out and every channel is joined", async () => {
    // A burst of 4, then two a second: most of the 12 joins are refused with 429 Retry-After first.
    slack.fake.conversationsPerMinute = 120;
    slack.fake.conversationsBurst = 4;
    slack.fake.resetConversationBuckets();
    const channels = Array.from({ length: 12 }, (_, i) => `C0MANY${String(i).padStart(3, "0")}`);
    await Promise.all(
      channels.map((c, i) =>
        platform.send(channelRef("slack", ACME.teamId, c), textMessage(`digest ${String(i)}`), {
          delivery: `d${String(++deliveryNo).padStart(16, "0")}`,
          index: 0,
        }),
      ),
    );
    await slack.fake.waitFor(() => channels.every((c) => slack.fake.isMember(ACME.teamId, c)), 15_000);
    const limited = slack.fake
      .callsOf("conversations.join")
      .filter((c) => channels.includes(String(c.args.channel)) && c.answered?.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    slack.fake.conversationsPerMinute = 50;
    slack.fake.conversationsBurst = 50;
    slack.fake.resetConversationBuckets();
  });
});

describe("/papers settings", () => {
  it("GIVEN paperboy is a member THEN settings says so", async () => {
    const body = await answerTo("settings", "C0PUBLIC");
    expect(body).toContain("echo: settings");
    expect(body).toContain("@paperboy is a member of this channel");
  });

  it("GIVEN a public channel paperboy is not in THEN settings says votes do not reach it and how to invite it", async () => {
    const body = await answerTo("settings", "C0SETTINGS", "U0SOMEONE");
    expect(slack.fake.callsOf("conversations.info").some((c) => c.args.channel === "C0SETTINGS")).toBe(true);
    expect(body).toContain("is not in this channel");
    expect(body).toContain("/invite @paperboy here");
    expect(slack.fake.isMember(ACME.teamId, "C0SETTINGS")).toBe(false);
  });

  it("GIVEN a private channel paperboy was not invited to THEN settings says to invite it", async () => {
    expect(await answerTo("settings", "C0SECRET")).toContain("/invite @paperboy");
  });
});
