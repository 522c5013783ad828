// Builders over the recorded Discord payloads in test/fixtures/discord: change ids and options, keep the real shape.
import { discordFixture } from "../../fakes/fake-discord.js";
import { loadConfig, type Config } from "../../../src/index.js";

/** The parts of a recorded payload the builders change; the rest stays as Discord sent it. */
export interface InteractionPayload {
  id: string;
  token: string;
  data: { options?: unknown[]; custom_id?: string };
  member: { permissions: string; user: { id: string } };
  [field: string]: unknown;
}

export interface ReactionPayload {
  message_id: string;
  user_id: string;
  emoji: { id: string | null; name: string };
  member?: { user: { id: string } };
  [field: string]: unknown;
}

let counter = 0;
const nextId = () => (1278000000000200000n + BigInt(++counter)).toString();

interface Option {
  name: string;
  type: number;
  value: string | number;
  focused?: boolean;
}

function typed(options: Record<string, string | number>, focused?: string): Option[] {
  return Object.entries(options).map(([name, value]) => ({
    name,
    type: typeof value === "number" ? 4 : 3, // INTEGER : STRING
    value,
    ...(name === focused ? { focused: true } : {}),
  }));
}

/** INTERACTION_CREATE for `/papers <subcommand> …options`, with a fresh id and token. */
export function chatInput(
  subcommand: string,
  options: Record<string, string | number> = {},
  over: { permissions?: string } = {},
): InteractionPayload {
  const p: InteractionPayload = discordFixture("interaction-papers-search.json") as InteractionPayload;
  p.id = nextId();
  p.token = `token-${p.id}`;
  p.data.options = [{ name: subcommand, type: 1, options: typed(options) }];
  if (over.permissions !== undefined) p.member.permissions = over.permissions;
  return p;
}

export function autocomplete(value: string): InteractionPayload {
  const p: InteractionPayload = discordFixture("interaction-autocomplete.json") as InteractionPayload;
  p.id = nextId();
  p.token = `token-${p.id}`;
  p.data.options = [{ name: "search", type: 1, options: typed({ query: value }, "query") }];
  return p;
}

export function shareButton(paperId: string): InteractionPayload {
  const p: InteractionPayload = discordFixture("interaction-button-share.json") as InteractionPayload;
  p.id = nextId();
  p.token = `token-${p.id}`;
  p.data.custom_id = `paperboy:share:${paperId}`;
  return p;
}

export function reaction(
  kind: "add" | "remove",
  over: { messageId?: string; userId?: string; emoji?: { id: string | null; name: string } } = {},
): ReactionPayload {
  const p = discordFixture(
    kind === "add" ? "message-reaction-add.json" : "message-reaction-remove.json",
  ) as ReactionPayload;
  if (over.messageId !== undefined) p.message_id = over.messageId;
  if (over.userId !== undefined) {
    p.user_id = over.userId;
    if (p.member) p.member.user = { ...p.member.user, id: over.userId };
  }
  if (over.emoji !== undefined) p.emoji = over.emoji;
  return p;
}

export function discordConfig(apiUrl: string): Config {
  return loadConfig({
    DISCORD_TOKEN: "fake-token.for.tests",
    DISCORD_APPLICATION_ID: "1278000000000000003",
    DISCORD_API_URL: apiUrl,
    STORE_URL: "memory://",
  });
}

/** INTERACTION_CREATE for the "Paper card" message command on a message whose content is `content`. */
export function paperCardOn(content: string): InteractionPayload {
  const p = discordFixture("interaction-message-paper-card.json") as InteractionPayload & {
    data: { target_id: string; resolved: { messages: Record<string, { id: string; content: string }> } };
  };
  p.id = nextId();
  p.token = `token-${p.id}`;
  const target = Object.values(p.data.resolved.messages)[0];
  if (target !== undefined) target.content = content;
  return p;
}
