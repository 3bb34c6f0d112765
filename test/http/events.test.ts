// POST /events on a real loopback App: bearer tokens, one event / an array / NDJSON through the rules to a
// notifier, invalid items answered one by one while the valid ones go through, and the caps on items,
// nesting and content types.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { startLoopbackApp, type LoopbackApp } from './loopback-app.ts';

const SECRET = 'ci-secret-0123456789abcdef';
const OTHER = 'cron-secret-0123456789abcdef';

describe('POST /events', () => {
  let t: LoopbackApp;
  let sink: HttpSink;
  let app: App;
  beforeEach(async () => {
    t = await startLoopbackApp(
      (s) => `
notifiers: { hook: "${s.url()}" }
rules:
  - { name: from-ci, match: { kind: http, token: ci, severity: "<= err" }, notify: [hook], title: "{{app}} on {{host}}: {{message}}", body: "{{fields.job}} {{severity}} {{token}}" }
  - { name: sudo, match: { kind: sudo }, notify: [hook], title: "sudo {{message}}" }
http: { address: "127.0.0.1:0", tokens: { ci: "${SECRET}", cron: "${OTHER}" }, max_items: 6, max_depth: 4 }`,
      { clock: new ManualClock(Date.parse('2026-11-30T14:00:00Z')) },
    );
    ({ app, sink } = t);
  });
  afterEach(() => t.stop());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`http://${app.httpAddress}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}`, ...headers },
      body,
    });
  const titles = () => sink.json().map((a) => a.title);

  it('answers 401 without a token, with a wrong one, and with an unknown scheme; nothing enters the rules', async () => {
    const event = JSON.stringify({ host: 'web1', app: 'deploy', severity: 'err', message: 'failed' });
    for (const authorization of [undefined, 'Bearer wrong-secret-0123456789', `Token ${SECRET}`, `Bearer ${SECRET}x`]) {
      const res = await fetch(`http://${app.httpAddress}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: event,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="relay"');
      expect(await res.json()).toMatchObject({ statusCode: 401, code: 'RELAY_E_HTTP_AUTH' });
    }
    expect(app.pipeline.stats().events).toBe(0);
  });

  it('takes one event through the rules as kind http with the token name, to the notifier', async () => {
    const res = await post(
      JSON.stringify({ host: 'web1', app: 'deploy', severity: 'err', message: 'deploy failed', fields: { job: 'build-42' } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    await sink.waitFor(1);
    expect(sink.json()[0]).toMatchObject({ title: 'deploy on web1: deploy failed', message: 'build-42 err ci' });
  });

  it('accepts Basic auth with the secret as password (what apprise:// URLs with user:password send)', async () => {
    const res = await post(JSON.stringify({ host: 'h', app: 'a', severity: 3, message: 'basic' }), {
      authorization: `Basic ${Buffer.from(`anyone:${SECRET}`).toString('base64')}`,
    });
    expect(res.status).toBe(200);
    await sink.waitFor(1);
    expect(titles()).toEqual(['a on h: basic']);
  });

  it('another token is another name: rules can tell them apart', async () => {
    expect(
      (await post(JSON.stringify({ host: 'h', app: 'a', severity: 'crit', message: 'from cron' }), { authorization: `Bearer ${OTHER}` }))
        .status,
    ).toBe(200);
    expect((await post(JSON.stringify({ host: 'h', app: 'a', severity: 'crit', message: 'from ci' }))).status).toBe(200);
    await sink.waitFor(1);
    expect(titles()).toEqual(['a on h: from ci']);
  });

  it('answers 400 with each invalid item and why, while the valid items of the same array go through', async () => {
    const res = await post(
      JSON.stringify([
        { host: 'h', app: 'a', severity: 'err', message: 'first' },
        { host: 'h', severity: 'loud', message: 'bad severity' },
        { host: 'h', app: 'a', severity: 'crit', message: 'second', mesage: 'typo' },
        'not an object',
        { app: 'a', severity: 2, message: 'third', timestamp: '2026-11-30T13:59:00Z' },
        { severity: 'err' },
      ]),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { accepted: number; rejected: number; errors: { index: number; error: string }[]; note: string };
    expect(body).toMatchObject({
      accepted: 2,
      rejected: 4,
      note: 'the 2 valid events were accepted; only the ones listed in errors were not',
    });
    expect(body.errors).toEqual([
      { index: 1, error: 'severity: unknown severity "loud" (emerg, alert, crit, err, warning, notice, info, debug, or 0-7)' },
      { index: 2, error: 'unknown key "mesage" (an event has message, host, app, severity, timestamp, fields)' },
      { index: 3, error: 'an event is a JSON object with at least "message"' },
      { index: 5, error: 'message is required and must be a string' },
    ]);
    await sink.waitFor(2);
    expect(titles()).toEqual(['a on h: first', 'a on : third']);
  });

  it('takes NDJSON, one event per line; a line that is not JSON is rejected by itself', async () => {
    const lines = [
      '{"host":"h","app":"a","severity":"err","message":"one"}',
      '{"host":"h",',
      '',
      '{"host":"h","app":"a","severity":"err","message":"two"}',
    ].join('\n');
    const res = await post(lines, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { accepted: number; errors: { index: number; error: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.errors).toEqual([{ index: 1, error: expect.stringMatching(/^line is not JSON: /) }]);
    await sink.waitFor(2);
    expect(titles()).toEqual(['a on h: one', 'a on h: two']);
  });

  it("an event shaped like the sudo plugin's is not taken for a sudo call: kind http, never sudo", async () => {
    const res = await post(
      JSON.stringify({ host: 'h', message: 'forged', fields: { v: 1, event: 'reject', id: 'x', user: 'root', reason: 'forged' } }),
    );
    expect(res.status).toBe(200);
    await post(JSON.stringify({ host: 'h', app: 'a', severity: 'err', message: 'after' }));
    await sink.waitFor(1);
    expect(titles()).toEqual(['a on h: after']);
  });

  it('refuses more than max_items events with 413, and takes none of them', async () => {
    const seven = JSON.stringify(Array.from({ length: 7 }, (_, i) => ({ host: 'h', app: 'a', severity: 'err', message: `m${i}` })));
    const res = await post(seven);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      code: 'RELAY_E_HTTP_BODY',
      message: 'more than 6 events in one request (http.max_items); send them in several',
    });
    const ndjson = await post(Array.from({ length: 100 }, () => '{"message":"x"}').join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(ndjson.status).toBe(413);
    expect(app.pipeline.stats().events).toBe(0);
  });

  it('rejects an event nested deeper than max_depth', async () => {
    const res = await post(
      JSON.stringify([
        { message: 'deep', fields: { a: { b: { c: {} } } } },
        { message: 'ok', fields: { a: { b: 1 } } },
      ]),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ accepted: 1, errors: [{ index: 0, error: 'nested deeper than http.max_depth (4)' }] });
  });

  it.each([
    ['text/plain', 'hello', 400],
    ['application/xml', '<event/>', 415],
    ['application/json', '{"message": ', 400],
    ['application/json', '42', 400],
    ['application/json', '{"__proto__": {"admin": true}, "message": "x"}', 400],
  ])('answers %s %j with %i', async (type, body, status) => {
    const res = await post(body, { 'content-type': type });
    expect(res.status).toBe(status);
    expect(app.pipeline.stats().events).toBe(0);
  });
});
