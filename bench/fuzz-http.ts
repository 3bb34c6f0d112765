// `npm run fuzz:http`: a real `relay run` process under a stream of bad HTTP requests to /events and /notify
// (random bytes, JSON cut or corrupted, nesting up to the body limit, arrays past max_items, wrong content
// types, bodies over max_body, wrong or missing tokens, stalled bodies) with valid events interleaved at a
// known count. Prints the answers by status, valid alerts received (each must arrive exactly once) and
// relay's RSS before and after; exits 1 on a 5xx, a dropped connection, a lost or doubled valid alert, relay
// dying, or RSS growing by more than 15 % over the second half of the run (the first half brings the heap
// to its working size; a leak keeps growing). FUZZ_REQUESTS=N scales the run (default 20,000).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const CONCURRENCY = 8;
const VALID_EVERY = 20;
const TOKEN = `fuzz-${Math.random().toString(36).slice(2)}-0123456789`;
const TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=z',
  '',
];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256)));

// --- the sink: a json:// notifier endpoint counting each valid id it is told about ---------------------
const received = new Map<string, number>();
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d));
  req.on('end', () => {
    const id = /valid-(\d+)/.exec(body)?.[1];
    if (id) received.set(id, (received.get(id) ?? 0) + 1);
    res.end('ok');
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));

// --- relay ----------------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'relay-fuzz-http-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
writeFileSync(
  join(dir, 'config.yaml'),
  `
notifiers: { sink: "json://127.0.0.1:${(sink.address() as net.AddressInfo).port}/hook" }
rules: [{ name: valid, match: { kind: http, message: "/^valid-/" }, notify: [sink], title: "{{message}}" }]
http: { address: "127.0.0.1:${port}", tokens: { fuzz: "${TOKEN}" }, max_body: 262144, max_items: 500, request_timeout: 2s, rate_limit: { rate: 1000000/1s } }
delivery: { fold_after: 1000000 }
state_dir: ${join(dir, 'state')}
`,
);
const relay = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--config', join(dir, 'config.yaml')], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'pipe'],
});
let log = '';
let exited: number | null | undefined;
relay.on('exit', (code) => (exited = code));
await new Promise<void>((resolve, reject) => {
  relay.stderr!.on('data', (d: Buffer) => {
    log += d;
    if (log.includes('http endpoint listening')) resolve();
  });
  relay.once('exit', () => reject(new Error(`relay exited:\n${log}`)));
});

