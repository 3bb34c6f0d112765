// rocket:// and rockets:// — Rocket.Chat, either through an incoming webhook (webhook@host) or as a user
// (user:password@host) logging in to the REST API, posting, and logging out again.
import { postJson } from './http.ts';
import { escapeChatMarkdown } from './text-escape.ts';
import type { NotifierModule, SendContext } from './types.ts';
import {
  choiceParam,
  enc,
  hostPort,
  invalid,
  MASK,
  origin,
  password,
  port,
  query,
  requireHost,
  segments,
  textParam,
  username,
} from './url-fields.ts';

interface RocketConfig {
  secure: boolean;
  host: string;
  port?: number;
  mode: 'webhook' | 'basic';
  /** The webhook's "ID/TOKEN" (webhook mode) or the login user (basic mode). */
  user: string;
  password?: string;
  /** `#channel` or `@user`. */
  targets: string[];
  avatar?: string;
}

export const rocketChatNotifier: NotifierModule<RocketConfig> = {
  service: 'Rocket.Chat',
  schemes: ['rocket', 'rockets'],
  forms: [
    'rocket[s]://webhook@host[:port][/#channel][/@user]',
    'rocket[s]://ID/TOKEN@host[:port][/#channel]',
    'rocket[s]://user:password@host[:port]/#channel',
  ],
  options: ['mode=webhook|basic', 'avatar=URL'],
  // Rocket.Chat's default Message_MaxAllowedSize is 5,000 characters (Apprise still cuts at 1,000).
  limits: { title: 250, body: 5000, unit: 'utf16', titleInBody: true, escape: escapeChatMarkdown },
  // Apprise writes the webhook as Rocket.Chat shows it, ID/TOKEN before the `@`; that `/` would end the authority.
  normalize: (raw) => raw.replace(/^(rockets?:\/\/)([^/@?]+)\/([^/@?]+)@/i, '$1$2%2F$3@'),
  parse(url) {
    const user = username(url) ?? invalid('Rocket.Chat URL needs a webhook (webhook@host) or a login (user:password@host)');
    const pass = password(url);
    const mode = choiceParam(url, 'mode', ['webhook', 'basic'] as const, pass ? 'basic' : 'webhook');
    if (mode === 'basic' && !pass) invalid('mode=basic needs user:password@host');
    const targets = segments(url);
    for (const t of targets)
      if (!/^[#@]./.test(t)) invalid(`Rocket.Chat target ${JSON.stringify(t)} must start with # (channel) or @ (user)`);
    if (mode === 'basic' && !targets.length) invalid('Rocket.Chat as a user needs a #channel or @user to post to');
    return {
      secure: url.protocol === 'rockets:',
      host: requireHost(url),
      port: port(url),
      mode,
      user,
      password: pass,
      targets,
      avatar: textParam(url, 'avatar'),
    };
  },
  toUrl(c, { mask }) {
    const auth = c.mode === 'webhook' ? webhook(c.user, mask) : `${enc(c.user)}:${mask ? MASK : enc(c.password ?? '')}`;
    return `${c.secure ? 'rockets' : 'rocket'}://${auth}@${hostPort(c.host, c.port)}${c.targets.map((t) => `/${enc(t)}`).join('')}${query({ avatar: c.avatar })}`;
  },
  async send(c, m, ctx) {
    const text = m.title ? `*${escapeChatMarkdown(m.title)}*\n${escapeChatMarkdown(m.body)}` : escapeChatMarkdown(m.body);
    const base = origin(c.secure, c.host, c.port);
    if (c.mode === 'webhook') {
      for (const channel of c.targets.length ? c.targets : [undefined]) {
        await postJson(
          `${base}/hooks/${c.user.split('/').map(encodeURIComponent).join('/')}`,
          { text, channel, avatar: c.avatar },
          { signal: ctx.signal },
        );
      }
      return;
    }
    const auth = await login(base, c, ctx);
    try {
      for (const channel of c.targets)
        await postJson(`${base}/api/v1/chat.postMessage`, { channel, text, avatar: c.avatar }, { headers: auth, signal: ctx.signal });
    } finally {
      await postJson(`${base}/api/v1/logout`, {}, { headers: auth, signal: ctx.signal }).catch(() => undefined);
    }
  },
};

/** `ID/TOKEN` as Apprise writes it (normalize reads it back); masked whole, as neither half is for printing. */
function webhook(user: string, mask: boolean): string {
  return mask ? MASK : user.split('/').map(enc).join('/');
}

async function login(base: string, c: RocketConfig, ctx: SendContext): Promise<Record<string, string>> {
  const res = await postJson(`${base}/api/v1/login`, { user: c.user, password: c.password }, { signal: ctx.signal });
  const { data } = (await res.json()) as { data: { authToken: string; userId: string } };
  return { 'x-auth-token': data.authToken, 'x-user-id': data.userId };
}
