// A loopback Discord: the webhook execute route (POST /api/v10/webhooks/:id/:token), its checks on token
// and content length, its X-RateLimit-* headers, and on demand its 429 answer, byte for byte as documented.
// With `bucket`, it enforces the per-webhook bucket as Discord does (5 requests per 2 s): the headers count
// down, and a request past them gets the 429 with retry_after (counted in `tooMany`).
import { startRecorder, type Recorded, type Recorder, type Reply } from './recorder.ts';
import { Bucket, type BucketOptions } from './bucket.ts';

export interface FakeDiscord extends Recorder {
  /** JSON bodies of the messages Discord accepted. */
  messages: any[];
  /** Answer the next requests with a 429 carrying this retry_after (seconds). */
  rateLimit(retryAfter: number | undefined): void;
  /** 429s the enforced bucket answered. */
  readonly tooMany: number;
}

export async function startDiscord(id: string, token: string, opts: { bucket?: BucketOptions } = {}): Promise<FakeDiscord> {
  const messages: any[] = [];
  let limited: number | undefined;
  const enforced = opts.bucket && new Bucket(opts.bucket);
  let bucket = { 'x-ratelimit-limit': '5', 'x-ratelimit-bucket': 'abcd1234', 'x-ratelimit-reset': String(Date.now() / 1000 + 2) };
  let left = { remaining: '4', resetAfter: '2' };
  const answer = (req: Recorded): Reply => {
    const m = /^\/api\/v10\/webhooks\/(\d+)\/([^/]+)$/.exec(req.path);
    if (req.method !== 'POST' || !m) return { status: 404, body: { message: '404: Not Found', code: 0 } };
    if (m[1] !== id || m[2] !== token) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    if (enforced) {
      const b = enforced.take();
      bucket = { 'x-ratelimit-limit': String(b.limit), 'x-ratelimit-bucket': 'abcd1234', 'x-ratelimit-reset': String(b.resetAt / 1000) };
      left = { remaining: String(b.remaining), resetAfter: String(b.resetAfterMs / 1000) };
      if (!b.allowed) {
        return {
          status: 429,
          headers: {
            ...bucket,
            'retry-after': String(Math.ceil(b.resetAfterMs / 1000)),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': left.resetAfter,
            'x-ratelimit-scope': 'user',
          },
          body: { message: 'You are being rate limited.', retry_after: b.resetAfterMs / 1000, global: false },
        };
      }
    }
    if (limited !== undefined) {
      return {
        status: 429,
        headers: {
          ...bucket,
          'retry-after': String(Math.ceil(limited)),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(limited),
          'x-ratelimit-scope': 'user',
        },
        body: { message: 'You are being rate limited.', retry_after: limited, global: false },
      };
    }
    const body = JSON.parse(req.body);
    if ((body.content ?? '').length > 2000) {
      return {
        status: 400,
        body: {
          message: 'Invalid Form Body',
          code: 50035,
          errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
        },
      };
    }
    messages.push(body);
    return {
      status: 200,
      headers: { ...bucket, 'x-ratelimit-remaining': left.remaining, 'x-ratelimit-reset-after': left.resetAfter },
      body: { id: String(messages.length), channel_id: '1', content: body.content ?? '', webhook_id: id, embeds: body.embeds ?? [] },
    };
  };
  const server = await startRecorder(answer);
  const fake = Object.assign(server, {
    messages,
    rateLimit: (s: number | undefined) => {
      limited = s;
    },
  });
  return Object.defineProperty(fake, 'tooMany', { get: () => enforced?.refused ?? 0 }) as FakeDiscord;
}
