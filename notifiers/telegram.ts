// tgram:// — the Telegram Bot API's sendMessage, once per chat. Text goes out as HTML with log text
// escaped (or MarkdownV2, escaped the same way); a 429's parameters.retry_after becomes retryAfterMs.
import { endpoint } from './endpoints.ts';
import { postJson } from './http.ts';
import { escapeHtml } from './text-escape.ts';
import type { Message, NotifierModule } from './types.ts';
import { boolParam, choiceParam, enc, intParam, invalid, query, secret, segments } from './url-fields.ts';

interface Chat {
  id: string;
  topic?: number;
}

interface TelegramConfig {
  botId: string;
  secret: string;
  chats: Chat[];
  format: 'html' | 'markdown' | 'text';
  silent: boolean;
  preview: boolean;
  /** Forum topic for chats that name none. */
  topic?: number;
}

const CHAT = /^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})(?::(\d+))?$/;
/** Where the WHATWG parser puts a bot token written Apprise's way (`tgram://123:ABC/chat`). */
const TOKEN_HOST = 'bot-token';

export const telegramNotifier: NotifierModule<TelegramConfig> = {
  service: 'Telegram',
  schemes: ['tgram'],
  forms: ['tgram://bot_token/chat_id[:topic][/chat_id2]', 'tgram://bot_token/@channel_name'],
  options: ['format=html|markdown|text', 'silent=yes|no', 'preview=yes|no', 'topic=ID', 'to=chat_id'],
  limits: { title: 250, body: 4096, unit: 'utf16', titleInBody: true, escape: escapeHtml },
  // About 1 message per second per chat.
  pace: { requests: 1, perMs: 1000 },
  // `123:ABC` in the host spot reads as host:port with a bad port; make it userinfo instead.
  normalize: (raw) => raw.replace(/^tgram:\/\/(?:bot)?(\d+):([^/@?]+)(?=[/?]|$)/i, `tgram://$1:$2@${TOKEN_HOST}`),
  parse(url) {
    if (url.hostname !== TOKEN_HOST || !url.username || !url.password)
      invalid('Telegram URL needs the bot token first: tgram://123456789:AAH…/chat_id');
    const chats = [...segments(url), ...(url.searchParams.get('to') ?? '').split(',').filter(Boolean)].map((raw): Chat => {
      const m = CHAT.exec(raw);
      if (!m) invalid(`Telegram chat ${JSON.stringify(raw)} is not a chat ID, -group ID or @channel (optionally :topic)`);
      return m[2] ? { id: m[1]!, topic: Number(m[2]) } : { id: m[1]! };
    });
    if (!chats.length) invalid('Telegram URL needs at least one chat ID after the bot token');
    return {
      botId: url.username,
      secret: decodeURIComponent(url.password),
      chats,
      format: choiceParam(url, 'format', ['html', 'markdown', 'text'] as const, 'html'),
      silent: boolParam(url, 'silent', false),
      preview: boolParam(url, 'preview', false),
      topic: intParam(url, 'topic', 1, Number.MAX_SAFE_INTEGER),
    };
  },
  toUrl(c, { mask }) {
    const chats = c.chats.map((ch) => `/${enc(ch.id)}${ch.topic ? `:${ch.topic}` : ''}`).join('');
    return `tgram://${c.botId}:${secret(c.secret, mask)}${chats}${query({
      format: c.format === 'html' ? undefined : c.format,
      silent: c.silent || undefined,
      preview: c.preview || undefined,
      topic: c.topic,
    })}`;
  },
  async send(c, m, ctx) {
    for (const chat of c.chats) {
      const topic = chat.topic ?? c.topic;
      await postJson(
        `${endpoint('telegram')}/bot${c.botId}:${c.secret}/sendMessage`,
        {
          chat_id: chat.id,
          text: render(c.format, m),
          parse_mode: c.format === 'html' ? 'HTML' : c.format === 'markdown' ? 'MarkdownV2' : undefined,
          disable_notification: c.silent,
          link_preview_options: { is_disabled: !c.preview },
          ...(topic ? { message_thread_id: topic } : {}),
        },
        { signal: ctx.signal, retryHint: (a) => (a?.parameters?.retry_after ?? NaN) * 1000 },
      );
    }
  },
};

/** Telegram has no title field: the title leads the text, bold where the format allows. */
function render(format: TelegramConfig['format'], m: Message): string {
  if (format === 'html') return m.title ? `<b>${escapeHtml(m.title)}</b>\n${escapeHtml(m.body)}` : escapeHtml(m.body);
  if (format === 'markdown') return m.title ? `*${escapeMarkdownV2(m.title)}*\n${escapeMarkdownV2(m.body)}` : escapeMarkdownV2(m.body);
  return m.title ? `${m.title}\n${m.body}` : m.body;
}

/** MarkdownV2 rejects any of these unescaped, anywhere in the text. */
function escapeMarkdownV2(text: string): string {
  return text.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
}
