// matrix:// and matrixs:// — the Matrix client-server API: with an access token (token@host) or a login
// (user:password@host, logged out again after sending), to room IDs (!id) and aliases (#alias). Each room is
// joined before sending (an account that was only invited would otherwise get M_FORBIDDEN); a bare room name
// is completed with the server name of the account (from its user ID), which is not always the URL's host.
// Rate limits answer M_LIMIT_EXCEEDED with retry_after_ms, which becomes retryAfterMs.
import { randomUUID } from 'node:crypto';
import { httpSend, postJson } from './http.ts';
import { escapeHtml } from './text-escape.ts';
import type { Message, NotifierModule, SendContext } from './types.ts';
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
  secret,
  segments,
  username,
} from './url-fields.ts';

interface MatrixConfig {
  secure: boolean;
  host: string;
  port?: number;
  user?: string;
  password?: string;
  token?: string;
  rooms: string[];
  msgtype: 'text' | 'notice';
}

const API = '/_matrix/client/v3';
/**
 * A homeserver refuses an event over 65,536 bytes of canonical JSON, counted with the fields it adds itself
 * (sender, room and event IDs, hashes, signatures: up to about 2 KB), so the content relay sends stays under this.
 */
const EVENT_CONTENT_BYTES = 63_488;
const retryHint = (a: any) => a?.retry_after_ms;

export const matrixNotifier: NotifierModule<MatrixConfig> = {
  service: 'Matrix',
  schemes: ['matrix', 'matrixs'],
  forms: ['matrix[s]://user:password@host[:port]/#alias/!room_id', 'matrixs://token@host[:port]/#alias'],
  options: ['msgtype=text|notice'],
  limits: {
    title: 250,
    body: EVENT_CONTENT_BYTES,
    unit: 'bytes',
    titleInBody: true,
    escape: escapeHtml,
    // The event carries the text twice (plain `body` and HTML `formatted_body`): only the whole counts.
    request: { bytes: EVENT_CONTENT_BYTES, size: (m) => Buffer.byteLength(JSON.stringify(content({ msgtype: 'notice' }, m))) },
  },
  parse(url) {
    const user = username(url);
    const pass = password(url);
    if (!user) invalid('Matrix URL needs an access token (token@host) or a login (user:password@host)');
    const host = requireHost(url);
    const rooms = segments(url).map((r) => (/^[#!]/.test(r) ? r : `#${r}`));
    if (!rooms.length) invalid('Matrix URL needs at least one #alias or !room_id');
    return {
      secure: url.protocol === 'matrixs:',
      host,
      port: port(url),
      ...(pass ? { user, password: pass } : { token: user }),
      rooms,
      msgtype: choiceParam(url, 'msgtype', ['text', 'notice'] as const, 'text'),
    };
  },
  toUrl(c, { mask }) {
    const auth = c.token ? secret(c.token, mask) : `${enc(c.user!)}:${mask ? MASK : enc(c.password!)}`;
    return `${c.secure ? 'matrixs' : 'matrix'}://${auth}@${hostPort(c.host, c.port)}${c.rooms.map((r) => `/${enc(r)}`).join('')}${query({ msgtype: c.msgtype === 'text' ? undefined : c.msgtype })}`;
  },
  async send(c, m, ctx) {
    const base = origin(c.secure, c.host, c.port) + API;
    const session = c.token ? { token: c.token, userId: undefined } : await login(base, c, ctx);
    const auth = { authorization: `Bearer ${session.token}` };
    try {
      let server: string | undefined;
      for (const room of c.rooms) {
        if (!room.includes(':')) server ??= serverName(session.userId ?? (await whoami(base, auth, ctx))) ?? c.host;
        const id = await join(base, room.includes(':') ? room : `${room}:${server}`, auth, ctx);
        const url = `${base}/rooms/${encodeURIComponent(id)}/send/m.room.message/${randomUUID()}`;
        await postJson(url, content(c, m), { method: 'PUT', headers: auth, signal: ctx.signal, retryHint });
      }
    } finally {
      if (!c.token) await postJson(`${base}/logout`, {}, { headers: auth, signal: ctx.signal }).catch(() => undefined);
    }
  },
};

function content(c: Pick<MatrixConfig, 'msgtype'>, m: Message): unknown {
  const html = m.title
    ? `<h4>${escapeHtml(m.title)}</h4>${escapeHtml(m.body).replace(/\n/g, '<br>')}`
    : escapeHtml(m.body).replace(/\n/g, '<br>');
  return {
    msgtype: `m.${c.msgtype}`,
    body: m.title ? `${m.title}\n${m.body}` : m.body,
    format: 'org.matrix.custom.html',
    formatted_body: html,
    // An empty m.mentions says the event mentions no one: clients then ignore `@room` and names in the text.
    'm.mentions': {},
  };
}

async function login(base: string, c: MatrixConfig, ctx: SendContext): Promise<{ token: string; userId?: string }> {
  const res = await postJson(
    `${base}/login`,
    { type: 'm.login.password', identifier: { type: 'm.id.user', user: c.user }, password: c.password },
    { signal: ctx.signal, retryHint },
  );
  const answer = (await res.json()) as { access_token: string; user_id?: string };
  return { token: answer.access_token, userId: answer.user_id };
}

async function whoami(base: string, auth: Record<string, string>, ctx: SendContext): Promise<string | undefined> {
  const res = await httpSend({ url: `${base}/account/whoami`, method: 'GET', headers: auth, signal: ctx.signal, retryHint });
  return ((await res.json()) as { user_id?: string }).user_id;
}

/** `@bob:example.org` → `example.org` (a server name may carry a port: `@bob:example.org:8448`). */
function serverName(userId: string | undefined): string | undefined {
  const at = userId?.indexOf(':') ?? -1;
  return at > 0 ? userId!.slice(at + 1) : undefined;
}

/** Joins the room (a no-op when already a member; accepts a pending invite) and answers its ID; an alias resolves here too. */
async function join(base: string, room: string, auth: Record<string, string>, ctx: SendContext): Promise<string> {
  const res = await postJson(`${base}/join/${encodeURIComponent(room)}`, {}, { headers: auth, signal: ctx.signal, retryHint });
  return ((await res.json()) as { room_id?: string }).room_id ?? room;
}
