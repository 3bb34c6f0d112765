// gchat:// — a Google Chat space's incoming webhook (also taken as the pasted https://chat.googleapis.com URL),
// optionally into a thread. Log text is data: `<users/all>` in a log line notifies no one.
import { endpoint } from './endpoints.ts';
import { escapeGoogleChat } from './text-escape.ts';
import { postJson } from './http.ts';
import type { NotifierModule } from './types.ts';
import { enc, invalid, query, secret, segments, textParam } from './url-fields.ts';

interface GoogleChatConfig {
  workspace: string;
  key: string;
  token: string;
  thread?: string;
}

export const googleChatNotifier: NotifierModule<GoogleChatConfig> = {
  service: 'Google Chat',
  schemes: ['gchat'],
  forms: ['gchat://workspace/key/token[/thread_key]', 'https://chat.googleapis.com/v1/spaces/WORKSPACE/messages?key=KEY&token=TOKEN'],
  options: ['thread=KEY'],
  limits: { title: 250, body: 4000, unit: 'utf16', titleInBody: true, escape: escapeGoogleChat },
  accepts: (url) => url.hostname === 'chat.googleapis.com' && /^\/v1\/spaces\/[^/]+\/messages$/.test(url.pathname),
  parse(url) {
    if (url.protocol === 'https:') {
      const key = textParam(url, 'key');
      const token = textParam(url, 'token');
      if (!key || !token) invalid('the Google Chat webhook URL needs both key= and token=');
      return { workspace: segments(url)[2]!, key, token, thread: textParam(url, 'threadKey', 'thread') };
    }
    const [key, token, thread, ...extra] = segments(url);
    if (!url.hostname || !key || !token) invalid('Google Chat URL needs gchat://workspace/key/token');
    if (extra.length) invalid(`unexpected path after the Google Chat thread key: /${extra.join('/')}`);
    return { workspace: url.hostname, key, token, thread: textParam(url, 'thread') ?? thread };
  },
  toUrl(c, { mask }) {
    return `gchat://${enc(c.workspace)}/${secret(c.key, mask)}/${secret(c.token, mask)}${c.thread ? '/' + enc(c.thread) : ''}`;
  },
  async send(c, m, ctx) {
    const url = `${endpoint('gchat')}/v1/spaces/${encodeURIComponent(c.workspace)}/messages${query({
      key: c.key,
      token: c.token,
      threadKey: c.thread,
      messageReplyOption: c.thread ? 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' : undefined,
    })}`;
    const [title, body] = [escapeGoogleChat(m.title), escapeGoogleChat(m.body)];
    await postJson(url, { text: title ? `*${title}*\n${body}` : body }, { signal: ctx.signal });
  },
};
