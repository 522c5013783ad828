// Which channel on which platform: the key of subscriptions, votes and posts.

export type PlatformId = "slack" | "discord" | "console";

export interface ChannelRef {
  readonly platform: PlatformId;
  /** Slack team id, Discord guild id, "local" for the console. */
  readonly workspace: string;
  readonly channel: string;
}

export function channelRef(platform: PlatformId, workspace: string, channel: string): ChannelRef {
  return { platform, workspace, channel };
}

/** Stable string key: "slack:T123:C456". */
export function channelKey(ref: ChannelRef): string {
  return `${ref.platform}:${ref.workspace}:${ref.channel}`;
}

export interface MessageRef {
  readonly channel: ChannelRef;
  /** Slack message ts, Discord message id, console message number. */
  readonly id: string;
}

export function messageKey(ref: MessageRef): string {
  return `${channelKey(ref.channel)}:${ref.id}`;
}

/** The ChannelRef of a channelKey ("slack:T123:C456"), or undefined when the text is not one. */
export function parseChannelKey(key: string): ChannelRef | undefined {
  const m = /^(slack|discord|console):([^:]+):([^:|]+)$/.exec(key);
  return m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined
    ? { platform: m[1] as PlatformId, workspace: m[2], channel: m[3] }
    : undefined;
}
