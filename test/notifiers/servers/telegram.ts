// A loopback Telegram Bot API: POST /bot<token>/sendMessage, the `{ok, result}` / `{ok:false, error_code,
// description, parameters}` envelope, 4096-character limit, and on demand a 429 with parameters.retry_after.
import { startRecorder, type Recorded, type Recorder, type Reply } from './recorder.ts';
import { Bucket, type BucketOptions } from './bucket.ts';

export interface FakeTelegram extends Recorder {
  messages: any[];
  rateLimit(seconds: number | undefined): void;
  /** 429s the enforced bucket answered. */
  readonly tooMany: number;
}

/** With `bucket`, sendMessage is limited as Telegram documents (about 1 per second per chat): past it, 429 with retry_after. */
export async function startTelegram(token: string, opts: { bucket?: BucketOptions } = {}): Promise<FakeTelegram> {
  const messages: any[] = [];
  let limited: number | undefined;
  const enforced = opts.bucket && new Bucket({ requests: 1, perMs: 1000, ...opts.bucket });
  const answer = (req: Recorded): Reply => {
    if (req.path !== `/bot${token}/sendMessage`) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    if (limited !== undefined) {
      return {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${limited}`,
          parameters: { retry_after: limited },
        },
      };
    }
    const b = enforced?.take();
    if (b && !b.allowed) {
      const wait = Math.ceil(b.resetAfterMs / 1000);
      return {
        status: 429,
        body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${wait}`, parameters: { retry_after: wait } },
      };
    }
    const body = JSON.parse(req.body);
    if (!body.text || body.text.length > 4096)
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } };
    if (!/^(-?\d+|@\w+)$/.test(String(body.chat_id)))
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } };
    messages.push(body);
    return { body: { ok: true, result: { message_id: messages.length, chat: { id: body.chat_id }, text: body.text } } };
  };
  const server = await startRecorder(answer);
  const fake = Object.assign(server, {
    messages,
    rateLimit: (s: number | undefined) => {
      limited = s;
    },
  });
  return Object.defineProperty(fake, 'tooMany', { get: () => enforced?.refused ?? 0 }) as FakeTelegram;
}
