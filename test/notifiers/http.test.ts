import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, NotifyError } from '../../src/errors.ts';
import { httpSend, postJson } from '../../notifiers/http.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]) {
  server = createServer(handler);
  const connections: unknown[] = [];
  server.on('connection', (c) => connections.push(c));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections };
}

describe('httpSend (node:http with kept-alive connections)', () => {
  it('sends the body with its length, and hands back the status, headers and JSON answer', async () => {
    const { url } = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(201, { 'x-seen': `${req.method} ${req.headers['content-length']} ${body}` }).end('{"ok":true}'));
    });
    const res = await postJson(`${url}/hook`, { a: 1 });
    expect(res.status).toBe(201);
    expect(res.headers.get('X-Seen')).toBe('POST 7 {"a":1}');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('alerts one after another reuse one connection', async () => {
    const { url, connections } = await serve((req, res) => req.resume().on('end', () => res.end('{}')));
    for (let i = 0; i < 5; i++) await postJson(url, { i });
    expect(connections).toHaveLength(1);
  });

  it('a provider that never answers is a retryable timeout', async () => {
    const { url } = await serve(() => undefined);
    const err = await httpSend({ url, method: 'POST', headers: {}, body: '{}', timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).code).toBe(ErrorCodes.NOTIFY_TIMEOUT);
    expect((err as NotifyError).retryable).toBe(true);
  });

  it('an abort (shutdown) ends the request at once, as a failure that may be retried', async () => {
    const { url } = await serve(() => undefined);
    const abort = new AbortController();
    const sent = httpSend({ url, method: 'POST', headers: {}, body: '{}', signal: abort.signal, timeoutMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    abort.abort(new Error('relay is stopping'));
    const err = (await sent) as NotifyError;
    expect(err.code).toBe(ErrorCodes.NOTIFY_FAILED);
    expect(err.message).toContain('relay is stopping');
  });

  it('a signal already aborted fails the send without an uncaught "socket hang up"', async () => {
    const { url } = await serve(() => undefined);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const err = (await httpSend({ url, method: 'POST', headers: {}, body: '{}', signal: AbortSignal.abort(new Error('stopped')) }).catch(
        (e: unknown) => e,
      )) as NotifyError;
      expect(err.message).toContain('stopped');
      await new Promise((r) => setImmediate(r));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it("a 429 carries the provider's Retry-After", async () => {
    const { url } = await serve((req, res) => req.resume().on('end', () => res.writeHead(429, { 'retry-after': '3' }).end('slow down')));
    const err = (await postJson(url, {}).catch((e: unknown) => e)) as NotifyError;
    expect(err.code).toBe(ErrorCodes.NOTIFY_RATE_LIMIT);
    expect(err.retryAfterMs).toBe(3000);
  });
});
