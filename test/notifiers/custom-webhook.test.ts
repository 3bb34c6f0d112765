import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import { NotifyError } from '../../src/errors.ts';
import { form, json, startRecorder, type Recorder } from './servers/recorder.ts';
import { urlTable } from './url-table.ts';

urlTable(
  'JSON webhook',
  [
    { url: 'json://example.com', config: { secure: false, host: 'example.com', path: '/', method: 'POST' } },
    {
      url: 'jsons://user:s3cret@example.com:8443/hook/in?method=put',
      config: { secure: true, port: 8443, path: '/hook/in', user: 'user', password: 's3cret', method: 'PUT' },
      secrets: ['s3cret'],
    },
    {
      url: 'json://example.com?+X-Api-Key=k3y&-token=abc&:message=body&:version=&:host=web1',
      config: { headers: { 'X-Api-Key': 'k3y' }, query: { token: 'abc' }, payload: { message: 'body', version: '', host: 'web1' } },
      secrets: ['k3y'],
    },
    { url: 'json://example.com?+Authorization=Bearer%20a+b', config: { headers: { Authorization: 'Bearer a+b' } }, secrets: ['Bearer'] },
  ],
  [
    ['json://', /needs a host/],
    ['json://example.com?method=trace', /method=trace/],
  ],
);
urlTable('Form webhook', [{ url: 'forms://example.com/in?method=patch', config: { secure: true, method: 'PATCH' } }], []);
urlTable('XML webhook', [{ url: 'xml://example.com:81/soap', config: { port: 81, path: '/soap' } }], []);

describe('custom webhooks on the wire', () => {
  let server: Recorder;
  beforeAll(async () => {
    server = await startRecorder();
  });
  afterAll(() => server.close());
  const message = { title: 'disk full', body: 'sda1 at 99%', type: 'failure' as const };

  it("json posts Apprise's payload with the URL's renames, drops, additions, headers and query", async () => {
    const n = createNotifier('hook', `json://bob:pw@127.0.0.1:${server.port}/in?+X-Token=t1&-k=v&:message=body&:version=&:host=web1`);
    await n.send(message);
    const req = server.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/in');
    expect(req.query.get('k')).toBe('v');
    expect(req.headers['x-token']).toBe('t1');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`);
    expect(json(req)).toEqual({ title: 'disk full', body: 'sda1 at 99%', type: 'failure', host: 'web1' });
  });

  it('form posts url-encoded fields', async () => {
    await createNotifier('f', `form://127.0.0.1:${server.port}/f`).send(message);
    const req = server.requests.at(-1)!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form(req)).toEqual({ version: '1.0', title: 'disk full', message: 'sda1 at 99%', type: 'failure' });
  });

  it('xml posts a SOAP envelope with escaped text', async () => {
    await createNotifier('x', `xml://127.0.0.1:${server.port}/x`).send({ ...message, body: '<script>&' });
    const body = server.requests.at(-1)!.body;
    expect(body).toContain('<Subject>disk full</Subject>');
    expect(body).toContain('<Message>&lt;script&gt;&amp;</Message>');
  });

  it('a GET carries the fields in the query string', async () => {
    await createNotifier('g', `json://127.0.0.1:${server.port}/g?method=get`).send(message);
    const req = server.requests.at(-1)!;
    expect(req.method).toBe('GET');
    expect(req.query.get('title')).toBe('disk full');
  });

  it("each send of one notifier carries its own message and the URL's own query, headers and auth, however many went before", async () => {
    const get = createNotifier('g2', `json://127.0.0.1:${server.port}/g?method=get&-k=v`);
    await get.send(message);
    await get.send({ ...message, title: 'disk ok', type: 'success' });
    const req = server.requests.at(-1)!;
    expect([...req.query]).toEqual([
      ['k', 'v'],
      ['version', '1.0'],
      ['title', 'disk ok'],
      ['message', 'sda1 at 99%'],
      ['type', 'success'],
    ]);
    const post = createNotifier('p2', `json://bob:pw@127.0.0.1:${server.port}/p?+X-Token=t1`);
    await post.send(message);
    await post.send({ ...message, title: 'second' });
    const again = server.requests.at(-1)!;
    expect([again.path, again.headers['x-token'], again.headers.authorization, json(again).title]).toEqual([
      '/p',
      't1',
      `Basic ${Buffer.from('bob:pw').toString('base64')}`,
      'second',
    ]);
  });

  it('a 429 with Retry-After is retryable after that long; a 400 is not retryable', async () => {
    const n = createNotifier('h', `json://127.0.0.1:${server.port}/`);
    server.handle(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    await expect(n.send(message)).rejects.toMatchObject({ code: 'RELAY_E_NOTIFY_RATE_LIMIT', retryable: true, retryAfterMs: 7000 });
    server.handle(() => ({ status: 400, body: { error: 'bad' } }));
    const err = await n.send(message).catch((e) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ retryable: false, code: 'RELAY_E_NOTIFY_REJECTED' });
    server.handle(() => ({}));
  });

  it('an aborted send stops with a NotifyError', async () => {
    server.handle(() => new Promise(() => {}));
    const abort = new AbortController();
    const sending = createNotifier('h', `json://127.0.0.1:${server.port}/`).send(message, { signal: abort.signal });
    abort.abort();
    await expect(sending).rejects.toBeInstanceOf(NotifyError);
    server.handle(() => ({}));
  });
});
