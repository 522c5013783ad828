// Events API end to end: reactions → votes (normalised; Slack's answer waits for the vote), /papers top reflecting
// them, App Home, uninstall (deduped by event_id).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PaperId, ReactionChanged } from "../../../src/index.js";
import type { PlatformId } from "../../../src/platform/channel-ref.js";
import type { VoteResult } from "../../../src/platform/events.js";
import { emojiKey } from "../../../src/platform/emoji.js";
import { createScriptedPaperboy, textMessage, type ScriptedPaperboy } from "../../fakes/scripted-paperboy.js";
import { compactDigest } from "./sample-messages.js";
import {
  ACME,
  startSlackHarness,
  eventFixture,
  type EventEnvelope,
  type SlackHarness,
} from "./slack-harness.js";

/** A scripted core: these tests pin the adapter (the real core runs behind it in the contract and real-core suites). */
const makeCore = (): ScriptedPaperboy => createScriptedPaperboy();

let core: ScriptedPaperboy;
let slack: SlackHarness;
let forgotten: [PlatformId, string][];
let eventNo = 0;

/** A fixture envelope with a fresh event_id (Slack's ids are unique per delivery). */
function envelope(name: string, patch: (e: EventEnvelope) => void = () => undefined): EventEnvelope {
  const body = eventFixture(name);
  body.event_id = `Ev0TEST${String(++eventNo)}`;
  patch(body);
  return body;
}

beforeAll(async () => {
  core = makeCore();
  slack = await startSlackHarness({ core });
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  core.reactions.length = 0;
  core.handleReaction = (event, _options) => {
    core.reactions.push(event);
    return Promise.resolve(core.voteWith(event));
  };
  forgotten = [];
  core.forgetWorkspace = async (platform, workspace) => {
    forgotten.push([platform, workspace]);
  };
});

