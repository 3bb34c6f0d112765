import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { TcpListener } from '../../src/config/listener-schema.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { TcpSource } from '../../src/sources/tcp.ts';
import { EventCollector, closed, randomLine, hostPort, until } from './loopback.ts';
import { connect } from '../helpers/net.ts';
import { captureLog } from '../helpers/capture-log.ts';

let source: TcpSource | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await source?.stop();
  source = undefined;
});

async function listen(overrides: Record<string, unknown> = {}, log: Logger = silentLogger, clock?: ManualClock) {
  const config = TcpListener.parse({ name: 'syslog-tcp', type: 'tcp', address: '127.0.0.1:0', max_message_size: 1024, ...overrides });
  const events = new EventCollector();
  source = new TcpSource(config, events.sink, log, { clock });
  await source.start();
  return {
    source,
    events,
    open: async (localAddress?: string) => {
      const s = await connect({ ...hostPort(source!.address()), localAddress });
      sockets.push(s);
      return s;
    },
  };
}

describe('TcpSource', () => {
  it('turns octet-counted and newline frames into events carrying the peer ip:port', async () => {
    const { source, events, open } = await listen();
    expect(source.address()).toMatch(/^127\.0\.0\.1:\d+$/);
    const c = await open();
    const counted = '<38>1 2026-11-23T10:00:00Z web1 sshd 42 - - Accepted publickey for bob';
    c.write(`${Buffer.byteLength(counted)} ${counted}<85>Nov 23 10:01:02 web1 sudo: alice : COMMAND=/usr/bin/id\r\n`);
    const [a, b] = await Promise.all([
      events.waitForMessage('Accepted publickey for bob'),
      events.waitForMessage('alice : COMMAND=/usr/bin/id'),
    ]);
    expect(a).toMatchObject({
      listener: 'syslog-tcp',
      kind: 'syslog',
      peer: `127.0.0.1:${c.localPort}`,
      host: 'web1',
      app: 'sshd',
      procid: '42',
      severity: 6,
    });
    expect(b).toMatchObject({ peer: `127.0.0.1:${c.localPort}`, app: 'sudo', facility: 'authpriv' });
    expect(source.stats()).toMatchObject({ received: 2, connections: 1 });
  });

  it('keeps a garbage-sending connection from disturbing a concurrent good one, and resynchronises it', async () => {
    const { source, events, open } = await listen();
    const good = await open();
    const bad = await open();
    good.write('<13>1 - h app - - - good 1\n');
    bad.write(randomLine(300));
    bad.write('\n');
    bad.write(Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a])); // invalid UTF-8 line
    good.write('<13>1 - h app - - - good 2\n');
    bad.write('99999999999999 absurd count\n');
    bad.write('12x bad count\n');
    bad.write(Buffer.alloc(10 * 1024 * 1024, 'A')); // a 10 MB line
    bad.write('\n');
    bad.write('{"not":"syslog"}\n');
    good.write('<13>1 - h app - - - good 3\n');
    bad.write('<13>1 - h app - - - bad recovered\n');
    await Promise.all(['good 1', 'good 2', 'good 3', 'bad recovered'].map((m) => events.waitForMessage(m)));
    expect(events.events.filter((e) => e.message.startsWith('good')).map((e) => e.peer)).toEqual(
      Array(3).fill(`127.0.0.1:${good.localPort}`),
    );
    expect(source.stats()).toMatchObject({ badFrames: 2, oversize: 1, connections: 2 });
    expect(source.stats().parseErrors).toBeGreaterThanOrEqual(2);
  });

  it('refuses at accept a connection from an address outside allow, and serves the ones inside', async () => {
    const { source, events, open } = await listen({ allow: ['127.0.0.1/32'] });
    const outside = await open('127.0.0.2');
    await closed(outside);
    const inside = await open();
    inside.write('<13>1 - h app - - - inside\n');
    await events.waitForMessage('inside');
    expect(source.stats()).toMatchObject({ rejectedNotAllowed: 1, rejectedConnections: 1, connections: 1, received: 1 });
  });

  it('closes connections beyond max_connections at once and counts them', async () => {
    const { source, events, open } = await listen({ max_connections: 2 });
    const [a, b] = [await open(), await open()];
    a.write('<13>1 - h app - - - from a\n');
    b.write('<13>1 - h app - - - from b\n');
    await Promise.all([events.waitForMessage('from a'), events.waitForMessage('from b')]);
    const extra = await open();
    await closed(extra);
    expect(source.stats()).toMatchObject({ rejectedConnections: 1, rejectedMaxConnections: 1, rejectedPerPeer: 0, connections: 2 });

    a.destroy();
    await until(() => source.stats().connections === 1);
    const c = await open();
    c.write('<13>1 - h app - - - from c\n');
    await events.waitForMessage('from c');
    expect(source.stats().rejectedConnections).toBe(1);
  });

  it('closes a connection that stays idle longer than idle_timeout', async () => {
    // idle_timeout runs on real time: long enough that the steps before the idling hold on a loaded machine.
    const { source, events, open } = await listen({ idle_timeout: '1s' });
    const c = await open();
    c.write('<13>1 - h app - - - before idling\n');
    await events.waitForMessage('before idling');
    await closed(c);
    await until(() => source.stats().connections === 0);
  });

  it('warns about bad frames with listener and peer, at most about once a second', async () => {
    const { log, lines } = captureLog('warn');
    const { source, events, open } = await listen({}, log);
    const c = await open();
    c.write('1x\n'.repeat(200) + '<13>1 - h app - - - after flood\n');
    await events.waitForMessage('after flood');
    expect(source.stats().badFrames).toBe(200);
    const warns = lines.filter((l) => l.code === ErrorCodes.FRAME_BAD_COUNT);
    expect(warns.length).toBeGreaterThanOrEqual(1);
    expect(warns.length).toBeLessThan(5);
    expect(warns[0]).toMatchObject({ listener: 'syslog-tcp', peer: `127.0.0.1:${c.localPort}` });
  });

  it('stop() closes open connections and frees the port', async () => {
    const { source, open } = await listen();
    const c = await open();
    const bound = source.address();
    await until(() => source.stats().connections === 1);
    await source.stop();
    await closed(c);
    await expect(connect(hostPort(bound))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails start() with RELAY_E_LISTEN when the port is taken', async () => {
    const { source: first } = await listen();
    const second = new TcpSource(TcpListener.parse({ name: 'dup', type: 'tcp', address: first.address() }), () => {}, silentLogger);
    await expect(second.start()).rejects.toMatchObject({ code: ErrorCodes.LISTEN });
  });

  it('caps connections per remote address and still serves another address', async () => {
    const { log, lines } = captureLog('warn');
    const { source, events, open } = await listen({ max_connections_per_peer: 2 }, log);
    const [a] = [await open(), await open()];
    await closed(await open());
    expect(source.stats()).toMatchObject({ rejectedPerPeer: 1, rejectedConnections: 1, rejectedMaxConnections: 0, connectionsAccepted: 2 });
    expect(lines.find((l) => l.code === ErrorCodes.CONNECTION_REFUSED)).toMatchObject({
      reason: 'per_peer',
      peer: expect.stringMatching(/^127\.0\.0\.1:/),
    });

    const other = await open('127.0.0.2');
    other.write('<13>1 - h app - - - from another peer\n');
    expect(await events.waitForMessage('from another peer')).toMatchObject({ peer: `127.0.0.2:${other.localPort}` });

    a!.destroy();
    await until(() => source.stats().connections === 2);
    (await open()).write('<13>1 - h app - - - slot freed\n');
    await events.waitForMessage('slot freed');
    expect(source.stats().rejectedPerPeer).toBe(1);
  });

  it('closes a connection whose frame does not complete within frame_timeout, and counts it', async () => {
    const clock = new ManualClock(1_000_000);
    const { log, lines } = captureLog('warn');
    const { source, events, open } = await listen({ frame_timeout: '30s' }, log, clock);
    const c = await open();
    const port = c.localPort;
    // One write: when the first frame is seen, the half frame after it has been read too.
    c.write('<13>1 - h app - - - complete\n<13>1 - h app - - - never finish');
    await events.waitForMessage('complete');
    clock.advance(29_999);
    expect(source.stats().frameTimeouts).toBe(0);
    clock.advance(1);
    expect(source.stats().frameTimeouts).toBe(1);
    await closed(c);
    expect(events.events.map((e) => e.message)).toEqual(['complete']);
    expect(lines.find((l) => l.code === ErrorCodes.FRAME_TIMEOUT)).toMatchObject({
      listener: 'syslog-tcp',
      peer: `127.0.0.1:${port}`,
      frame_timeout: 30_000,
      total: 1,
    });
  });

  it('never times out a sender whose frames complete, and closes it after idle_timeout without frames', async () => {
    const clock = new ManualClock(0);
    const { source, events, open } = await listen({ frame_timeout: '30s', idle_timeout: '5m' }, silentLogger, clock);
    const c = await open();
    for (let i = 0; i < 12; i++) {
      c.write(`<13>1 - h app - - - steady ${i}\n`);
      await events.waitForMessage(`steady ${i}`);
      clock.advance(25_000);
    }
    expect(source.stats()).toMatchObject({ frameTimeouts: 0, idleTimeouts: 0, connections: 1 });
    clock.advance(300_000 - 25_000 - 1);
    expect(source.stats().idleTimeouts).toBe(0);
    clock.advance(1);
    expect(source.stats()).toMatchObject({ idleTimeouts: 1, frameTimeouts: 0 });
    await closed(c);
  });

  it('times out an oversize frame being skipped like any other frame', async () => {
    const clock = new ManualClock(0);
    const { source, events, open } = await listen({ frame_timeout: '10s' }, silentLogger, clock);
    const c = await open();
    c.write('<13>1 - h app - - - before\n99999 ');
    await events.waitForMessage('before');
    clock.advance(10_000);
    expect(source.stats()).toMatchObject({ frameTimeouts: 1, oversize: 1 });
    await closed(c);
  });

  it('stop() ends connections cleanly and reads what their senders had already written', async () => {
    const { source, events, open } = await listen();
    const c = await open();
    const errors: Error[] = [];
    c.on('error', (err) => errors.push(err));
    let text = '';
    for (let i = 0; i < 20_000; i++) text += `<13>1 - h app - - - line ${i}\n`;
    c.write(text);
    await until(() => source.stats().received > 0);
    await source.stop();
    expect(source.stats()).toMatchObject({ received: 20_000, connections: 0, badFrames: 0 });
    expect(events.events.at(-1)?.message).toBe('line 19999');
    await closed(c);
    expect(errors).toEqual([]);
  });

  it('reconfigure() applies limits, timeouts and max_message_size to the running socket and its open connections', async () => {
    const clock = new ManualClock(0);
    const { source, events, open } = await listen({ idle_timeout: '5m', max_connections: 4 }, silentLogger, clock);
    const bound = source.address();
    const c = await open();
    c.write('<13>1 - h app - - - short\n');
    await events.waitForMessage('short');
    const config = TcpListener.parse({
      name: 'syslog-tcp',
      type: 'tcp',
      address: '127.0.0.1:0',
      max_message_size: 16,
      idle_timeout: '1m',
      max_connections: 1,
    });
    expect(await source.reconfigure(config)).toBe(true);
    expect(source.address()).toBe(bound);
    // max_message_size applies to the open connection; max_connections at the next accept.
    c.write('<13>1 - h app - - - now too long\n');
    await until(() => source.stats().oversize === 1);
    const extra = await open();
    await closed(extra);
    expect(source.stats()).toMatchObject({ rejectedMaxConnections: 1, connections: 1 });
    // The open connection's idle deadline is counted again with the new idle_timeout.
    clock.advance(60_000);
    await closed(c);
    expect(source.stats()).toMatchObject({ idleTimeouts: 1, received: 1 });
    expect(await source.reconfigure({ ...config, address: '127.0.0.1:1' })).toBe(false);
  });
});
