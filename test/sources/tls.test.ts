import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { TcpListener, TlsListener } from '../../src/config/listener-schema.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { TlsSource } from '../../src/sources/tls.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { makeCerts, type CertPair, type TestCerts } from '../helpers/certs.ts';
import { connect } from '../helpers/net.ts';
import { EventCollector, closed, hostPort, until } from './loopback.ts';

let certs: TestCerts;
let source: TlsSource | undefined;
const sockets: Socket[] = [];

beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await source?.stop();
  source = undefined;
});

async function listen(overrides: Record<string, unknown> = {}, log: Logger = silentLogger, clock?: ManualClock) {
  const config = TlsListener.parse({
    name: 'syslog-tls',
    type: 'tls',
    address: '127.0.0.1:0',
    cert: certs.server.cert,
    key: certs.server.key,
    ca: certs.ca,
    ...overrides,
  });
  const events = new EventCollector();
  source = new TlsSource(config, events.sink, log, { clock });
  await source.start();
  return { source, events, ...hostPort(source.address()) };
}

/** A TLS client that trusts relay's CA; resolves once its handshake is done (TLS 1.3: before the server judged its certificate). */
function tlsClient(port: number, pair?: CertPair, extra: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(
      {
        host: '127.0.0.1',
        port,
        ca: readFileSync(certs.ca),
        ...(pair ? { cert: readFileSync(pair.cert), key: readFileSync(pair.key) } : {}),
        ...extra,
      },
      () => resolve(s),
    );
    sockets.push(s);
    s.once('error', reject);
  });
}

/** One octet-counted frame (RFC 5425). */
function frame(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}

