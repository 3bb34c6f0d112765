// A loopback Telegram Bot API: POST /bot<token>/sendMessage, the `{ok, result}` / `{ok:false, error_code,
// description, parameters}` envelope, 4096-character limit, and on demand a 429 with parameters.retry_after.
import { startRecorder, type Recorded, type Recorder, type Reply } from './recorder.ts';

export interface FakeTelegram extends Recorder {
  messages: any[];
  rateLimit(seconds: number | undefined): void;
}

export async function startTelegram(token: string): Promise<FakeTelegram> {
  const messages: any[] = [];
  let limited: number | undefined;
  const answer = (req: Recorded): Reply => {
    if (req.path !== `/bot${token}/sendMessage`) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    if (limited !== undefined) {
      return { status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${limited}`, parameters: { retry_after: limited } } };
    }
    const body = JSON.parse(req.body);
    if (!body.text || body.text.length > 4096) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } };
    if (!/^(-?\d+|@\w+)$/.test(String(body.chat_id))) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } };
    messages.push(body);
    return { body: { ok: true, result: { message_id: messages.length, chat: { id: body.chat_id }, text: body.text } } };
  };
  const server = await startRecorder(answer);
  return Object.assign(server, { messages, rateLimit: (s: number | undefined) => { limited = s; } });
}
