// `npm run fuzz`: a real `relay run` process under 10^6 mixed bad frames (random bytes, huge octet counts,
// NUL floods, invalid UTF-8, 1 MB lines, half frames then close) over TCP, TLS (a self-signed certificate
// made with openssl at run time; one garbage connection of each round speaks plain TCP to the TLS port),
// UDP and the Unix JSON socket, with valid messages interleaved at a known count. Prints frames sent, valid alerts received (each must
// arrive, exactly once), the listeners' counters and relay's RSS before and after; exits 1 on a crash, a
// lost valid alert or RSS not back within 20 %. FUZZ_FRAMES=N scales the run (default 1,000,000).
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { datagramGarbage, drawKind, streamGarbage, type Kind } from './fuzz-frames.ts';
import { RelayMemory } from './relay-memory.ts';
import { report } from './fuzz-report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 1_000_000);
const VALID_EVERY = 100;
const SHARE = { tcp: 0.3, tls: 0.15, unix: 0.35, udp: 0.2 } as const;
const GARBAGE_CONNECTIONS = 6;
const HALF_FRAME_EVERY = 2000;

type Transport = keyof typeof SHARE;
const ID_PREFIX: Record<Transport, string> = { tcp: 't', tls: 's', unix: 'u', udp: 'd' };
const sent: Record<Transport, { frames: number; valid: number; halfFrames: number; kinds: Partial<Record<Kind, number>> }> = {
  tcp: { frames: 0, valid: 0, halfFrames: 0, kinds: {} },
  tls: { frames: 0, valid: 0, halfFrames: 0, kinds: {} },
  unix: { frames: 0, valid: 0, halfFrames: 0, kinds: {} },
  udp: { frames: 0, valid: 0, halfFrames: 0, kinds: {} },
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const turn = () => new Promise((r) => setImmediate(r));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the sink: a json:// notifier endpoint that records each valid id it is told about ---------------
const received = new Map<string, number>();
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d));
  req.on('end', () => {
    const id = /fuzz-valid ([tsud]-\d+)/.exec(body)?.[1];
    if (id) received.set(id, (received.get(id) ?? 0) + 1);
    res.end('ok');
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const sinkPort = (sink.address() as net.AddressInfo).port;

// --- relay, as a real process -----------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'relay-fuzz-'));
const [tcpPort, tlsPort, udpPort] = [await freePort(), await freePort(), await freePort()];
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'tls.key'),
    '-out',
    join(dir, 'tls.crt'),
  ],
  { stdio: 'ignore' },
);
const unixPath = join(dir, 'fuzz.sock');
writeFileSync(
  join(dir, 'config.yaml'),
  `listeners:
  - { name: tcp, type: tcp, address: "127.0.0.1:${tcpPort}" }
  - { name: tls, type: tls, address: "127.0.0.1:${tlsPort}", cert: tls.crt, key: tls.key, client_auth: none }
  - { name: udp, type: udp, address: "127.0.0.1:${udpPort}", max_message_size: 8192, receive_buffer: 4194304 }
  - { name: unix, type: unix, format: json, address: "${unixPath}", allow_uids: [] }
notifiers:
  sink: json://127.0.0.1:${sinkPort}/hook
rules:
  - { name: valid, match: { message: "/^fuzz-valid [tsud]-\\\\d+$/" }, notify: [sink], title: "{{message}}" }
state_dir: ${join(dir, 'state')}
log: { level: info }
`,
);
const relay = spawn(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/fuzz-relay.ts'), 'run', '--config', join(dir, 'config.yaml')],
  {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
// Never leave relay behind, whatever ends this script.
process.on('exit', () => relay.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
// relay logs JSON lines on stderr.
let log = '';
relay.stdout.resume();
relay.stderr.on('data', (d: Buffer) => (log += d));
let exited: number | null | undefined;
const exit = new Promise<number | null>((r) => relay.once('exit', (code) => r((exited = code))));
while (!log.includes(unixPath)) {
  if (exited !== undefined) throw new Error(`relay did not start (exit ${exited}):\n${log}`);
  await pause(50);
}
const memory = new RelayMemory(relay, () => log);
const rssStart = memory.rssKb();

// --- senders --------------------------------------------------------------------------------------------
type StreamTransport = 'tcp' | 'tls' | 'unix';

function connectTo(transport: StreamTransport | 'plain-to-tls'): net.Socket {
  switch (transport) {
    case 'tcp':
      return net.connect({ host: '127.0.0.1', port: tcpPort });
    case 'tls':
      return tls.connect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false });
    case 'plain-to-tls':
      return net.connect({ host: '127.0.0.1', port: tlsPort });
    case 'unix':
      return net.connect(unixPath);
  }
}

/** Connections of a transport; for TLS, garbage connection 0 speaks plain TCP to the TLS port (refused in the handshake). */
function streamOpener(transport: StreamTransport): (index?: number) => net.Socket {
  return (index) => {
    const s = connectTo(transport === 'tls' && index === 0 ? 'plain-to-tls' : transport);
    s.on('error', () => {}); // relay may close a garbage connection (frame deadline, limits): expected
    return s;
  };
}

async function write(s: net.Socket, b: Buffer): Promise<void> {
  if (s.write(b) || s.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });
}

