// mmost:// and mmosts:// — a Mattermost incoming webhook (POST /hooks/TOKEN), once per channel= entry.
import { postJson } from './http.ts';
import { escapeChatMarkdown } from './text-escape.ts';
import type { NotifierModule } from './types.ts';
import { enc, hostPort, invalid, origin, port, query, requireHost, secret, segments, textParam, username } from './url-fields.ts';

interface MattermostConfig {
  secure: boolean;
  host: string;
  port?: number;
  path: string;
  token: string;
  botname?: string;
  channels: string[];
  iconUrl?: string;
}

export const mattermostNotifier: NotifierModule<MattermostConfig> = {
  service: 'Mattermost',
  schemes: ['mmost', 'mmosts'],
  forms: ['mmost[s]://[botname@]host[:port][/path]/token'],
  options: ['channels=a,b', 'icon_url=URL', 'botname=NAME'],
  // A post takes 16,383 runes since Mattermost 5.0 (Apprise still cuts at the old 4,000).
  limits: { title: 250, body: 16_383, unit: 'codepoints', titleInBody: true, escape: escapeChatMarkdown },
  parse(url) {
    const host = requireHost(url);
    const parts = segments(url);
    const token = parts.pop() ?? invalid('Mattermost URL needs the webhook token as its last path part: mmost://host/TOKEN');
    return {
      secure: url.protocol === 'mmosts:',
      host,
      port: port(url),
      path: parts.map((p) => `/${p}`).join(''),
      token,
      botname: textParam(url, 'botname') ?? username(url),
      channels: (textParam(url, 'channels', 'channel') ?? '')
        .split(',')
        .map((c) => c.trim().replace(/^#/, ''))
        .filter(Boolean),
      iconUrl: textParam(url, 'icon_url', 'image'),
    };
  },
  toUrl(c, { mask }) {
    const path = c.path
      .split('/')
      .filter(Boolean)
      .map((p) => `/${enc(p)}`)
      .join('');
    return `${c.secure ? 'mmosts' : 'mmost'}://${c.botname ? enc(c.botname) + '@' : ''}${hostPort(c.host, c.port)}${path}/${secret(c.token, mask)}${query({ channels: c.channels.join(',') || undefined, icon_url: c.iconUrl })}`;
  },
  async send(c, m, ctx) {
    const text = m.title ? `#### ${escapeChatMarkdown(m.title)}\n${escapeChatMarkdown(m.body)}` : escapeChatMarkdown(m.body);
    for (const channel of c.channels.length ? c.channels : [undefined]) {
      await postJson(
        `${origin(c.secure, c.host, c.port)}${c.path}/hooks/${c.token}`,
        { text, username: c.botname, icon_url: c.iconUrl, channel },
        { signal: ctx.signal },
      );
    }
  },
};
