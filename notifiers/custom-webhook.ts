// What json://, form:// and xml:// share (Apprise's "custom" notifiers): the URL grammar — method=,
// +Header=value, -param=value, :key=value (add a field), :message=body (rename), :version= (drop) — and the
// send. Each format module only names its fields and how to encode them.
import { httpSend } from './http.ts';
import type { Message, NotifierModule } from './types.ts';
import { decode, enc, hostPort, invalid, MASK, password, port, requireHost, username } from './url-fields.ts';

const METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'] as const;

export interface CustomWebhookConfig {
  secure: boolean;
  host: string;
  port?: number;
  path: string;
  user?: string;
  password?: string;
  method: (typeof METHODS)[number];
  headers: Record<string, string>;
  query: Record<string, string>;
  /** `:key=value` edits: a base field renamed to `value` (or dropped when empty), any other key added. */
  payload: Record<string, string>;
}

export interface CustomFormat {
  service: string;
  scheme: string;
  contentType: string;
  /** The base payload, keyed by field name, before the URL's `:` edits. */
  fields(message: Message): Record<string, string>;
  encode(fields: Record<string, string>): string;
}

export function customWebhook(format: CustomFormat): NotifierModule<CustomWebhookConfig> {
  const plain = format.scheme;
  const secure = `${format.scheme}s`;
  return {
    service: format.service,
    schemes: [plain, secure],
    forms: [`${plain}://host[:port][/path]`, `${secure}://[user[:password]@]host[:port][/path]`],
    options: ['method=post|get|put|patch|delete', '+Header=value', '-param=value', ':field=value', ':field=newname', ':field='],
    limits: { title: 250, body: 32768, unit: 'utf16' },
    eachMessageMatters: true,
    parse(url) {
      const method = (url.searchParams.get('method') ?? 'post').toUpperCase() as CustomWebhookConfig['method'];
      if (!METHODS.includes(method)) invalid(`method=${method.toLowerCase()} is not one of ${METHODS.join(', ').toLowerCase()}`);
      const headers: Record<string, string> = {};
      const query: Record<string, string> = {};
      const payload: Record<string, string> = {};
      for (const [k, v] of url.searchParams) {
        const name = k.slice(1);
        if (k.startsWith('+')) headers[name] = v;
        else if (k.startsWith('-')) query[name] = v;
        else if (k.startsWith(':')) payload[name] = v;
      }
      return {
        secure: url.protocol === `${secure}:`,
        host: requireHost(url),
        port: port(url),
        path: decode(url.pathname) || '/',
        user: username(url),
        password: password(url),
        method,
        headers,
        query,
        payload,
      };
    },
    toUrl(c, { mask }) {
      const auth = c.user ? `${enc(c.user)}${c.password ? ':' + (mask ? MASK : enc(c.password)) : ''}@` : '';
      const params = [
        ...(c.method !== 'POST' ? [`method=${c.method.toLowerCase()}`] : []),
        // Header values often carry credentials (Authorization, X-Api-Key).
        ...Object.entries(c.headers).map(([k, v]) => `+${enc(k)}=${mask ? MASK : enc(v)}`),
        ...Object.entries(c.query).map(([k, v]) => `-${enc(k)}=${enc(v)}`),
        ...Object.entries(c.payload).map(([k, v]) => `:${enc(k)}=${enc(v)}`),
      ];
      const path = c.path.split('/').map(enc).join('/');
      return `${c.secure ? secure : plain}://${auth}${hostPort(c.host, c.port)}${path}${params.length ? '?' + params.join('&') : ''}`;
    },
    async send(c, m, ctx) {
      const fields = applyEdits(format.fields(m), c.payload);
      const { url, headers } = requestOf(c, format.contentType);
      // fetch cannot send a body with GET, so a GET carries the fields in its query string.
      if (c.method === 'GET') {
        const target = new URL(url);
        for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
        return void (await httpSend({ url: target.toString(), method: c.method, headers, signal: ctx.signal }));
      }
      await httpSend({ url, method: c.method, headers, body: format.encode(fields), signal: ctx.signal });
    },
  };
}

/** What every request of one notifier shares, built at its first send instead of at each one. */
const requests = new WeakMap<CustomWebhookConfig, { url: string; headers: Record<string, string> }>();

function requestOf(c: CustomWebhookConfig, contentType: string): { url: string; headers: Record<string, string> } {
  let request = requests.get(c);
  if (!request) {
    const target = new URL(`${c.secure ? 'https' : 'http'}://${hostPort(c.host, c.port)}`);
    target.pathname = c.path;
    for (const [k, v] of Object.entries(c.query)) target.searchParams.set(k, v);
    const headers: Record<string, string> = {
      'user-agent': 'relay',
      ...(c.method === 'GET' ? {} : { 'content-type': contentType }),
      ...c.headers,
    };
    if (c.user) headers.authorization = `Basic ${Buffer.from(`${c.user}:${c.password ?? ''}`).toString('base64')}`;
    requests.set(c, (request = { url: target.toString(), headers: Object.freeze(headers) }));
  }
  return request;
}

/** Apprise's payload edits: a known field is renamed (or dropped when the new name is empty); others are added. */
export function applyEdits(base: Record<string, string>, edits: Record<string, string>): Record<string, string> {
  const out = { ...base };
  for (const [key, value] of Object.entries(edits)) {
    if (key in base) {
      delete out[key];
      if (value) out[value] = base[key]!;
    } else {
      out[key] = value;
    }
  }
  return out;
}
