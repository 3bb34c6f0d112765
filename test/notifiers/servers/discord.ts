// A loopback Discord: the webhook execute route (POST /api/v10/webhooks/:id/:token), its checks on token
// and content length, its X-RateLimit-* headers, and on demand its 429 answer, byte for byte as documented.
import { startRecorder, type Recorded, type Recorder, type Reply } from './recorder.ts';

export interface FakeDiscord extends Recorder {
  /** JSON bodies of the messages Discord accepted. */
  messages: any[];
  /** Answer the next requests with a 429 carrying this retry_after (seconds). */
  rateLimit(retryAfter: number | undefined): void;
}

export async function startDiscord(id: string, token: string): Promise<FakeDiscord> {
  const messages: any[] = [];
  let limited: number | undefined;
  const bucket = { 'x-ratelimit-limit': '5', 'x-ratelimit-bucket': 'abcd1234', 'x-ratelimit-reset': String(Date.now() / 1000 + 2) };
  const answer = (req: Recorded): Reply => {
    const m = /^\/api\/v10\/webhooks\/(\d+)\/([^/]+)$/.exec(req.path);
    if (req.method !== 'POST' || !m) return { status: 404, body: { message: '404: Not Found', code: 0 } };
    if (m[1] !== id || m[2] !== token) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    if (limited !== undefined) {
      return {
        status: 429,
        headers: { ...bucket, 'retry-after': String(Math.ceil(limited)), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(limited), 'x-ratelimit-scope': 'user' },
        body: { message: 'You are being rate limited.', retry_after: limited, global: false },
      };
    }
    const body = JSON.parse(req.body);
    if ((body.content ?? '').length > 2000) {
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } } };
    }
    messages.push(body);
    return { status: 200, headers: { ...bucket, 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '2' }, body: { id: String(messages.length), channel_id: '1', content: body.content ?? '', webhook_id: id, embeds: body.embeds ?? [] } };
  };
  const server = await startRecorder(answer);
  return Object.assign(server, { messages, rateLimit: (s: number | undefined) => { limited = s; } });
}
