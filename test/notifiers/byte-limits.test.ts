// Providers that count bytes: ntfy (4,096-byte message, 8,192-byte JSON publish) and Matrix (65,536-byte
// event, plain and HTML text both inside it), each against a loopback server that refuses what its provider
// refuses, so a part relay sends over the limit fails the test instead of passing unnoticed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { json, startRecorder, type Recorder } from './servers/recorder.ts';

let ntfy: Recorder;
let matrix: Recorder;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

beforeAll(async () => {
  ntfy = await startRecorder((req) => {
    if (bytes(req.body) > 8192) return { status: 413, body: { code: 41301, error: 'request entity too large' } };
    return bytes(json(req).message) > 4096 ? { status: 400, body: { error: 'message too large' } } : {};
  });
  matrix = await startRecorder((req) => {
    if (req.path.includes('/join/')) return { body: { room_id: '!r:example.org' } };
    if (bytes(req.body) > 65_536 - 2048) return { status: 413, body: { errcode: 'M_TOO_LARGE', error: 'event too large' } };
    return { body: { event_id: '$e' } };
  });
  process.env.RELAY_NTFY_URL = ntfy.url;
});
afterAll(async () => {
  delete process.env.RELAY_NTFY_URL;
  await Promise.all([ntfy.close(), matrix.close()]);
});

/** CJK and emoji: 3 and 4 bytes each, 1 and 2 UTF-16 units. */
const wide = (n: number) => Array.from({ length: n }, (_, i) => (i % 40 === 39 ? '\n' : i % 3 ? '警' : '🔥')).join('');

describe('ntfy counts bytes', () => {
  it('truncate: one publish whose message is at most 4,096 bytes', async () => {
    ntfy.requests.length = 0;
    await createNotifier('n', 'ntfy://alerts').send({ title: '磁盘已满', body: wide(5000), type: 'failure' });
    expect(ntfy.requests).toHaveLength(1);
    const sent = json(ntfy.requests[0]!);
    expect(bytes(sent.message)).toBeLessThanOrEqual(4096);
    expect(sent.message).toMatch(/more chars\)$/);
  });

  it('split: every part within 4,096 bytes, and all of the text arrives', async () => {
    ntfy.requests.length = 0;
    const body = wide(5000);
    await createNotifier('n', 'ntfy://alerts?overflow=split').send({ title: 'disk full', body, type: 'info' });
    const parts = ntfy.requests.map((r) => json(r).message as string);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(4096);
    expect(parts.join('').replace(/\n/g, '')).toBe(body.replace(/\n/g, ''));
  });

  it('a message of quotes and line breaks, doubled by JSON, stays within the 8,192-byte publish', async () => {
    ntfy.requests.length = 0;
    await createNotifier('n', 'ntfy://alerts?overflow=split').send({ title: 't', body: '"\n'.repeat(3000), type: 'info' });
    for (const r of ntfy.requests) expect(bytes(r.body)).toBeLessThanOrEqual(8192);
  });
});

describe('Matrix counts the whole event in bytes', () => {
  it('a 40,000-character body of markup goes out as events each within the limit, text complete', async () => {
    matrix.requests.length = 0;
    const body = Array.from({ length: 2000 }, (_, i) => `<${i}> a & "b" 警告`).join('\n');
    expect(body.length).toBeGreaterThan(30_000);
    await createNotifier('x', `matrix://tok@127.0.0.1:${matrix.port}/!r:example.org?overflow=split`).send({
      title: 'big',
      body,
      type: 'info',
    });
    const events = matrix.requests.filter((r) => r.method === 'PUT');
    expect(events.length).toBeGreaterThan(1);
    for (const e of events) expect(bytes(e.body)).toBeLessThanOrEqual(63_488);
    const texts = events.map((e) => (json(e).body as string).replace(/^big \[\d+\/\d+\]\n/, ''));
    expect(texts.join('\n')).toBe(body);
  });
});
