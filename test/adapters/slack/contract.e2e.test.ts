// The adapter contract for Slack: signed commands, events and button presses through a real Bolt app (HTTP mode) into
// the real core; what Slack receives is read from the fake Web API and response_url posts.
import { afterAll, beforeAll } from "vitest";
import type { SlackBlock } from "../../../adapters/slack/index.js";
import { channelRef } from "../../../src/index.js";
import { startFakeSlackApi, type FakeSlackApi } from "../../fakes/fake-slack-api.js";
import {
  describeAdapterContract,
  stringsOf,
  type AdapterDriver,
  type Posted,
  type Reply,
} from "../contract.js";
import { createRealCore, NOW } from "../real-core.js";
import { findLiveMarkup } from "./live-markup.js";
import { ADMIN, CHANNEL, MEMBER, reactionEvent } from "./slack-core.js";
import { ACME, actionFixture, startSlackHarness, type SlackHarness } from "./slack-harness.js";

const KEYCAP_NAMES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "keycap_ten"];

let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await startFakeSlackApi();
  fake.users.set(ADMIN, { is_admin: true });
});
afterAll(() => fake.close());

/** Slack's limits on what it accepts (50 blocks, 150 characters a header, 3,000 a section or a message's text), and paperboy's own bound. */
function slackLimitProblems(payload: unknown): string[] {
  const { text, blocks = [] } = payload as { text?: unknown; blocks?: SlackBlock[] };
  const problems: string[] = [];
  if (blocks.length > 50) problems.push(`${String(blocks.length)} blocks`);
  if (typeof text === "string" && text.length > 3_000)
    problems.push(`text of ${String(text.length)} characters`);
  const texts = (v: unknown): string[] =>
    v !== null && typeof v === "object"
      ? Object.entries(v).flatMap(([k, x]) => (k === "text" && typeof x === "string" ? [x] : texts(x)))
      : [];
  let total = 0;
  for (const block of blocks)
    for (const t of texts(block)) {
      total += t.length;
      if (t.length > (block.type === "header" ? 150 : 3_000))
        problems.push(`${block.type} text of ${String(t.length)}`);
    }
  // Slack's blocks carry at most 50 × 3,000 characters; paperboy's summary keeps a message far below (≤ 11,500).
  if (total > 11_500) problems.push(`blocks of ${String(total)} characters in all`);
  return problems;
}

function toReply(body: Record<string, unknown>): Reply {
  const shares = ((body.blocks ?? []) as SlackBlock[])
    .flatMap((b) => (b.type === "actions" ? b.elements : []))
    .filter((e) => e.action_id === "paperboy:share")
    .map((e) => e.value ?? "");
  return { text: stringsOf(body), private: body.response_type === "ephemeral", shares, payload: body };
}

describeAdapterContract("Slack", async (hf): Promise<AdapterDriver> => {
  fake.calls.length = 0;
  fake.responses.length = 0;
  fake.resetReactionBuckets();
  const core = await createRealCore(hf);
  const channel = channelRef("slack", ACME.teamId, CHANNEL);
  let slack: SlackHarness | undefined;
  let shares = 0;

  const reply = async (responseId: string): Promise<Reply> =>
    toReply((await fake.waitFor(() => fake.responses.find((r) => r.id === responseId))).body);

  return {
    core,
    channel,
    async start() {
      slack = await startSlackHarness({
        core: core.core.paperboy,
        fake,
        store: core.store,
        postIntervalMs: 10,
      });
      await core.core.start();
    },
    async stop() {
      await slack?.close();
      await core.close();
    },
    async command(command, as) {
      const { status, responseId } = await slack!.command(command.text, {
        user_id: as === "manager" ? ADMIN : MEMBER,
      });
      if (status !== 200) throw new Error(`/papers ${command.text} answered HTTP ${String(status)}`);
      return reply(responseId);
    },
    posted(): Posted[] {
      return fake
        .callsOf("chat.postMessage")
        .filter((c) => c.ts !== undefined && c.args.channel === CHANNEL)
        .map((c) => {
          const payload = { text: c.args.text, blocks: c.args.blocks };
          return { id: c.ts ?? "", text: stringsOf(payload), payload };
        });
    },
    async react(message, emoji, as, change = "added") {
      const name = emoji === "thumbs-up" ? "+1" : (KEYCAP_NAMES[emoji.keycap - 1] ?? "");
      const user = as === "bot" ? ACME.botUserId : as.user;
      const type = change === "added" ? "reaction_added" : "reaction_removed";
      const answer = await slack!.event(reactionEvent(message.id, user, name, NOW, type, CHANNEL));
      if (answer.status !== 200) throw new Error(`the reaction event answered HTTP ${String(answer.status)}`);
    },
    async share(paperId, as) {
      const press = actionFixture("block-actions-share.json");
      const responseId = `share-${String(++shares)}`;
      press.response_url = fake.responseUrl(responseId);
      press.actions = [{ ...press.actions[0]!, action_id: "paperboy:share", value: paperId }];
      const answer = await slack!.action({
        ...press,
        user: { id: as === "manager" ? ADMIN : MEMBER, team_id: ACME.teamId },
      });
      if (answer.status !== 200) throw new Error(`Share answered HTTP ${String(answer.status)}`);
      return reply(responseId);
    },
    problems: (payload) => [...findLiveMarkup(payload), ...slackLimitProblems(payload)],
  };
});
