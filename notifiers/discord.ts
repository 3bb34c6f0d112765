// discord:// and native Discord webhook URLs, sent through discord.js's WebhookClient. Log text is data:
// allowed_mentions is empty so `@everyone`, `<@id>` and `<@&role>` ping no one, and plain-text mode
// escapes markdown. discord.js is told to reject on rate limits instead of sleeping, so a 429 becomes a
// NotifyError carrying Discord's own retry_after for the outbox to honour. Its client lives for one send,
// so its own bucket queue never sees a second request: the bucket headers of every answer go to delivery's
// pacer instead (ctx.rateLimit), which holds the next send while the bucket is empty.
import type { WebhookMessageCreateOptions } from 'discord.js';
import { endpoint } from './endpoints.ts';
import type { RateLimitAnswer } from './discord-errors.ts';
import { escapeMarkdown } from './text-escape.ts';
import type { Message, NotifierModule } from './types.ts';
import { boolParam, choiceParam, enc, invalid, query, secret, segments, textParam, username } from './url-fields.ts';

interface DiscordConfig {
  id: string;
  token: string;
  botname?: string;
  /** Send `avatarUrl` as the webhook's avatar (Apprise's avatar=yes|no). */
  avatar: boolean;
  avatarUrl?: string;
  footer: boolean;
  thread?: string;
  tts: boolean;
  format: 'text' | 'markdown';
}

const NATIVE_HOSTS = /^(?:(?:canary|ptb)\.)?discord(?:app)?\.com$/;
const TIMEOUT_MS = 10_000;

export const discordNotifier: NotifierModule<DiscordConfig> = {
  service: 'Discord',
  schemes: ['discord'],
  forms: ['discord://WebhookID/WebhookToken', 'discord://botname@WebhookID/WebhookToken', 'https://discord.com/api/webhooks/WebhookID/WebhookToken'],
  options: ['avatar=yes|no', 'avatar_url=URL', 'footer=yes|no', 'thread=ID', 'tts=yes|no', 'format=text|markdown', 'botname=NAME'],
  // Content holds at most 2,000 characters and the title is printed inside it; embeds allow more, but
  // one limit for both modes keeps `overflow=` predictable.
  limits: { title: 256, body: 2000, titleInBody: true, escape: escapeMarkdown },
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
    // Loaded on first use: discord.js is most of relay's memory when it is not needed.
    const [{ WebhookClient }, { discordError }] = await Promise.all([import('discord.js'), import('./discord-errors.ts')]);
    let rateLimit: RateLimitAnswer | undefined;
    const client = new WebhookClient({ id: c.id, token: c.token }, {
      allowedMentions: { parse: [] },
      rest: {
        api: endpoint('discord'),
        timeout: TIMEOUT_MS,
        retries: 0,
        offset: 0,
        rejectOnRateLimit: () => true,
        // Our fetch: honours the caller's abort signal and keeps the 429 body, whose retry_after is more
        // precise than the Retry-After header discord.js reads.
        makeRequest: async (url, init) => {
          const signal = ctx.signal && init.signal ? AbortSignal.any([ctx.signal, init.signal as AbortSignal]) : (ctx.signal ?? init.signal);
          const res = await fetch(url, { ...(init as RequestInit), signal: signal as AbortSignal | undefined });
          const remaining = res.headers.get('x-ratelimit-remaining');
          const resetAfter = res.headers.get('x-ratelimit-reset-after');
          if (remaining !== null && resetAfter !== null) ctx.rateLimit?.({ remaining: Number(remaining), resetAfterMs: Math.ceil(Number(resetAfter) * 1000) });
          if (res.status === 429) rateLimit = { body: await res.clone().json().catch(() => undefined), headers: res.headers };
          return res as never;
        },
      },
    });
    try {
      await client.send(payload(c, m));
    } catch (e) {
      throw discordError(e, rateLimit, ctx.signal);
    } finally {
      client.destroy();
    }
  },
};

function payload(c: DiscordConfig, m: Message): WebhookMessageCreateOptions {
  const common = {
    username: c.botname,
    avatarURL: c.avatar ? c.avatarUrl : undefined,
    threadId: c.thread,
    tts: c.tts,
    allowedMentions: { parse: [] },
  };
  if (c.format === 'markdown') {
    return {
      ...common,
      embeds: [{
        title: m.title || undefined,
        description: m.body,
        color: colour(m),
        footer: c.footer ? { text: `relay · ${m.type}` } : undefined,
      }],
    };
  }
  const title = m.title ? `**${escapeMarkdown(m.title)}**\n` : '';
  return { ...common, content: title + escapeMarkdown(m.body) };
}

/** Embed colour: by syslog severity when known (red for err and worse), else by message type. */
function colour(m: Message): number {
  if (m.severity !== undefined) return m.severity <= 3 ? 0xa32037 : m.severity === 4 ? 0xcacf29 : 0x3aa3e3;
  return { info: 0x3aa3e3, success: 0x3aa337, warning: 0xcacf29, failure: 0xa32037 }[m.type];
}
