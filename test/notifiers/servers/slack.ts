// A loopback Slack: incoming webhooks (POST /services/A/B/C, plain-text answers) and the Web API's
// chat.postMessage (Bearer token, form or JSON body, `{ok:false,error}` answers), each with its 429.
import { startRecorder, type Recorded, type Recorder, type Reply } from './recorder.ts';

export interface FakeSlack extends Recorder {
  /** Messages accepted, with form fields decoded the way Slack decodes them. */
  messages: Record<string, any>[];
  rateLimit(seconds: number | undefined): void;
}

export async function startSlack(webhook: string, botToken: string): Promise<FakeSlack> {
  const messages: Record<string, any>[] = [];
  let limited: number | undefined;
  const answer = (req: Recorded): Reply => {
    if (req.path.startsWith('/services/')) {
      if (limited !== undefined) return { status: 429, headers: { 'retry-after': String(limited), 'content-type': 'text/plain' }, body: 'rate_limited' };
      if (req.path !== `/services/${webhook}`) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'invalid_token' };
      messages.push(JSON.parse(req.body));
      return { headers: { 'content-type': 'text/plain' }, body: 'ok' };
    }
    if (req.path !== '/api/chat.postMessage') return { body: { ok: false, error: 'unknown_method' } };
    if (limited !== undefined) return { status: 429, headers: { 'retry-after': String(limited) }, body: { ok: false, error: 'ratelimited' } };
    if (req.headers.authorization !== `Bearer ${botToken}`) return { body: { ok: false, error: 'invalid_auth' } };
    const fields = decode(req);
    if (!/^(#[a-z0-9_-]+|C[A-Z0-9]+)$/.test(fields.channel ?? '')) return { body: { ok: false, error: 'channel_not_found' } };
    messages.push(fields);
    return { body: { ok: true, channel: 'C0001', ts: `${Date.now() / 1000}`, message: { text: fields.text } } };
  };
  const server = await startRecorder(answer);
  return Object.assign(server, { messages, rateLimit: (s: number | undefined) => { limited = s; } });
}

/** Slack accepts JSON or form bodies; in a form, structured fields (attachments, blocks) are JSON strings. */
function decode(req: Recorded): Record<string, any> {
  if (String(req.headers['content-type']).startsWith('application/json')) return JSON.parse(req.body);
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}
