// gotify:// and gotifys:// — a Gotify server's POST /message with the application token in X-Gotify-Key.
import { postJson } from './http.ts';
import type { NotifierModule } from './types.ts';
import { choiceParam, enc, hostPort, invalid, origin, port, query, requireHost, secret, segments } from './url-fields.ts';

/** Apprise's names for Gotify's 0-10 priority scale. */
const PRIORITIES = { low: 0, moderate: 3, normal: 5, high: 8, emergency: 10 } as const;
type Priority = keyof typeof PRIORITIES;
/** Without priority= in the URL: a failure is high (8), a warning above normal, the rest normal. */
const BY_TYPE = { failure: 8, warning: 6, info: 5, success: 5 } as const;

interface GotifyConfig {
  secure: boolean;
  host: string;
  port?: number;
  /** Where Gotify is mounted, e.g. /gotify; '' at the root. */
  path: string;
  token: string;
  /** Set in the URL; otherwise the alert's type picks it. */
  priority?: Priority;
  format: 'text' | 'markdown';
}

export const gotifyNotifier: NotifierModule<GotifyConfig> = {
  service: 'Gotify',
  schemes: ['gotify', 'gotifys'],
  forms: ['gotify[s]://host[:port][/path]/token'],
  options: ['priority=low|moderate|normal|high|emergency', 'format=text|markdown'],
  limits: { title: 250, body: 32768, unit: 'utf16' },
  parse(url) {
    const host = requireHost(url);
    const parts = segments(url);
    const token = parts.pop();
    if (!token) invalid('Gotify URL needs the application token as its last path part: gotify://host/TOKEN');
    return {
      secure: url.protocol === 'gotifys:',
      host,
      port: port(url),
      path: parts.map((p) => `/${p}`).join(''),
      token,
      priority: url.searchParams.has('priority')
        ? choiceParam(url, 'priority', Object.keys(PRIORITIES) as Priority[], 'normal')
        : undefined,
      format: choiceParam(url, 'format', ['text', 'markdown'] as const, 'text'),
    };
  },
  toUrl(c, { mask }) {
    const path = c.path
      .split('/')
      .filter(Boolean)
      .map((p) => `/${enc(p)}`)
      .join('');
    return `${c.secure ? 'gotifys' : 'gotify'}://${hostPort(c.host, c.port)}${path}/${secret(c.token, mask)}${query({
      priority: c.priority,
      format: c.format === 'text' ? undefined : c.format,
    })}`;
  },
  async send(c, m, ctx) {
    await postJson(
      `${origin(c.secure, c.host, c.port)}${c.path}/message`,
      {
        title: m.title,
        message: m.body,
        priority: c.priority ? PRIORITIES[c.priority] : BY_TYPE[m.type],
        ...(c.format === 'markdown' ? { extras: { 'client::display': { contentType: 'text/markdown' } } } : {}),
      },
      { headers: { 'x-gotify-key': c.token }, signal: ctx.signal },
    );
  },
};
