// pover:// — Pushover's messages API: user key, application token, optional devices. Text is sent as
// Pushover's HTML subset with log text escaped.
import { endpoint } from './endpoints.ts';
import { httpSend } from './http.ts';
import { escapeHtml } from './text-escape.ts';
import type { Message, NotifierModule } from './types.ts';
import { choiceParam, enc, invalid, query, requireHost, secret, segments, textParam, username, MASK } from './url-fields.ts';

const PRIORITIES = { lowest: -2, low: -1, normal: 0, high: 1, emergency: 2 } as const;
type Priority = keyof typeof PRIORITIES;
const KEY = /^[A-Za-z0-9]{30}$/;

interface PushoverConfig {
  userKey: string;
  token: string;
  devices: string[];
  priority?: Priority;
  sound?: string;
  url?: string;
}

export const pushoverNotifier: NotifierModule<PushoverConfig> = {
  service: 'Pushover',
  schemes: ['pover'],
  forms: ['pover://UserKey@AppToken[/device1/device2]'],
  options: ['priority=lowest|low|normal|high|emergency', 'sound=', 'url='],
  limits: { title: 250, body: 1024, unit: 'codepoints', escape: escapeHtml },
  parse(url) {
    const userKey = username(url) ?? invalid('Pushover URL needs the user key before @: pover://UserKey@AppToken');
    const token = requireHost(url, 'the application token after @');
    if (!KEY.test(userKey)) invalid('Pushover user key must be 30 letters and digits');
    if (!KEY.test(token)) invalid('Pushover application token must be 30 letters and digits');
    return {
      userKey,
      token,
      devices: segments(url),
      priority: url.searchParams.has('priority')
        ? choiceParam(url, 'priority', Object.keys(PRIORITIES) as Priority[], 'normal')
        : undefined,
      sound: textParam(url, 'sound'),
      url: textParam(url, 'url'),
    };
  },
  toUrl(c, { mask }) {
    return `pover://${mask ? MASK : enc(c.userKey)}@${secret(c.token, mask)}${c.devices.map((d) => `/${enc(d)}`).join('')}${query({ priority: c.priority, sound: c.sound, url: c.url })}`;
  },
  async send(c, m, ctx) {
    const form = new URLSearchParams({
      token: c.token,
      user: c.userKey,
      message: escapeHtml(m.body),
      html: '1',
      priority: String(priority(c, m)),
    });
    if (m.title) form.set('title', m.title);
    if (c.devices.length) form.set('device', c.devices.join(','));
    if (c.sound) form.set('sound', c.sound);
    if (c.url) form.set('url', c.url);
    // Emergency messages repeat until acknowledged; Pushover requires how often and for how long.
    if (form.get('priority') === '2') {
      form.set('retry', '60');
      form.set('expire', '3600');
    }
    await httpSend({
      url: `${endpoint('pushover')}/1/messages.json`,
      method: 'POST',
      signal: ctx.signal,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'relay' },
      body: form.toString(),
    });
  },
};

function priority(c: PushoverConfig, m: Message): number {
  if (c.priority) return PRIORITIES[c.priority];
  return (m.severity !== undefined && m.severity <= 2) || m.type === 'failure' ? 1 : 0;
}