function validFrame(transport: Transport, i: number): Buffer {
  const msg = `fuzz-valid ${ID_PREFIX[transport]}-${i}`;
  if (transport === 'unix') return Buffer.from(`${JSON.stringify({ message: msg })}\n`);
  const frame = `<13>1 2026-11-30T10:00:00Z fuzzhost fuzz - - - ${msg}`;
  return Buffer.from(transport !== 'udp' && i % 2 ? `${Buffer.byteLength(frame)} ${frame}` : `${frame}\n`);
}

async function stream(transport: StreamTransport, frames: number, validOffset: number): Promise<void> {
  const open = streamOpener(transport);
  const valid = open();
  const garbage = Array.from({ length: GARBAGE_CONNECTIONS }, (_, g) => open(g));
  const stats = sent[transport];
  for (let k = 0; k < frames; k++) {
    stats.frames++;
    if (k % VALID_EVERY === 0) {
      await write(valid, validFrame(transport, validOffset + stats.valid++));
      continue;
    }
    const g = k % GARBAGE_CONNECTIONS;
    if (garbage[g]!.destroyed) garbage[g] = open(g);
    if (k % HALF_FRAME_EVERY === 1) {
      // Half a frame, then the connection ends.
      stats.halfFrames++;
      garbage[g]!.end(k % 2 ? '300 <13>1 - h app - - - cut' : '<13>1 - h app - - - no trailer and no end');
      garbage[g] = open(g);
      continue;
    }
    const kind = drawKind();
    stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
    await write(garbage[g]!, streamGarbage(kind));
    if (k % 1000 === 0) await turn();
  }
  await new Promise<void>((r) => valid.end(r));
  for (const g of garbage) g.destroy();
}

/** Bytes waiting in relay's UDP receive queue (/proc/net/udp `rx_queue`), the sender's only back-pressure. */
function udpBacklog(): number {
  const local = `0100007F:${udpPort.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1] === local);
  return row ? Number.parseInt(row.trim().split(/\s+/)[4]!.split(':')[1]!, 16) : 0;
}

async function udp(frames: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  const send = (b: Buffer) => new Promise<void>((r) => s.send(b, udpPort, '127.0.0.1', () => r()));
  const stats = sent.udp;
  for (let k = 0; k < frames; k++) {
    stats.frames++;
    if (k % VALID_EVERY === 0) await send(validFrame('udp', stats.valid++));
    else {
      const kind = drawKind();
      stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
      await send(datagramGarbage(kind));
    }
    // Paced by relay's receive queue so a flood of garbage is sent, not dropped by the kernel before relay
    // sees it; what the kernel still drops is read back from relay's counters.
    if (k % 50 === 0) while (udpBacklog() > 1024 * 1024) await pause(1);
  }
  s.close();
}

/** Waits until `expected` valid alerts arrived, or none came for 15 s (then the report says what is missing). */
async function alertsSettle(expected: number): Promise<void> {
  let last = received.size;
  let since = Date.now();
  while (received.size < expected && Date.now() - since < 15_000) {
    await pause(100);
    if (received.size !== last) [last, since] = [received.size, Date.now()];
  }
}

// Warm up on the first 10 % of the frames (code loaded and compiled, connections, the allocator's working
// set), so "before" is relay at work on this mix, not relay just started.
const warmOf = (t: Transport) => Math.round(FRAMES * 0.1 * SHARE[t]);
const warm = { tcp: warmOf('tcp'), tls: warmOf('tls'), unix: warmOf('unix'), udp: warmOf('udp') };
await Promise.all([stream('tcp', warm.tcp, 0), stream('tls', warm.tls, 0), stream('unix', warm.unix, 0), udp(warm.udp)]);
const validWarm = sent.tcp.valid + sent.tls.valid + sent.unix.valid + sent.udp.valid;
await alertsSettle(validWarm);
const rssBefore = await memory.settledRss();
const memBefore = await memory.collected();

const t0 = Date.now();
const rest = FRAMES - (warm.tcp + warm.tls + warm.unix + warm.udp);
await Promise.all([
  stream('tcp', Math.round(rest * SHARE.tcp), sent.tcp.valid),
  stream('tls', Math.round(rest * SHARE.tls), sent.tls.valid),
  stream('unix', Math.round(rest * SHARE.unix), sent.unix.valid),
  udp(Math.round(rest * SHARE.udp)),
]);
const sendSeconds = (Date.now() - t0) / 1000;
const validSent = sent.tcp.valid + sent.tls.valid + sent.unix.valid + sent.udp.valid;

await alertsSettle(validSent);
const deliverSeconds = (Date.now() - t0) / 1000;
const rssAfter = await memory.settledRss();
const memAfter = await memory.collected();
const rssPeak = memory.rssKb('VmHWM');
const alive = exited === undefined;

relay.kill('SIGTERM');
const code = await exit;
sink.close();
const totals = log
  .split('\n')
  .filter((l) => l.includes('"listener totals"'))
  .map((l) => JSON.parse(l) as Record<string, number | string>);
rmSync(dir, { recursive: true, force: true });

report({
  sent,
  received,
  totals,
  warmFrames: warm.tcp + warm.tls + warm.unix + warm.udp,
  validSent,
  sendSeconds,
  deliverSeconds,
  rss: { start: rssStart, before: rssBefore, after: rssAfter, peak: rssPeak },
  memBefore,
  memAfter,
  alive,
  code,
  log,
});