describe("reaction votes", () => {
  it("reads a recorded reaction_added with :three: as a vote for slot 3 on that message", async () => {
    const res = await slack.event(eventFixture("reaction-added-keycap-3.json"));
    expect(res.status).toBe(200);
    const [vote] = await slack.fake.waitFor(() => core.reactions.length === 1 && core.reactions);
    expect(vote).toEqual({
      message: {
        channel: { platform: "slack", workspace: ACME.teamId, channel: "C2147483705" },
        id: "1718000000.000100",
      },
      userId: "U2147483697",
      emoji: { kind: "keycap", number: 3 },
      change: "added",
      eventId: "Ev07ABCD1234",
      at: new Date(1718000100 * 1000),
      byBot: false,
    });
  });

  it("GIVEN a redelivered reaction (same event_id) THEN each delivery reaches the core with that event_id, which the vote's store step dedupes", async () => {
    const body = envelope("reaction-added-keycap-3.json");
    await slack.event(body);
    await slack.event(body);
    expect(core.reactions.map((r) => r.eventId)).toEqual([body.event_id, body.event_id]);
  });

  it("GIVEN a vote THEN Slack's 200 waits until the core has it (processBeforeResponse)", async () => {
    let finish!: (result: VoteResult) => void;
    core.handleReaction = (event) => {
      core.reactions.push(event);
      return new Promise((resolve) => (finish = resolve));
    };
    let answered = false;
    const response = slack.event(envelope("reaction-added-keycap-3.json")).then((res) => {
      answered = true;
      return res;
    });
    await slack.fake.waitFor(() => core.reactions.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    finish({ status: "ignored", reason: "scripted" });
    expect((await response).status).toBe(200);
  });

  it("GIVEN the core cannot store the vote THEN Slack gets a 500 (and delivers the event again)", async () => {
    core.handleReaction = (event) => {
      core.reactions.push(event);
      return Promise.reject(new Error("store down"));
    };
    const res = await slack.event(envelope("reaction-added-keycap-3.json"));
    expect(res.status).toBe(500);
    expect(core.reactions).toHaveLength(1);
  });

  it("normalises +1::skin-tone-3 on reaction_removed to a removed 👍", async () => {
    await slack.event(envelope("reaction-removed-thumbsup-skin-tone.json"));
    const [vote] = await slack.fake.waitFor(() => core.reactions.length === 1 && core.reactions);
    expect(vote).toMatchObject({ change: "removed", emoji: { kind: "unicode", value: "👍" } });
  });

  it("ignores reactions on a message another user posted", async () => {
    await slack.event(envelope("reaction-added-keycap-3.json", (b) => (b.event.item_user = "U0SOMEONE")));
    await slack.event(envelope("reaction-added-keycap-3.json", (b) => (b.event.reaction = "fire")));
    const [vote] = await slack.fake.waitFor(() => core.reactions.length === 1 && core.reactions);
    expect(vote?.emoji).toEqual({ kind: "unicode", value: "🔥" });
  });

  it("never hands the bot's own (seeded) reactions to the core", async () => {
    await slack.event(envelope("reaction-added-keycap-3.json", (b) => (b.event.user = ACME.botUserId)));
    await slack.event(envelope("reaction-added-keycap-3.json", (b) => (b.event.reaction = "keycap_ten")));
    const [vote] = await slack.fake.waitFor(() => core.reactions.length === 1 && core.reactions);
    expect(vote).toMatchObject({ emoji: { kind: "keycap", number: 10 }, byBot: false });
  });

  it("passes custom workspace emoji through as custom", async () => {
    await slack.event(envelope("reaction-added-keycap-3.json", (b) => (b.event.reaction = "partyparrot")));
    const [vote] = await slack.fake.waitFor(() => core.reactions.length === 1 && core.reactions);
    expect(vote?.emoji).toEqual({ kind: "custom", id: "partyparrot", name: "partyparrot" });
  });

  it("changes what /papers top shows (scripted tally of what reached the core)", async () => {
    // Post a digest, then react on it: the scripted core tallies keycap votes per slot of that message.
    const platform = core.platforms[0]!;
    const outcome = await platform.send(
      { platform: "slack", workspace: ACME.teamId, channel: "C2147483705" },
      compactDigest(3),
      { delivery: "d00000000000000e1", index: 0 },
    );
    if (outcome.status !== "sent") throw new Error(outcome.status);
    const posted = outcome.message;
    const tally = new Map<PaperId, Set<string>>();
    core.voteWith = (e: ReactionChanged) => {
      const paper =
        e.emoji.kind === "keycap" && e.message.id === posted.ref.id
          ? posted.slots.get(e.emoji.number)
          : undefined;
      if (paper === undefined || e.byBot === true) return { status: "ignored", reason: "not a vote" };
      const voters = tally.get(paper) ?? new Set<string>();
      const before = voters.size;
      if (e.change === "added") voters.add(`${e.userId}:${emojiKey(e.emoji)}`);
      else voters.delete(`${e.userId}:${emojiKey(e.emoji)}`);
      tally.set(paper, voters);
      const voted = e.change === "added";
      return {
        status: "counted",
        paperId: paper,
        votes: voters.size,
        changed: before !== voters.size,
        voted,
      };
    };
    core.replyWith = () => {
      const lines = [...tally].filter(([, v]) => v.size > 0).map(([id, v]) => `${id}: ${String(v.size)}`);
      return { visibility: "public", message: textMessage(lines.join("\n") || "no votes yet") };
    };
    const react = (user: string, reaction: string, type = "reaction_added") =>
      slack.event(
        envelope("reaction-added-keycap-3.json", (b) => {
          b.event.type = type;
          b.event.user = user;
          b.event.reaction = reaction;
          b.event.item.ts = posted.ref.id;
        }),
      );
    const top = async () => {
      const { responseId } = await slack.command("top week");
      return (await slack.fake.waitFor(() => slack.fake.responses.find((r) => r.id === responseId))).body
        .text;
    };
    expect(await top()).toBe("no votes yet");
    await react("U1", "two");
    await react("U2", "two");
    await react("U3", "one");
    await slack.fake.waitFor(() => core.reactions.length === 3);
    expect(await top()).toBe(`${String(posted.slots.get(2))}: 2\n${String(posted.slots.get(1))}: 1`);
    await react("U2", "two", "reaction_removed");
    await slack.fake.waitFor(() => core.reactions.length === 4);
    expect(await top()).toBe(`${String(posted.slots.get(2))}: 1\n${String(posted.slots.get(1))}: 1`);
  });
});

describe("App Home", () => {
  it("publishes the core's home view for the user who opened it", async () => {
    await slack.event(envelope("app-home-opened.json"));
    const publish = await slack.fake.waitFor(() => slack.fake.callsOf("views.publish")[0]);
    expect(publish.token).toBe(ACME.token);
    expect(publish.args.user_id).toBe("U2147483697");
    expect(publish.args).toMatchObject({
      view: { type: "home", blocks: [{ text: { text: "home for U2147483697" } }] },
    });
  });
});

describe("uninstalls", () => {
  it("forgets the workspace on app_uninstalled", async () => {
    await slack.event(envelope("app-uninstalled.json"));
    expect(await slack.fake.waitFor(() => forgotten.length === 1 && forgotten)).toEqual([
      ["slack", ACME.teamId],
    ]);
  });

  it("forgets the workspace when the bot token is revoked", async () => {
    await slack.event(envelope("tokens-revoked.json"));
    expect(await slack.fake.waitFor(() => forgotten.length === 1 && forgotten)).toEqual([
      ["slack", ACME.teamId],
    ]);
  });

  it("GIVEN Slack redelivers app_uninstalled (same event_id) THEN the workspace is forgotten once", async () => {
    const body = envelope("app-uninstalled.json");
    expect((await slack.event(body)).status).toBe(200);
    expect((await slack.event(body)).status).toBe(200);
    await slack.fake.waitFor(() => forgotten.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(forgotten).toEqual([["slack", ACME.teamId]]);
  });

  it("ignores tokens_revoked that only revokes user tokens", async () => {
    await slack.event(envelope("tokens-revoked.json", (b) => (b.event.tokens = { oauth: ["U0X"], bot: [] })));
    await slack.event(envelope("app-uninstalled.json"));
    await slack.fake.waitFor(() => forgotten.length === 1);
    expect(forgotten).toHaveLength(1);
  });
});
