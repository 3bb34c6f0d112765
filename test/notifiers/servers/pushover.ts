// A loopback Pushover that keeps Pushover's contract for POST /1/messages.json: 30-character token and user
// key, a title of at most 250 characters and a message of at most 1,024 (Unicode characters, as sent, HTML
// entities included), else 400 with Pushover's error list; what it accepts is what the phone shows.
import { form, startRecorder, type Recorder } from './recorder.ts';

export interface Delivered {
  title: string;
  message: string;
}

export interface FakePushover {
  url: string;
  /** Accepted messages, in order. */
  delivered: Delivered[];
  /** Requests answered 4xx, with Pushover's errors. */
  refused: string[][];
  close(): Promise<void>;
}

const chars = (s: string) => [...s].length;

export async function startPushover(): Promise<FakePushover> {
  const delivered: Delivered[] = [];
  const refused: string[][] = [];
  const server: Recorder = await startRecorder((req) => {
    const f = form(req);
    const errors: string[] = [];
    if (req.path !== '/1/messages.json') errors.push(`no such path ${req.path}`);
    if (!/^[A-Za-z0-9]{30}$/.test(f.token ?? '')) errors.push('application token is invalid');
    if (!/^[A-Za-z0-9]{30}$/.test(f.user ?? '')) errors.push('user identifier is invalid');
    if (!f.message) errors.push('message cannot be blank');
    else if (chars(f.message) > 1024) errors.push('message cannot be longer than 1024 characters');
    if (f.title && chars(f.title) > 250) errors.push('title cannot be longer than 250 characters');
    if (errors.length > 0) {
      refused.push(errors);
      return { status: 400, body: { status: 0, errors } };
    }
    delivered.push({ title: f.title ?? '', message: f.message! });
    return { body: { status: 1, request: String(delivered.length) } };
  });
  return { url: server.url, delivered, refused, close: () => server.close() };
}
