// A loopback Slack: incoming webhooks (POST /services/A/B/C, plain-text answers) and the Web API's
// chat.postMessage and conversations.open (Bearer token, form or JSON body, `{ok:false,error}` answers),
// each with its 429. `pressButton` plays Slack's side of interactivity: a block_actions payload posted
// as a form to the app's Request URL, signed with the app's signing secret (v0, timestamp, body).
import { createHmac } from 'node:crypto';
import { startRecorder, type Recorded, type Recorder, type Reply } from './recorder.ts';
import { Bucket, type BucketOptions } from './bucket.ts';

export interface FakeSlack extends Recorder {
  /** Messages accepted, with form fields decoded the way Slack decodes them. */
  messages: Record<string, any>[];
  rateLimit(seconds: number | undefined): void;
  /** What the app posted to an interaction's response_url (POST /actions/…). */
  responses: Record<string, any>[];
  /** 429s the enforced bucket answered. */
  readonly tooMany: number;
}

/** With `bucket`, incoming webhooks are limited as Slack documents (about 1 per second): past it, 429 with Retry-After. */
export async function startSlack(webhook: string, botToken: string, opts: { bucket?: BucketOptions } = {}): Promise<FakeSlack> {
  const messages: Record<string, any>[] = [];
  const responses: Record<string, any>[] = [];
  let limited: number | undefined;
  const enforced = opts.bucket && new Bucket({ requests: 1, perMs: 1000, ...opts.bucket });
  const answer = (req: Recorded): Reply => {
    if (req.path.startsWith('/actions/')) {
      responses.push(JSON.parse(req.body));
      return { body: { ok: true } };
    }
    if (req.path.startsWith('/services/')) {
      if (limited !== undefined)
        return { status: 429, headers: { 'retry-after': String(limited), 'content-type': 'text/plain' }, body: 'rate_limited' };
      if (req.path !== `/services/${webhook}`) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'invalid_token' };
      const b = enforced?.take();
      if (b && !b.allowed)
        return {
          status: 429,
          headers: { 'retry-after': String(Math.ceil(b.resetAfterMs / 1000)), 'content-type': 'text/plain' },
          body: 'rate_limited',
        };
      messages.push(JSON.parse(req.body));
      return { headers: { 'content-type': 'text/plain' }, body: 'ok' };
    }
    if (req.path === '/api/conversations.open') {
      if (req.headers.authorization !== `Bearer ${botToken}`) return { body: { ok: false, error: 'invalid_auth' } };
      const users = decode(req).users ?? '';
      if (!/^[UW][A-Z0-9]+$/.test(users)) return { body: { ok: false, error: 'user_not_found' } };
      return { body: { ok: true, channel: { id: `D${users.slice(1)}` } } };
    }
    if (req.path !== '/api/chat.postMessage') return { body: { ok: false, error: 'unknown_method' } };
    if (limited !== undefined)
      return { status: 429, headers: { 'retry-after': String(limited) }, body: { ok: false, error: 'ratelimited' } };
    if (req.headers.authorization !== `Bearer ${botToken}`) return { body: { ok: false, error: 'invalid_auth' } };
    const fields = decode(req);
    if (!/^(#[a-z0-9_-]+|[CD][A-Z0-9]+)$/.test(fields.channel ?? '')) return { body: { ok: false, error: 'channel_not_found' } };
    messages.push(fields);
    return { body: { ok: true, channel: 'C0001', ts: `${Date.now() / 1000}`, message: { text: fields.text } } };
  };
  const server = await startRecorder(answer);
  const fake = Object.assign(server, {
    messages,
    responses,
    rateLimit: (s: number | undefined) => {
      limited = s;
    },
  });
  return Object.defineProperty(fake, 'tooMany', { get: () => enforced?.refused ?? 0 }) as FakeSlack;
}

/** Slack accepts JSON or form bodies; in a form, structured fields (attachments, blocks) are JSON strings. */
function decode(req: Recorded): Record<string, any> {
  if (String(req.headers['content-type']).startsWith('application/json')) return JSON.parse(req.body);
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

/** The DM channel this fake opens for a Slack user ID (what conversations.open answers). */
export function dmChannel(userId: string): string {
  return `D${userId.slice(1)}`;
}

export interface ButtonPress {
  /** The app's interactivity Request URL. */
  url: string;
  signingSecret: string;
  /** Who pressed it (payload.user.id). */
  userId: string;
  actionId: string;
  value: string;
  /** Seconds since the epoch that Slack puts in X-Slack-Request-Timestamp (default: now). */
  timestamp?: number;
  /** Sign with this secret instead (a forgery). */
  signWith?: string;
  /** Where the app may update the message: the fake's own /actions/ path (default: Slack's). */
  responseUrl?: string;
}

/** A button press as Slack delivers it: `payload=<block_actions JSON>` form body, v0 signature headers. */
export async function pressButton(press: ButtonPress): Promise<{ status: number; body: string }> {
  const payload = {
    type: 'block_actions',
    api_app_id: 'A0RELAY',
    token: 'deprecated-verification-token',
    trigger_id: '1.2.3',
    user: { id: press.userId, username: 'someone', team_id: 'T0RELAY' },
    team: { id: 'T0RELAY', domain: 'example' },
    container: { type: 'message', channel_id: dmChannel(press.userId), is_ephemeral: false },
    channel: { id: dmChannel(press.userId), name: 'directmessage' },
    response_url: press.responseUrl ?? 'https://hooks.slack.com/actions/T0RELAY/1/abc',
    actions: [{ type: 'button', action_id: press.actionId, block_id: 'relay_answer', value: press.value, action_ts: '1.2' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(press.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', press.signWith ?? press.signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`;
  const res = await fetch(press.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    body,
  });
  return { status: res.status, body: await res.text() };
}
