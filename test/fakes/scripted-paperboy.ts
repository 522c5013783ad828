// A Paperboy that records what adapters hand it and answers from a script: for adapter transport tests.
import type {
  ChatPlatform,
  CommandInvocation,
  CommandReply,
  LinksShared,
  OutboundMessage,
  Paperboy,
  PaperId,
  ReactionChanged,
} from "../../src/index.js";
import type { ActionInvocation, VoteResult } from "../../src/platform/events.js";
import type { PlatformId } from "../../src/platform/channel-ref.js";

export interface ScriptedPaperboy extends Paperboy {
  readonly commands: CommandInvocation[];
  readonly reactions: ReactionChanged[];
  readonly actions: ActionInvocation[];
  readonly unfurls: LinksShared[];
  readonly platforms: ChatPlatform[];
  /** Next answers; defaults echo the command text in an ephemeral message. */
  replyWith: (invocation: CommandInvocation) => CommandReply | Promise<CommandReply>;
  voteWith: (event: ReactionChanged) => VoteResult;
}

export function textMessage(text: string): OutboundMessage {
  return { fallbackText: text, blocks: [{ type: "text", content: [{ type: "text", text }] }] };
}

export function createScriptedPaperboy(): ScriptedPaperboy {
  const core: ScriptedPaperboy = {
    commands: [],
    reactions: [],
    actions: [],
    unfurls: [],
    platforms: [],
    replyWith: (inv) => ({ visibility: "ephemeral", message: textMessage(`echo: ${inv.text}`) }),
    voteWith: () => ({ status: "ignored", reason: "scripted" }),
    handleCommand(invocation) {
      core.commands.push(invocation);
      return Promise.resolve(core.replyWith(invocation));
    },
    handleReaction(event) {
      core.reactions.push(event);
      return Promise.resolve(core.voteWith(event));
    },
    handleAction(action) {
      core.actions.push(action);
      return Promise.resolve({ visibility: "ephemeral", message: textMessage(`action ${action.actionId}`) });
    },
    unfurl(links) {
      core.unfurls.push(links);
      return Promise.resolve(
        new Map(links.urls.map((url) => [url, textMessage(`card for ${url}`)] as const)),
      );
    },
    suggest(query, limit) {
      const all = [
        { id: "2606.00467" as PaperId, title: "On the Limits of LLM Adaptability" },
        { id: "2407.21783" as PaperId, title: "The Llama 3 Herd of Models" },
      ];
      return Promise.resolve(
        all.filter((p) => p.title.toLowerCase().includes(query.toLowerCase())).slice(0, limit),
      );
    },
    home(_platform: PlatformId, _workspace: string, userId: string) {
      return Promise.resolve(textMessage(`home for ${userId}`));
    },
    forgetWorkspace() {
      return Promise.resolve();
    },
    registerPlatform(platform) {
      core.platforms.push(platform);
    },
  };
  return core;
}
