// The body of Discord's Execute Webhook request for one message, typed by discord-api-types (the API's own
// types, which discord.js is built on). Log text is data: allowed_mentions parses nothing, so `@everyone`,
// `<@id>` and `<@&role>` ping no one, and the text mode escapes markdown.
import type { APIEmbed, RESTPostAPIWebhookWithTokenJSONBody } from 'discord-api-types/v10';
import { escapeMarkdown } from './text-escape.ts';
import type { Message } from './types.ts';

export interface DiscordLook {
  botname?: string;
  /** Send `avatarUrl` as the webhook's avatar. */
  avatar: boolean;
  avatarUrl?: string;
  footer: boolean;
  tts: boolean;
  format: 'text' | 'markdown';
}

export function discordPayload(c: DiscordLook, m: Message): RESTPostAPIWebhookWithTokenJSONBody {
  const common: RESTPostAPIWebhookWithTokenJSONBody = {
    username: c.botname,
    avatar_url: c.avatar ? c.avatarUrl : undefined,
    tts: c.tts,
    allowed_mentions: { parse: [] },
  };
  if (c.format === 'markdown') return { ...common, embeds: [embed(c, m)] };
  const title = m.title ? `**${escapeMarkdown(m.title)}**\n` : '';
  return { ...common, content: title + escapeMarkdown(m.body) };
}

function embed(c: DiscordLook, m: Message): APIEmbed {
  return {
    title: m.title || undefined,
    description: m.body,
    color: colour(m),
    footer: c.footer ? { text: `relay · ${m.type}` } : undefined,
  };
}

/** Embed colour: by syslog severity when known (red for err and worse), else by message type. */
function colour(m: Message): number {
  if (m.severity !== undefined) return m.severity <= 3 ? 0xa32037 : m.severity === 4 ? 0xcacf29 : 0x3aa3e3;
  return { info: 0x3aa3e3, success: 0x3aa337, warning: 0xcacf29, failure: 0xa32037 }[m.type];
}
