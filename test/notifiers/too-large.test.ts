// A provider that answers 413 Payload Too Large (a self-hosted server with a lower limit, a proxy in front)
// gets the message again in smaller parts until it takes them: never a dead alert for being too big.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { json, startRecorder, type Recorder } from './servers/recorder.ts';

/** This server's own limit, lower than ntfy's documented 4,096-byte message. */
const SERVER_BYTES = 1500;
let server: Recorder;

beforeAll(async () => {
  server = await startRecorder((req) =>
    Buffer.byteLength(req.body) > SERVER_BYTES
      ? { status: 413, body: { code: 41301, http: 413, error: 'limit reached: message too large' } }
      : {},
  );
});
afterAll(() => server.close());

describe('413 Payload Too Large', () => {
  it('a release list answered 413 is split smaller and every entry arrives', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => `• alert ${i} on web${i} 警告\n  detail line for alert ${i}`);
    const body = ["Held back by notifier chat's rate limit: 40 events.", ...entries].join('\n');
    await createNotifier('n', `ntfy://127.0.0.1:${server.port}/alerts`).send({
      title: 'alert 0; alert 1 and 38 others',
      body,
      type: 'failure',
    });
    const answered = server.requests.map((r) => Buffer.byteLength(r.body) > SERVER_BYTES);
    expect(answered).toContain(true);
    const taken = server.requests.filter((r) => Buffer.byteLength(r.body) <= SERVER_BYTES).map((r) => json(r).message as string);
    const all = taken.join('\n');
    for (let i = 0; i < 40; i++) expect(all).toContain(`• alert ${i} on web${i} 警告\n  detail line for alert ${i}`);
  });

  it('a 413 that splitting cannot cure is retryable, never a rejection for the dead list', async () => {
    server.handle(() => ({ status: 413, body: { error: 'too large' } }));
    const err = await createNotifier('n', `ntfy://127.0.0.1:${server.port}/alerts`)
      .send({ title: 't', body: 'x', type: 'info' })
      .catch((e) => e);
    expect(err).toMatchObject({ code: ErrorCodes.NOTIFY_TOO_LARGE, retryable: true });
  });
});
