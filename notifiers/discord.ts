// discord:// and native Discord webhook URLs: one Execute Webhook request per message (discord-payload.ts
// builds its body). Nothing here sleeps or retries: a 429 becomes a NotifyError carrying Discord's own
// retry_after for the outbox to honour, and the bucket headers of every answer go to delivery's pacer
// (ctx.rateLimit), which holds the next send while the bucket is empty.
import { discordError } from './discord-errors.ts';
import { discordPayload, type DiscordLook } from './discord-payload.ts';
import { endpoint } from './endpoints.ts';
import { httpExchange } from './http.ts';
import { escapeMarkdown } from './text-escape.ts';
import type { NotifierModule } from './types.ts';
import { boolParam, choiceParam, enc, invalid, query, secret, segments, textParam, username } from './url-fields.ts';

interface DiscordConfig extends DiscordLook {
  id: string;
  token: string;
  thread?: string;
}

const NATIVE_HOSTS = /^(?:(?:canary|ptb)\.)?discord(?:app)?\.com$/;
const TIMEOUT_MS = 10_000;

export const discordNotifier: NotifierModule<DiscordConfig> = {
  service: 'Discord',
  schemes: ['discord'],
  forms: [
    'discord://WebhookID/WebhookToken',
    'discord://botname@WebhookID/WebhookToken',
    'https://discord.com/api/webhooks/WebhookID/WebhookToken',
  ],
  options: ['avatar=yes|no', 'avatar_url=URL', 'footer=yes|no', 'thread=ID', 'tts=yes|no', 'format=text|markdown', 'botname=NAME'],
  // Content holds at most 2,000 characters and the title is printed inside it; embeds allow more, but
  // one limit for both modes keeps `overflow=` predictable.
  limits: { title: 256, body: 2000, unit: 'utf16', titleInBody: true, escape: escapeMarkdown },
  // About 30 messages per minute per channel (the per-webhook bucket, 5 per 2 s, comes in the headers).
  pace: { requests: 30, perMs: 60_000 },
  accepts: (url) => NATIVE_HOSTS.test(url.hostname) && /^\/api\/(?:v\d+\/)?webhooks\/\d+\/[^/]+\/?$/.test(url.pathname),
  parse(url) {
    const native = url.protocol === 'https:';
    const parts = segments(url);
    const [id, token] = native ? parts.slice(-2) : [url.hostname, parts[0]];
    if (!id || !/^\d+$/.test(id)) invalid(`Discord webhook ID must be digits, got ${JSON.stringify(id ?? '')}`);
    if (!token) invalid('Discord URL needs the webhook token after the ID (discord://ID/TOKEN)');
    if (!native && parts.length > 1) invalid(`unexpected path after the Discord webhook token: /${parts.slice(1).join('/')}`);
    const thread = textParam(url, 'thread');
    if (thread && !/^\d+$/.test(thread)) invalid(`thread=${thread} is not a Discord thread ID (digits)`);
    return {
      id,
      token,
      botname: textParam(url, 'botname') ?? (native ? undefined : username(url)),
      avatar: boolParam(url, 'avatar', true),
      avatarUrl: textParam(url, 'avatar_url', 'image'),
      footer: boolParam(url, 'footer', false),
      thread,
      tts: boolParam(url, 'tts', false),
      format: choiceParam(url, 'format', ['text', 'markdown'] as const, 'text'),
    };
  },
  toUrl(c, { mask }) {
    const user = c.botname ? `${enc(c.botname)}@` : '';
    return `discord://${user}${c.id}/${secret(c.token, mask)}${query({
      avatar: c.avatar ? undefined : false,
      avatar_url: c.avatarUrl,
      footer: c.footer || undefined,
      thread: c.thread,
      tts: c.tts || undefined,
      format: c.format === 'text' ? undefined : c.format,
    })}`;
  },
  async send(c, m, ctx) {
    const query = new URLSearchParams({ wait: 'true', ...(c.thread ? { thread_id: c.thread } : {}) });
    const res = await httpExchange({
      url: `${endpoint('discord')}/v10/webhooks/${c.id}/${encodeURIComponent(c.token)}?${query}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'relay' },
      body: JSON.stringify(discordPayload(c, m)),
      timeoutMs: TIMEOUT_MS,
      signal: ctx.signal,
    });
    // Every answer, a 429 included, says how much of the webhook's bucket is left.
    const remaining = res.headers.get('x-ratelimit-remaining');
    const resetAfter = res.headers.get('x-ratelimit-reset-after');
    if (remaining !== null && resetAfter !== null) {
      ctx.rateLimit?.({ remaining: Number(remaining), resetAfterMs: Math.ceil(Number(resetAfter) * 1000) });
    }
    if (!res.ok) throw await discordError(res);
  },
};
