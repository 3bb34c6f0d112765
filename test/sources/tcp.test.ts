import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpListener } from '../../src/config/schema.ts';
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

async function listen(overrides: Record<string, unknown> = {}, log: Logger = silentLogger) {
  const config = TcpListener.parse({ name: 'syslog-tcp', type: 'tcp', address: '127.0.0.1:0', max_message_size: 1024, ...overrides });
  const events = new EventCollector();
  source = new TcpSource(config, events.sink, log);
  await source.start();
  return { source, events, open: async () => {
    const s = await connect(hostPort(source!.address()));
    sockets.push(s);
    return s;
  } };
}

describe('TcpSource', () => {
  it('turns octet-counted and newline frames into events carrying the peer ip:port', async () => {
    const { source, events, open } = await listen();
    expect(source.address()).toMatch(/^127\.0\.0\.1:\d+$/);
    const c = await open();
    const counted = '<38>1 2026-11-23T10:00:00Z web1 sshd 42 - - Accepted publickey for bob';
    c.write(`${Buffer.byteLength(counted)} ${counted}<85>Nov 23 10:01:02 web1 sudo: alice : COMMAND=/usr/bin/id\r\n`);
    const [a, b] = await Promise.all([events.waitForMessage('Accepted publickey for bob'), events.waitForMessage('alice : COMMAND=/usr/bin/id')]);
    expect(a).toMatchObject({ listener: 'syslog-tcp', kind: 'syslog', peer: `127.0.0.1:${c.localPort}`, host: 'web1', app: 'sshd', procid: '42', severity: 6 });
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
    expect(events.events.filter((e) => e.message.startsWith('good')).map((e) => e.peer)).toEqual(Array(3).fill(`127.0.0.1:${good.localPort}`));
    expect(source.stats()).toMatchObject({ badFrames: 2, oversize: 1, connections: 2 });
    expect(source.stats().parseErrors).toBeGreaterThanOrEqual(2);
  });

  it('closes connections beyond max_connections at once and counts them', async () => {
    const { source, events, open } = await listen({ max_connections: 2 });
    const [a, b] = [await open(), await open()];
    a.write('<13>1 - h app - - - from a\n');
    b.write('<13>1 - h app - - - from b\n');
    await Promise.all([events.waitForMessage('from a'), events.waitForMessage('from b')]);
    const extra = await open();
    await closed(extra);
    expect(source.stats()).toMatchObject({ rejectedConnections: 1, connections: 2 });

    a.destroy();
    await until(() => source.stats().connections === 1);
    const c = await open();
    c.write('<13>1 - h app - - - from c\n');
    await events.waitForMessage('from c');
    expect(source.stats().rejectedConnections).toBe(1);
  });

  it('closes a connection that stays idle longer than idle_timeout', async () => {
    const { source, events, open } = await listen({ idle_timeout: '150ms' });
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
});
