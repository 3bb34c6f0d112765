// ntfy:// and ntfys:// — ntfy's JSON publish (POST to the server root with the topic in the body).
// `ntfy://topic` and the topic's page pasted as-is (`https://ntfy.sh/topic`) use the public server
// (RELAY_NTFY_URL overrides it); `ntfy://host/topic` is a self-hosted server.
import { endpoint } from './endpoints.ts';
import { postJson } from './http.ts';
import type { Message, NotifierModule } from './types.ts';
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
  secret,
  segments,
  textParam,
  username,
} from './url-fields.ts';

const PRIORITIES = ['min', 'low', 'default', 'high', 'max'] as const;

interface NtfyConfig {
  secure: boolean;
  /** Undefined: the public server. */
  host?: string;
  port?: number;
  topics: string[];
  user?: string;
  password?: string;
  token?: string;
  priority?: (typeof PRIORITIES)[number];
  tags: string[];
  click?: string;
  delay?: string;
  email?: string;
  format: 'text' | 'markdown';
}

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
/** ntfy's message-size-limit (bytes): past it ntfy.sh turns the text into an attachment and a self-hosted server may answer 400. */
const MESSAGE_BYTES = 4096;
/** A JSON publish over this many bytes is answered 413. */
const JSON_BYTES = 8192;
/** Bytes of the publish's other fields (topic ≤ 64, priority, tags, click, delay, email) beyond title and message. */
const OTHER_FIELDS = 1024;

export const ntfyNotifier: NotifierModule<NtfyConfig> = {
  service: 'ntfy',
  schemes: ['ntfy', 'ntfys'],
  forms: ['ntfy://topic', 'https://ntfy.sh/topic', 'ntfy[s]://[user:password@|token@]host[:port]/topic[/topic2]'],
  options: ['priority=min|low|default|high|max', 'tags=a,b', 'click=URL', 'delay=30m', 'email=', 'format=text|markdown', 'token='],
  limits: {
    title: 200,
    body: MESSAGE_BYTES,
    unit: 'bytes',
    // JSON escaping can double a message (newlines, quotes, control characters) past the publish limit.
    request: { bytes: JSON_BYTES, size: (m) => Buffer.byteLength(JSON.stringify({ title: m.title, message: m.body })) + OTHER_FIELDS },
  },
  // `https://ntfy.sh/a/b` is Apprise's native form for topics a and b on the public server.
  accepts: (url) => url.protocol === 'https:' && url.hostname === 'ntfy.sh' && segments(url).length > 0,
  parse(url) {
    const path = segments(url);
    const pasted = url.protocol === 'https:';
    const cloud = pasted || path.length === 0;
    const topics = pasted ? path : cloud ? [url.hostname] : path;
    for (const t of topics) if (!TOPIC.test(t)) invalid(`ntfy topic ${JSON.stringify(t)} must be 1-64 letters, digits, - or _`);
    const user = username(url);
    const pass = password(url);
    // Apprise's token form: a user with no password (ntfy tokens start with tk_).
    const token = textParam(url, 'token') ?? (user && !pass ? user : undefined);
    return {
      secure: url.protocol === 'ntfys:',
      host: cloud ? undefined : url.hostname,
      port: cloud ? undefined : port(url),
      topics,
      user: token ? undefined : user,
      password: token ? undefined : pass,
      token,
      priority: url.searchParams.has('priority') ? choiceParam(url, 'priority', PRIORITIES, 'default') : undefined,
      tags: (url.searchParams.get('tags') ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      click: textParam(url, 'click'),
      delay: textParam(url, 'delay'),
      email: textParam(url, 'email'),
      format: choiceParam(url, 'format', ['text', 'markdown'] as const, 'text'),
    };
  },
  toUrl(c, { mask }) {
    const auth = c.token
      ? `${secret(c.token, mask)}@`
      : c.user
        ? `${enc(c.user)}${c.password ? ':' + (mask ? MASK : enc(c.password)) : ''}@`
        : '';
    const topics = c.topics.map(enc).join('/');
    // Several topics on the public server have only the pasted form: ntfy://a/b would be a server named a.
    const start =
      c.host === undefined
        ? c.topics.length > 1
          ? `https://${auth}ntfy.sh/${topics}`
          : `${c.secure ? 'ntfys' : 'ntfy'}://${auth}${topics}`
        : `${c.secure ? 'ntfys' : 'ntfy'}://${auth}${hostPort(c.host, c.port)}/${topics}`;
    return `${start}${query({
      priority: c.priority,
      tags: c.tags.join(',') || undefined,
      click: c.click,
      delay: c.delay,
      email: c.email,
      format: c.format === 'text' ? undefined : c.format,
    })}`;
  },
  async send(c, m, ctx) {
    const base = c.host === undefined ? endpoint('ntfy') : origin(c.secure, c.host, c.port);
    const headers: Record<string, string> = {};
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    else if (c.user) headers.authorization = `Basic ${Buffer.from(`${c.user}:${c.password ?? ''}`).toString('base64')}`;
    for (const topic of c.topics) {
      await postJson(
        `${base}/`,
        {
          topic,
          title: m.title || undefined,
          message: m.body,
          priority: priority(c, m),
          tags: c.tags.length ? c.tags : undefined,
          click: c.click,
          delay: c.delay,
          email: c.email,
          markdown: c.format === 'markdown' || undefined,
        },
        { headers, signal: ctx.signal },
      );
    }
  },
};

/** 1..5; the URL's priority= wins, else the louder of what the alert's syslog severity and its type say. */
function priority(c: NtfyConfig, m: Message): number {
  if (c.priority) return PRIORITIES.indexOf(c.priority) + 1;
  const bySeverity = m.severity === undefined ? 3 : m.severity <= 2 ? 5 : m.severity === 3 ? 4 : 3;
  return Math.max(bySeverity, { failure: 5, warning: 4, info: 3, success: 3 }[m.type]);
}
