// OutboundMessage → a Discord message body (content, embeds, link buttons), within Discord's limits.
// @see https://discord.com/developers/docs/resources/message#create-message
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from "discord.js";
import {
  assertNever,
  type ButtonSpec,
  type Inline,
  type OutboundMessage,
  type PaperCard,
  type PaperId,
} from "../../../src/index.js";
import { DISCORD_LIMITS } from "../limits.js";
import { httpHref, plural, truncate } from "../../../src/index.js";
import { escapeCodeSpan, escapeDiscord, escapePlain, maskedLink } from "./escape.js";

/** Hugging Face yellow. */
const PAPER_COLOUR = 0xffd21e;
export const SHARE_PREFIX = "paperboy:share:";

export interface DiscordMessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions: { parse: [] };
}

export interface RenderedDiscordMessage {
  readonly payload: DiscordMessagePayload;
  /** slot → paper for the papers actually rendered (an overflowed paper is not votable here). */
  readonly slots: Map<number, PaperId>;
}

export interface RenderOptions {
  /** Where the overflow summary points: "+7 more: /papers today". */
  readonly overflowHint?: string;
}

/** The CLI's `--format discord` and the interaction replies: the body Discord receives. */
export function renderDiscordMessage(
  message: OutboundMessage,
  options: RenderOptions = {},
): DiscordMessagePayload {
  return renderDiscord(message, options).payload;
}

export function renderDiscord(message: OutboundMessage, options: RenderOptions = {}): RenderedDiscordMessage {
  const lines: string[] = [];
  const papers: { slot: number; paper: PaperCard }[] = [];
  /** Buttons by the paper they follow (undefined: buttons of the message as a whole). */
  const groups = new Map<number | undefined, ButtonSpec[]>();
  let lastSlot: number | undefined;
  for (const block of message.blocks) {
    switch (block.type) {
      case "header":
        lines.push(`### ${escapeDiscord(oneLine(block.text), DISCORD_LIMITS.title)}`);
        break;
      case "text":
        lines.push(inlinesToMarkdown(block.content));
        break;
      case "context":
        lines.push(`-# ${oneLine(inlinesToMarkdown(block.content))}`);
        break;
      case "paper":
        papers.push({ slot: block.slot, paper: block.paper });
        lastSlot = block.slot;
        break;
      case "actions":
        groups.set(lastSlot, [...(groups.get(lastSlot) ?? []), ...block.buttons]);
        break;
      case "divider":
        break;
      default:
        assertNever(block);
    }
  }

  const maxEmbeds = DISCORD_LIMITS.embedsPerMessage;
  let budget = DISCORD_LIMITS.embedsTotalBudget;
  const embeds: APIEmbed[] = [];
  const summaryRoom = 80; // room kept in `content` for "+N more: …"
  let content = lines.join("\n").trim();
  if (content.length > DISCORD_LIMITS.content - summaryRoom) {
    // Too long for `content`: a leading embed carries it (4096), counted in the 6000 budget.
    const lead: APIEmbed = {
      description: truncate(content, Math.min(DISCORD_LIMITS.description, budget / 2)),
    };
    embeds.push(lead);
    budget -= embedChars(lead);
    content = "";
  }

  const slots = new Map<number, PaperId>();
  const room = Math.min(papers.length, maxEmbeds - embeds.length);
  const perPaper = room > 0 ? Math.floor(budget / room) : 0;
  let shown = 0;
  for (const { slot, paper } of papers) {
    if (embeds.length >= maxEmbeds) break;
    const embed = paperEmbed(slot, paper, { single: papers.length === 1, perPaper });
    const size = embedChars(embed);
    if (size > budget) break;
    embeds.push(embed);
    budget -= size;
    slots.set(slot, paper.id);
    shown++;
  }
  const overflow = papers.length - shown;
  if (overflow > 0) {
    const summary = `+${String(overflow)} more: ${escapeDiscord(options.overflowHint ?? "/papers today")}`;
    content = [truncate(content, DISCORD_LIMITS.content - summary.length - 1), summary]
      .filter((s) => s !== "")
      .join("\n");
  }

  // One paper: its links are buttons (the embed lists them otherwise), before whatever the core added.
  const single = papers.length === 1 ? papers[0] : undefined;
  if (single && ![...groups.values()].flat().some((b) => b.kind === "link")) {
    const links = single.paper.links.map((l): ButtonSpec => ({ kind: "link", text: l.label, url: l.url }));
    groups.set(single.slot, [...links, ...(groups.get(single.slot) ?? [])]);
  }
  const components = buttonRows(groups, { numbered: papers.length > 1, shown: slots });

  if (content === "" && embeds.length === 0)
    content = truncate(escapeDiscord(message.fallbackText), DISCORD_LIMITS.content) || "…";
  const payload: DiscordMessagePayload = { embeds, components, allowed_mentions: { parse: [] } };
  if (content !== "") payload.content = truncate(content, DISCORD_LIMITS.content);
  return { payload, slots };
}

