// json:// and jsons:// — Apprise's generic JSON webhook: POST {"version","title","message","type"}.
import { ErrorCodes, RelayError } from '../src/errors.ts';
import { httpSend } from './http.ts';
import type { NotifierModule } from './types.ts';

interface JsonConfig {
  secure: boolean;
  host: string;
  port?: number;
  path: string;
  user?: string;
  password?: string;
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
}

const METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];

export const jsonNotifier: NotifierModule<JsonConfig> = {
  service: 'JSON webhook',
  schemes: ['json', 'jsons'],
  forms: ['json://host[:port][/path]', 'jsons://[user[:password]@]host[:port][/path][?method=post&+Header=value]'],
  parse(url) {
    if (!url.hostname) throw new RelayError(ErrorCodes.URL_INVALID, `${url.protocol}// needs a host`);
    const method = (url.searchParams.get('method') ?? 'post').toUpperCase();
    if (!METHODS.includes(method)) {
      throw new RelayError(ErrorCodes.URL_INVALID, `method=${method.toLowerCase()} is not one of ${METHODS.join(', ').toLowerCase()}`);
    }
    const headers: Record<string, string> = {};
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (k.startsWith('+')) headers[k.slice(1)] = v;
      else if (k.startsWith('-')) query[k.slice(1)] = v;
    }
    return {
      secure: url.protocol === 'jsons:',
      host: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname || '/',
      user: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      method,
      headers,
      query,
    };
  },
  toUrl(c, { mask }) {
    const auth = c.user ? `${encodeURIComponent(c.user)}${c.password ? ':' + (mask ? '****' : encodeURIComponent(c.password)) : ''}@` : '';
    const params = new URLSearchParams();
    if (c.method !== 'POST') params.set('method', c.method.toLowerCase());
    for (const [k, v] of Object.entries(c.headers)) params.set(`+${k}`, mask ? '****' : v);
    for (const [k, v] of Object.entries(c.query)) params.set(`-${k}`, v);
    const qs = params.toString();
    return `${c.secure ? 'jsons' : 'json'}://${auth}${c.host}${c.port ? ':' + c.port : ''}${c.path}${qs ? '?' + qs : ''}`;
  },
  async send(c, m, ctx) {
    const target = new URL(`${c.secure ? 'https' : 'http'}://${c.host}${c.port ? ':' + c.port : ''}${c.path}`);
    for (const [k, v] of Object.entries(c.query)) target.searchParams.set(k, v);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'relay', ...c.headers };
    if (c.user) headers.authorization = `Basic ${Buffer.from(`${c.user}:${c.password ?? ''}`).toString('base64')}`;
    await httpSend({
      url: target.toString(),
      method: c.method,
      headers,
      body: JSON.stringify({ version: '1.0', title: m.title, message: m.body, type: m.type }),
      signal: ctx.signal,
    });
  },
};
