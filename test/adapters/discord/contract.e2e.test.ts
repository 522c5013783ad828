// The adapter contract for Discord: interactions and reactions over the fake gateway into a real discord.js Client and
// the real core; what Discord receives is read from the fake REST API (channel posts, interaction callbacks and edits).
import { afterAll, beforeAll } from "vitest";
import { createDiscordPlatform } from "../../../adapters/discord/index.js";
import { channelRef, type PlatformAdapter } from "../../../src/index.js";
import { silentLogger } from "../../../src/ops/logger.js";
import {
  FAKE_IDS,
  startFakeDiscord,
  type FakeDiscord,
  type RecordedRequest,
} from "../../fakes/fake-discord.js";
import {
  describeAdapterContract,
  stringsOf,
  type AdapterDriver,
  type Posted,
  type Reply,
} from "../contract.js";
import { createRealCore, NOW } from "../real-core.js";
import { chatInput, discordConfig, reaction, shareButton, type InteractionPayload } from "./payloads.js";

/** Permissions without Manage Channels (View Channel, Send Messages, Read Message History, Add Reactions). */
const NO_MANAGE = "68672";
const KEYCAPS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"];
/** Live mentions Discord would parse if allowed_mentions let it: @everyone/@here not broken by a zero-width space, roles, users. */
const LIVE_MENTION = /(^|[^\u200b])@(everyone|here)|<@[&!]?\d+>/;

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(() => fake.close());

/** Discord's limits and mention rules for a message body (a channel post, an interaction edit or follow-up). */
function discordProblems(payload: unknown): string[] {
  const body = payload as {
    content?: string;
    embeds?: { title?: string; description?: string; footer?: { text: string } }[];
    allowed_mentions?: unknown;
  };
  const problems: string[] = [];
  if (JSON.stringify(body.allowed_mentions) !== JSON.stringify({ parse: [] }))
    problems.push("mentions allowed");
  const live = LIVE_MENTION.exec(stringsOf(payload));
  if (live) problems.push(`live mention ${live[0].trim()}`);
  if (/[\u202A-\u202E\u2066-\u2069]/.test(stringsOf(payload))) problems.push("bidi control");
  const embeds = body.embeds ?? [];
  if ((body.content?.length ?? 0) > 2_000) problems.push("content over 2000");
  if (embeds.length > 10) problems.push(`${String(embeds.length)} embeds`);
  for (const e of embeds) {
    if ((e.title?.length ?? 0) > 256) problems.push("title over 256");
    if ((e.description?.length ?? 0) > 4_096) problems.push("description over 4096");
  }
  const total = embeds.reduce(
    (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0),
    0,
  );
  if (total > 6_000) problems.push(`embeds of ${String(total)} characters`);
  return problems;
}

const callbackOf = (p: InteractionPayload) => (r: RecordedRequest) =>
  r.method === "POST" && r.path === `/interactions/${p.id}/${p.token}/callback`;
/** The answer to a deferred interaction: the edit of the placeholder, or a follow-up when the visibility differs. */
const answerOf = (p: InteractionPayload) => (r: RecordedRequest) =>
  (r.method === "PATCH" && r.path === `/webhooks/${FAKE_IDS.application}/${p.token}/messages/@original`) ||
  (r.method === "POST" && r.path === `/webhooks/${FAKE_IDS.application}/${p.token}`);

async function interact(payload: InteractionPayload): Promise<Reply> {
  fake.dispatch("INTERACTION_CREATE", payload);
  const callback = await fake.waitFor(callbackOf(payload));
  const answer = await fake.waitFor(answerOf(payload));
  const deferredFlags = (callback.body as { data?: { flags?: number } }).data?.flags ?? 0;
  const flags = answer.method === "PATCH" ? deferredFlags : ((answer.body as { flags?: number }).flags ?? 0);
  const shares = [...JSON.stringify(answer.body).matchAll(/"custom_id":"paperboy:share:([^"]+)"/g)].map(
    (m) => m[1] ?? "",
  );
  return { text: stringsOf(answer.body), private: (flags & 64) !== 0, shares, payload: answer.body };
}

describeAdapterContract("Discord", async (hf): Promise<AdapterDriver> => {
  fake.requests.length = 0;
  const core = await createRealCore(hf);
  const channel = channelRef("discord", FAKE_IDS.guild, FAKE_IDS.channel);
  const known = new Set(fake.messages.keys());
  let discord: PlatformAdapter | undefined;
  /** The contract's user names ("U0ANN") as Discord user ids. */
  const users = new Map<string, string>();
  const snowflakeOf = (user: string): string => {
    const id = users.get(user) ?? String(1278000000000001000n + BigInt(users.size + 1));
    users.set(user, id);
    return id;
  };

  return {
    core,
    channel,
    async start() {
      discord = createDiscordPlatform(discordConfig(fake.apiUrl), {
        core: core.core.paperboy,
        log: silentLogger,
        now: () => NOW,
      });
      core.core.paperboy.registerPlatform(discord.platform);
      await discord.start();
      await core.core.start();
    },
    async stop() {
      await discord?.stop();
      await core.close();
    },
    command: (command, as) =>
      interact(
        chatInput(
          command.subcommand,
          { ...command.options },
          as === "member" ? { permissions: NO_MANAGE } : {},
        ),
      ),
    posted(): Posted[] {
      // paperboy's own posts carry a nonce (digests, cards); interaction replies are webhook messages without one.
      const posts = fake.requests.filter(
        (r) => r.method === "POST" && r.path === `/channels/${FAKE_IDS.channel}/messages`,
      );
      return fake
        .messagesIn(FAKE_IDS.channel)
        .filter((m) => !known.has(m.id) && fake.nonceOf(m.id) !== undefined)
        .map((m) => {
          const request = posts.find((r) => (r.body as { nonce?: string }).nonce === fake.nonceOf(m.id));
          return { id: m.id, text: stringsOf(m), payload: request?.body };
        });
    },
    react(message, emoji, as, change = "added") {
      const name = emoji === "thumbs-up" ? "👍" : (KEYCAPS[emoji.keycap - 1] ?? "");
      const userId = as === "bot" ? FAKE_IDS.application : snowflakeOf(as.user);
      const kind = change === "added" ? "add" : "remove";
      fake.dispatch(
        change === "added" ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE",
        reaction(kind, { messageId: message.id, userId, emoji: { id: null, name } }),
      );
      return Promise.resolve();
    },
    share: (paperId, as) => {
      const press = shareButton(paperId);
      if (as === "member") press.member.permissions = NO_MANAGE;
      return interact(press);
    },
    problems: discordProblems,
  };
});
