// Property tests on the live HTTP endpoint: whatever a token holder posts to /events or /notify — bytes that
// are not JSON, JSON broken anywhere, nesting a million deep, arrays past max_items, any content type — relay
// answers 2xx or 4xx (never 5xx, never a dropped connection), stays up, and takes exactly the valid events.
// Slow senders get 408 once request_timeout has passed and are cut off.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { connect } from '../helpers/net.ts';

const SECRET = 'fuzz-secret-0123456789abcdef';
const TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/octet-stream',
  'garbage',
  '',
];

describe('HTTP ingest under arbitrary input', () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-http-fuzz-'));
    app = new App(
      parseConfig(
        `
notifiers: { console: "console://" }
http: { address: "127.0.0.1:0", tokens: { fuzz: "${SECRET}" }, max_items: 100, max_body: 65536, request_timeout: 1s, rate_limit: { rate: 100000/1s } }
state_dir: ${dir}
`,
        'test.yaml',
        {},
      ),
      { log: silentLogger },
    );
    await app.start();
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (path: string, type: string, body: Uint8Array | string): Promise<number> => {
    const res = await fetch(`http://${app.httpAddress}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, ...(type ? { 'content-type': type } : {}) },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const clientError = (status: number) => status === 200 || (status >= 400 && status < 500);
  const alive = async () => expect((await fetch(`http://${app.httpAddress}/healthz`)).status).toBe(200);

  it('answers arbitrary bytes under any content type with 2xx or 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/events', '/notify'),
        fc.constantFrom(...TYPES),
        fc.uint8Array({ maxLength: 2000 }),
        async (path, type, body) => {
          expect(clientError(await post(path, type, body))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
    await alive();
  });

  it('answers JSON broken at any point (cut, or a character inserted) with 2xx or 4xx, and takes only what parsed as valid events', async () => {
    const event = fc.record(
      {
        message: fc.string(),
        host: fc.string(),
        severity: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constantFrom('err', 'bogus')),
        fields: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
      },
      { requiredKeys: ['message'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 20 }),
        fc.nat(),
        fc.string({ maxLength: 3 }),
        fc.constantFrom('application/json', 'application/x-ndjson'),
        async (events, at, insert, type) => {
          const text = type === 'application/json' ? JSON.stringify(events) : events.map((e) => JSON.stringify(e)).join('\n');
          const cut = at % (text.length + 1);
          const before = app.pipeline.stats().events;
          const res = await fetch(`http://${app.httpAddress}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${SECRET}`, 'content-type': type },
            body: text.slice(0, cut) + insert + text.slice(cut),
          });
          expect(clientError(res.status)).toBe(true);
          const answer = (await res.json()) as { accepted?: number };
          expect(app.pipeline.stats().events - before).toBe(answer.accepted ?? 0);
        },
      ),
      { numRuns: 150 },
    );
    await alive();
  });

  it('answers nesting of any depth (up to the body limit) with 2xx or 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 32_000 }), fc.constantFrom('[', '{"a":'), fc.boolean(), async (depth, open, inFields) => {
        const close = open === '[' ? ']' : '}';
        const nested = open.repeat(depth) + '1' + close.repeat(depth);
        const body = inFields ? `{"message":"deep","fields":{"x":${nested}}}` : nested;
        expect(clientError(await post('/events', 'application/json', body))).toBe(true);
      }),
      { numRuns: 60 },
    );
    await alive();
  });

  it('refuses arrays past max_items with 413 and takes none of them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 101, max: 5000 }), async (n) => {
        const before = app.pipeline.stats().events;
        expect(await post('/events', 'application/json', `[${Array.from({ length: n }, () => '{"message":"x"}').join(',')}]`)).toBe(413);
        expect(app.pipeline.stats().events).toBe(before);
      }),
      { numRuns: 20 },
    );
  });

  it.each<[string, (send: (s: string) => void) => (() => void) | undefined]>([
    [
      'stops after part of the body',
      (send) => {
        send('{"mess');
        return undefined;
      },
    ],
    [
      'drips a byte at a time',
      (send) => {
        const timer = setInterval(() => send(' '), 100);
        return () => clearInterval(timer);
      },
    ],
  ])('answers a sender that %s with 408 after request_timeout and closes the connection', async (_what, behave) => {
    const [host, port] = app.httpAddress!.split(':');
    const socket = await connect({ host, port: Number(port) });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d));
    let closed = false;
    socket.once('close', () => {
      closed = true;
    });
    socket.write(
      `POST /events HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer ${SECRET}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    const stop = behave((s) => socket.write(s));
    // request_timeout is 1 s; Node's own limits would close it only after a minute.
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: 10_000 });
    stop?.();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    await alive();
  });
});