function paperEmbed(slot: number, paper: PaperCard, opts: { single: boolean; perPaper: number }): APIEmbed {
  const title = truncate(
    `${String(slot)}. ${escapeDiscord(oneLine(paper.title), DISCORD_LIMITS.title)}`,
    DISCORD_LIMITS.title,
  );
  const footer = paper.voteHint ? truncate(plain(paper.voteHint), DISCORD_LIMITS.footer) : undefined;
  const meta = [
    paper.authors,
    paper.organization,
    paper.date,
    `▲ ${String(paper.upvotes)}`,
    paper.githubStars !== undefined ? `★ ${String(paper.githubStars)}` : undefined,
    paper.teamVotes ? plural(paper.teamVotes, "team vote") : undefined,
  ]
    .filter((s): s is string => s !== undefined && s.trim() !== "")
    .map((s) => escapeDiscord(oneLine(s), DISCORD_LIMITS.fieldValue))
    .join(" · ");
  const links = opts.single
    ? "" // a single paper gets link buttons instead
    : paper.links
        .map((l) => ({ label: l.label, url: httpHref(l.url) }))
        .filter((l): l is { label: string; url: string } => l.url !== undefined)
        .map((l) => maskedLink(oneLine(l.label), l.url))
        .join(" · ");
  const tail = [
    meta,
    paper.reason ? `*${escapeDiscord(oneLine(paper.reason), DISCORD_LIMITS.fieldValue)}*` : "",
    paper.matched && paper.matched.length > 0
      ? truncate(`🔎 ${oneLine(inlinesToMarkdown(paper.matched))}`, DISCORD_LIMITS.fieldValue)
      : "",
    links,
  ]
    .filter((s) => s !== "")
    .join("\n");
  const cap = Math.max(
    0,
    Math.min(DISCORD_LIMITS.description, opts.perPaper - title.length - (footer?.length ?? 0)),
  );
  const summary = escapeDiscord(paper.summary.trim());
  const summaryCap = Math.max(0, cap - tail.length - 2);
  const description = truncate(
    [summaryCap > 20 ? truncate(summary, summaryCap) : "", tail].filter((s) => s !== "").join("\n\n"),
    cap,
  );

  const embed: APIEmbed = { title, color: PAPER_COLOUR };
  const url = httpHref(paper.url);
  if (url) embed.url = url;
  if (description !== "") embed.description = description;
  if (footer) embed.footer = { text: footer };
  const thumbnail = httpHref(paper.thumbnail);
  if (thumbnail?.startsWith("https:")) embed.thumbnail = { url: thumbnail };
  return embed;
}

/** Inline runs → Discord markdown; every piece of untrusted text is escaped here and nowhere else. */
export function inlinesToMarkdown(runs: readonly Inline[]): string {
  return runs
    .map((run) => {
      switch (run.type) {
        case "text":
          return escapeDiscord(run.text);
        case "bold":
          return `**${escapeDiscord(run.text)}**`;
        case "italic":
          return `*${escapeDiscord(run.text)}*`;
        case "code":
          return `\`${escapeCodeSpan(run.text)}\``;
        case "link": {
          const url = httpHref(run.url);
          return url ? maskedLink(run.text, url) : escapeDiscord(run.text);
        }
        default:
          return assertNever(run);
      }
    })
    .join("");
}

/** "Share 2": in a list, a button names its paper; "Share to channel" five times over would not say which. */
function buttonLabel(spec: ButtonSpec, slot: number | undefined, numbered: boolean): string {
  const text = numbered && slot !== undefined && spec.kind === "action" ? "Share" : spec.text;
  const label = numbered && slot !== undefined ? `${text} ${String(slot)}` : text;
  return truncate(plain(oneLine(label)), DISCORD_LIMITS.buttonLabel) || "Open";
}

function toButton(spec: ButtonSpec, label: string): APIButtonComponent | undefined {
  if (spec.kind === "link") {
    const url = httpHref(spec.url);
    return url ? { type: ComponentType.Button, style: ButtonStyle.Link, label, url } : undefined;
  }
  const customId = `paperboy:${spec.actionId}:${spec.value}`;
  return customId.length <= DISCORD_LIMITS.customId
    ? { type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: customId }
    : undefined;
}

/**
 * Action rows: a row per paper while they fit in Discord's 5 rows (each button numbered with its paper in a list),
 * else the numbered buttons packed five to a row, at most 25. Buttons of a paper left out of the embeds are dropped.
 */
function buttonRows(
  groups: ReadonlyMap<number | undefined, readonly ButtonSpec[]>,
  options: { readonly numbered: boolean; readonly shown: ReadonlyMap<number, PaperId> },
): APIActionRowComponent<APIButtonComponent>[] {
  const perRow = DISCORD_LIMITS.buttonsPerRow;
  const chunks: APIButtonComponent[][] = [];
  for (const [slot, specs] of groups) {
    if (slot !== undefined && !options.shown.has(slot)) continue;
    const buttons = specs
      .map((spec) => toButton(spec, buttonLabel(spec, slot, options.numbered)))
      .filter((b): b is APIButtonComponent => b !== undefined);
    for (let i = 0; i < buttons.length; i += perRow) chunks.push(buttons.slice(i, i + perRow));
  }
  const packed =
    chunks.length <= DISCORD_LIMITS.rows
      ? chunks
      : chunks.flat().reduce<APIButtonComponent[][]>((rows, b) => {
          const last = rows.at(-1);
          if (last && last.length < perRow) last.push(b);
          else rows.push([b]);
          return rows;
        }, []);
  return packed
    .slice(0, DISCORD_LIMITS.rows)
    .map((components) => ({ type: ComponentType.ActionRow, components }));
}

/** What Discord counts towards the 6000-character total of a message's embeds. */
export function embedChars(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Footers and button labels render no markdown: escapes would show, so only mentions and bidi are handled. */
const plain = escapePlain;

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