describe('TlsSource', () => {
  it('takes octet-counted frames from a client with a verified certificate, naming it in peer_cert', async () => {
    const { source, events, port } = await listen({ allowed_peers: ['web1'] });
    const c = await tlsClient(port, certs.client('web1'));
    c.write(frame('<38>1 2026-11-23T10:00:00Z web1 sshd 42 - - Accepted publickey for bob'));
    const ev = await events.waitForMessage('Accepted publickey for bob');
    expect(ev).toMatchObject({
      listener: 'syslog-tls',
      kind: 'syslog',
      peer: `127.0.0.1:${c.localPort}`,
      peer_cert: 'web1',
      host: 'web1',
      app: 'sshd',
    });
    expect(c.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    expect(source.stats()).toMatchObject({ received: 1, connections: 1, handshakeFailures: 0 });
    expect(source.type).toBe('tls');
  });

  it.each([
    ['no client certificate', undefined, 'peer did not return a certificate'],
    ['a certificate from a CA relay does not trust', 'rogue', 'client certificate not trusted'],
    ['a certificate outside allowed_peers', 'outsider', 'is not in allowed_peers'],
  ])('refuses a client with %s, counts and says why, and takes nothing from it', async (_what, kind, reason) => {
    const logged = captureLog('warn');
    const { source, events, port } = await listen({ allowed_peers: ['web1'] }, logged.log);
    const pair = kind === 'rogue' ? certs.rogue('web1') : kind === 'outsider' ? certs.client('outsider') : undefined;
    // TLS 1.3 lets the client finish its side first; what it writes then must still never become an event.
    const c = await tlsClient(port, pair).catch(() => undefined);
    c?.on('error', () => undefined);
    c?.write(frame('<13>1 - forged app - - - from a refused client'));
    if (c) await closed(c);
    await until(() => source.stats().handshakeFailures === 1);
    const good = await tlsClient(port, certs.client('web1'));
    good.write(frame('<13>1 - web1 app - - - after'));
    await events.waitForMessage('after');
    expect(events.events.map((e) => e.message)).toEqual(['after']);
    expect(source.stats()).toMatchObject({ handshakeFailures: 1, received: 1 });
    expect(logged.at('warn')).toEqual([
      expect.objectContaining({ code: ErrorCodes.TLS_HANDSHAKE, reason: expect.stringContaining(reason) }),
    ]);
  });

  it('refuses plain TCP on the TLS port cleanly: counted as not TLS, the listener goes on', async () => {
    const logged = captureLog('warn');
    const { source, events, port } = await listen({}, logged.log);
    const plain = await connect({ host: '127.0.0.1', port });
    sockets.push(plain);
    plain.on('error', () => undefined);
    plain.write('<13>1 - h app - - - plain text\n');
    await closed(plain);
    await until(() => source.stats().handshakeFailures === 1);
    const good = await tlsClient(port, certs.client('web1'));
    good.write(frame('<13>1 - web1 app - - - over tls'));
    await events.waitForMessage('over tls');
    expect(events.events).toHaveLength(1);
    expect(logged.at('warn')[0]).toMatchObject({ reason: expect.stringMatching(/^not TLS/) });
  });

  it('with client_auth optional takes a client without a certificate, with no peer_cert', async () => {
    const { events, port } = await listen({ client_auth: 'optional' });
    const c = await tlsClient(port);
    c.write(frame('<13>1 - h app - - - anonymous'));
    const ev = await events.waitForMessage('anonymous');
    expect(ev.peer_cert).toBeUndefined();
  });

  it('closes a connection whose handshake began and did not complete within frame_timeout, counting it', async () => {
    const clock = new ManualClock(0);
    const { source, port } = await listen({ frame_timeout: '5s' }, silentLogger, clock);
    const stalled = await connect({ host: '127.0.0.1', port });
    sockets.push(stalled);
    // A real client's hello, and then nothing: relay's answer shows the handshake has begun.
    const answered = new Promise((resolve) => stalled.once('data', resolve));
    stalled.write(await clientHello());
    await answered;
    clock.advance(5000);
    await closed(stalled);
    await until(() => source.stats().handshakeFailures === 1);
    expect(source.stats()).toMatchObject({ frameTimeouts: 0, connections: 0 });
  });

  it('keeps a connection that has not begun TLS until idle_timeout (syslog-ng connects before its first message), without calling it a failed handshake', async () => {
    const clock = new ManualClock(0);
    const { source, port } = await listen({ frame_timeout: '5s', idle_timeout: '60s' }, silentLogger, clock);
    const early = await connect({ host: '127.0.0.1', port });
    sockets.push(early);
    await until(() => source.stats().connections === 1);
    clock.advance(59_000);
    expect(early.closed).toBe(false);
    clock.advance(1_000);
    await closed(early);
    await until(() => source.stats().connections === 0);
    expect(source.stats()).toMatchObject({ handshakeFailures: 0, frameTimeouts: 0, idleTimeouts: 1 });
  });

  it('refuses at accept a connection from an address outside allow', async () => {
    const { source, port } = await listen({ allow: ['127.0.0.1/32'] });
    const outside = await connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    sockets.push(outside);
    await closed(outside);
    expect(source.stats()).toMatchObject({ rejectedNotAllowed: 1, rejectedConnections: 1, handshakeFailures: 0 });
  });

  it('reload() re-reads cert and key for new connections; files that do not load leave the old ones in use', async () => {
    const dir = certs.dir;
    const cert = join(dir, 'live.crt');
    const key = join(dir, 'live.key');
    copyFileSync(certs.server.cert, cert);
    copyFileSync(certs.server.key, key);
    const { source, port } = await listen({ cert, key });
    const serial = async () => (await tlsClient(port, certs.client('web1'))).getPeerCertificate().serialNumber;
    const before = await serial();
    const next = certs.renewServer();
    copyFileSync(next.cert, cert);
    copyFileSync(next.key, key);
    source.reload();
    const after = await serial();
    expect(after).not.toBe(before);
    writeFileSync(key, 'not a key');
    expect(() => source.reload()).toThrow(expect.objectContaining({ code: ErrorCodes.TLS_FILES }));
    expect(await serial()).toBe(after);
  });

  it('ends an idle session cleanly: close_notify, then FIN, and the client sees no reset', async () => {
    const clock = new ManualClock(0);
    const { source, events, port } = await listen({ idle_timeout: '1m' }, silentLogger, clock);
    const wire = await tappedConnection(port);
    const c = tls.connect({ socket: wire.stream, ca: readFileSync(certs.ca), maxVersion: 'TLSv1.2', ...keyPair(certs.client('web1')) });
    const errors: Error[] = [];
    c.on('error', (err) => errors.push(err));
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    c.write(frame('<13>1 - h app - - - before idling'));
    await events.waitForMessage('before idling');
    clock.advance(60_000);
    await ended;
    await closed(wire.raw);
    await until(() => source.stats().connections === 0);
    expect(source.stats().idleTimeouts).toBe(1);
    expect([...errors, ...wire.errors]).toEqual([]);
    // TLS 1.2 leaves record types in clear: the server's last record is an alert (close_notify), not nothing.
    expect(wire.recordTypes().at(-1)).toBe(TLS_ALERT);
  });

  it('reconfigure() takes new TLS settings for new sessions on the same socket; files that do not load keep the old', async () => {
    const { source, port } = await listen({ allowed_peers: ['web1'] });
    const config = (extra: Record<string, unknown>) =>
      TlsListener.parse({
        name: 'syslog-tls',
        type: 'tls',
        address: '127.0.0.1:0',
        cert: certs.server.cert,
        key: certs.server.key,
        ca: certs.ca,
        ...extra,
      });
    const missing = config({ allowed_peers: ['web2'], cert: join(certs.dir, 'missing.crt') });
    await expect(source.reconfigure(missing)).rejects.toMatchObject({ code: ErrorCodes.TLS_FILES });
    const web1 = await tlsClient(port, certs.client('web1'));
    web1.write(frame('<13>1 - h app - - - still allowed'));
    await until(() => source.stats().received === 1);
    expect(await source.reconfigure(config({ allowed_peers: ['web2'] }))).toBe(true);
    expect(source.address()).toBe(`127.0.0.1:${port}`);
    const refused = await tlsClient(port, certs.client('web1'));
    await closed(refused);
    await until(() => source.stats().handshakeFailures === 1);
    // The session opened under the old settings goes on.
    web1.write(frame('<13>1 - h app - - - old session'));
    await until(() => source.stats().received === 2);
    // Another address or type needs a new socket: nothing changes here.
    expect(await source.reconfigure(config({ address: '127.0.0.1:1' }))).toBe(false);
    expect(await source.reconfigure(TcpListener.parse({ name: 'syslog-tls', type: 'tcp', address: '127.0.0.1:0' }))).toBe(false);
    expect(source.address()).toBe(`127.0.0.1:${port}`);
  });
});

const TLS_ALERT = 21;

function keyPair(pair: CertPair): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(pair.cert), key: readFileSync(pair.key) };
}

/** A TCP connection whose bytes from the server are seen before TLS reads them, handed to tls.connect as a stream. */
async function tappedConnection(port: number) {
  const raw = await connect({ host: '127.0.0.1', port });
  sockets.push(raw);
  const errors: Error[] = [];
  let seen = Buffer.alloc(0);
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      raw.write(chunk, done);
    },
    final(done) {
      raw.end(done);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    stream.push(chunk);
  });
  raw.on('end', () => stream.push(null));
  raw.on('error', (err) => {
    errors.push(err);
    stream.destroy(err);
  });
  /** The content type of each TLS record the server sent. */
  const recordTypes = () => {
    const types: number[] = [];
    for (let at = 0; at + 5 <= seen.length; at += 5 + seen.readUInt16BE(at + 3)) types.push(seen[at]!);
    return types;
  };
  return { raw, stream, errors, recordTypes };
}

/** The first flight of a real TLS client (its ClientHello), caught by a plain TCP server. */
async function clientHello(): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const hello = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', resolve)));
    const client = tls.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, rejectUnauthorized: false });
    client.on('error', () => undefined);
    const first = await hello;
    client.destroy();
    return first;
  } finally {
    server.close();
  }
}