// --- the requests ---------------------------------------------------------------------------------------
type Case = { kind: string; path: string; type: string; body: Buffer<ArrayBuffer> | string; auth?: string };
let valid = 0;
function draw(i: number): Case {
  if (i % VALID_EVERY === 0)
    return {
      kind: 'valid',
      path: '/events',
      type: 'application/json',
      body: JSON.stringify({ message: `valid-${valid++}`, host: 'fuzz' }),
    };
  const path = pick(['/events', '/notify']);
  const event = JSON.stringify([{ message: 'x', severity: 'err', fields: { a: [1, { b: 'c' }] } }, { message: 'y' }]);
  switch (Math.floor(Math.random() * 9)) {
    case 0:
      return { kind: 'random bytes', path, type: pick(TYPES), body: bytes(Math.floor(Math.random() * 4000)) };
    case 1: {
      const cut = Math.floor(Math.random() * event.length);
      return {
        kind: 'broken JSON',
        path,
        type: pick(['application/json', 'application/x-ndjson']),
        body: event.slice(0, cut) + pick(['', '"', '{', ']', '\u0000', '\\']) + event.slice(cut),
      };
    }
    case 2: {
      const depth = Math.floor(Math.random() * 60_000);
      return {
        kind: 'deep nesting',
        path,
        type: 'application/json',
        body: `{"message":"d","fields":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
      };
    }
    case 3:
      return {
        kind: 'huge array',
        path: '/events',
        type: 'application/json',
        body: `[${Array.from({ length: 501 + Math.floor(Math.random() * 5000) }, () => '{"message":"m"}').join(',')}]`,
      };
    case 4:
      return {
        kind: 'wrong content type',
        path,
        type: pick(['text/plain', 'application/xml', 'image/png', 'application/json; charset=utf-16']),
        body: event,
      };
    case 5:
      return {
        kind: 'over max_body',
        path,
        type: 'application/json',
        body: Buffer.alloc(262_145 + Math.floor(Math.random() * 2_000_000), 0x20),
      };
    case 6:
      return {
        kind: 'bad token',
        path,
        type: 'application/json',
        body: event,
        auth: pick(['', 'Bearer nope', `Bearer ${TOKEN}x`, 'Basic !!!', `bearer  ${TOKEN.slice(1)}`]),
      };
    case 7:
      return {
        kind: 'notify fields',
        path: '/notify',
        type: 'application/json',
        body: JSON.stringify({
          body: pick(['', 'b', 5, null]),
          type: pick(['info', 'nope', 1]),
          tag: pick(['sink', 'nobody', ['sink', 7], 'a b,,|', '']),
          urls: pick([undefined, 'json://x/']),
        }),
      };
    default:
      return {
        kind: 'ndjson lines',
        path: '/events',
        type: 'application/x-ndjson',
        body: Array.from({ length: 1 + Math.floor(Math.random() * 50) }, () =>
          pick(['{"message":"n"}', '{', '', '[]', 'null', '{"message":1}']),
        ).join('\n'),
      };
  }
}

const byStatus = new Map<string, number>();
const failures: string[] = [];
const count = (key: string) => byStatus.set(key, (byStatus.get(key) ?? 0) + 1);

/** A body that stalls halfway: relay must answer 408 after request_timeout and close. */
async function stalled(): Promise<void> {
  const s = net.connect(port, '127.0.0.1');
  let answer = '';
  s.on('data', (d: Buffer) => (answer += d));
  s.on('error', () => {});
  s.write(
    `POST /events HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"mess`,
  );
  await new Promise((r) => s.once('close', r));
  count(`stalled body → ${answer.slice(9, 12) || 'closed without answer'}`);
  if (!answer.startsWith('HTTP/1.1 408')) failures.push(`stalled body answered ${JSON.stringify(answer.slice(0, 40))}`);
}

async function send(c: Case): Promise<void> {
  try {
    const res = await fetch(`${base}${c.path}`, {
      method: 'POST',
      headers: { ...(c.type ? { 'content-type': c.type } : {}), ...(c.auth === '' ? {} : { authorization: c.auth ?? `Bearer ${TOKEN}` }) },
      body: c.body,
    });
    await res.arrayBuffer();
    count(`${c.kind} → ${res.status}`);
    if (res.status >= 500) failures.push(`${c.kind} answered ${res.status}`);
  } catch (e) {
    // An oversize body may be cut off mid-upload once the 413 is out: that is the refusal, not a failure.
    if (c.kind === 'over max_body') return void count(`${c.kind} → closed while sending`);
    failures.push(`${c.kind}: ${(e as Error).message} (${String((e as { cause?: unknown }).cause)})`);
  }
}

const started = Date.now();
let next = 0;
const run = (until: number) =>
  Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < until && exited === undefined) await send(draw(next++));
    }),
  );
const start = rssMb(relay.pid!);
await run(REQUESTS / 2);
const before = rssMb(relay.pid!);
const stalls = Promise.all(Array.from({ length: 20 }, stalled));
await run(REQUESTS);
await stalls;
const deadline = Date.now() + 30_000;
while (received.size < valid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
const after = rssMb(relay.pid!);
const seconds = (Date.now() - started) / 1000;

const doubled = [...received.values()].filter((n) => n > 1).length;
const ok = exited === undefined && failures.length === 0 && received.size === valid && doubled === 0 && after < before * 1.15;
console.log(
  `${REQUESTS} requests in ${seconds.toFixed(1)} s (+20 stalled bodies), relay ${exited === undefined ? 'alive' : `exited ${exited}`}`,
);
console.log(
  [...byStatus]
    .sort()
    .map(([k, n]) => `  ${k.padEnd(40)} ${n}`)
    .join('\n'),
);
console.log(`valid events: ${valid} sent, ${received.size} alerted, ${doubled} twice`);
console.log(`relay RSS: ${start.toFixed(1)} MB at start, ${before.toFixed(1)} MB at half time, ${after.toFixed(1)} MB at the end`);
if (failures.length > 0) console.log(`failures (${failures.length}):\n  ${[...new Set(failures)].slice(0, 20).join('\n  ')}`);
relay.kill('SIGTERM');
await new Promise((r) => (exited === undefined ? relay.once('exit', r) : r(undefined)));
sink.close();
rmSync(dir, { recursive: true, force: true });
console.log(ok ? 'PASS' : 'FAIL');
process.exit(ok ? 0 : 1);
