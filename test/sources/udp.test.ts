import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { UdpListener } from '../../src/config/listener-schema.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { readUdpDrops } from '../../src/sources/udp-drops.ts';
import { KERNEL_DROPS_POLL_MS, UdpSource } from '../../src/sources/udp.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { EventCollector, randomLine, hostPort, until } from './loopback.ts';

let source: UdpSource | undefined;
let client: dgram.Socket | undefined;

afterEach(async () => {
  client?.close();
  client = undefined;
  await source?.stop();
  source = undefined;
});

async function listen(address: string, overrides: Record<string, unknown> = {}, log: Logger = silentLogger, clock?: ManualClock) {
  const events = new EventCollector();
  const config = UdpListener.parse({ name: 'syslog-udp', type: 'udp', address, max_message_size: 1024, ...overrides });
  source = new UdpSource(config, events.sink, log, { clock });
  await source.start();
  const target = hostPort(source.address());
  client = dgram.createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  const c = client;
  const send = (msg: string | Buffer) =>
    new Promise<void>((resolve, reject) => c.send(msg, target.port, target.host, (err) => (err ? reject(err) : resolve())));
  return { source, events, send, client: c };
}

describe('UdpSource', () => {
  it('turns each datagram into one event with the sender ip:port', async () => {
    const { source, events, send, client } = await listen('127.0.0.1:0');
    await send('<86>Nov 23 10:01:02 web1 sudo: alice : COMMAND=/usr/bin/id\n');
    const ev = await events.waitForMessage('alice : COMMAND=/usr/bin/id');
    expect(ev).toMatchObject({
      listener: 'syslog-udp',
      kind: 'syslog',
      host: 'web1',
      app: 'sudo',
      severity: 6,
      peer: `127.0.0.1:${client.address().port}`,
    });
    expect(source.address()).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('drops and counts datagrams from an address outside allow, and takes the ones inside', async () => {
    const logged = captureLog('warn');
    const { source, events, send } = await listen('127.0.0.1:0', { allow: ['127.0.0.1/32'] }, logged.log);
    const outsider = dgram.createSocket('udp4');
    await new Promise<void>((r) => outsider.bind(0, '127.0.0.2', () => r()));
    const port = hostPort(source.address()).port;
    for (let i = 0; i < 3; i++)
      await new Promise<void>((r) => outsider.send(`<13>1 - h app - - - outsider ${i}`, port, '127.0.0.1', () => r()));
    outsider.close();
    await until(() => source.stats().droppedNotAllowed === 3);
    await send('<13>1 - h app - - - insider');
    await events.waitForMessage('insider');
    expect(events.events.map((e) => e.message)).toEqual(['insider']);
    expect(source.stats()).toMatchObject({ received: 1, droppedNotAllowed: 3 });
    expect(logged.at('warn')).toEqual([
      expect.objectContaining({ code: ErrorCodes.CONNECTION_REFUSED, peer: expect.stringMatching(/^127\.0\.0\.2:/) }),
    ]);
  });

  it('listens on IPv6 when the address is IPv6', async (ctx) => {
    let l: Awaited<ReturnType<typeof listen>>;
    try {
      l = await listen('[::1]:0');
    } catch {
      return ctx.skip(); // no IPv6 loopback on this machine
    }
    await l.send('<13>1 - h app - - - over IPv6');
    const ev = await l.events.waitForMessage('over IPv6');
    expect(ev.peer).toMatch(/^\[::1\]:\d+$/);
    expect(l.source.address()).toMatch(/^\[::1\]:\d+$/);
    // Its row in /proc/net/udp6 is found: the drop counter is readable for IPv6 sockets too.
    expect(await readUdpDrops('::1', hostPort(l.source.address()).port)).toBe(0);
  });

  it('survives garbage datagrams and still delivers the next valid one', async () => {
    const { source, events, send } = await listen('127.0.0.1:0');
    await send(randomLine(500));
    await send(Buffer.from([0xc3, 0x28, 0xff, 0xfe]));
    await send(Buffer.alloc(60_000, 'A')); // over max_message_size
    await send('[1,2,3]\n');
    await send(Buffer.alloc(0));
    await send('<13>1 - h app - - - still listening');
    await events.waitForMessage('still listening');
    expect(source.stats().oversize).toBe(1);
    expect(source.stats().parseErrors).toBe(4);
    expect(source.stats().received).toBe(5);
  });

  it('applies receive_buffer and says what the kernel made of it', async () => {
    const { log, lines } = captureLog('info');
    await listen('127.0.0.1:0', { receive_buffer: 65_536 }, log);
    // Linux doubles the request for its own bookkeeping.
    expect(lines.find((l) => l.msg === 'UDP receive buffer')).toMatchObject({ receive_buffer: 131_072, requested: 65_536 });
  });

  it('reads the kernel drops of a flood that overran a tiny receive buffer, counts and reports them', async () => {
    const clock = new ManualClock(0);
    const { log, lines } = captureLog('warn');
    const { source, events, client } = await listen('127.0.0.1:0', { receive_buffer: 4096 }, log, clock);
    const target = hostPort(source.address());
    // Sent in one turn of the event loop: the listener cannot read while the datagrams pile up.
    const n = 2000;
    for (let i = 0; i < n; i++) client.send(`<13>1 - h app - - - flood ${i} ${'x'.repeat(900)}`, target.port, target.host);
    await events.waitFor((e) => e.message.startsWith('flood '));
    expect(source.stats().kernelDrops).toBe(0);
    clock.advance(KERNEL_DROPS_POLL_MS);
    await until(() => source.stats().kernelDrops > 0);
    const { kernelDrops, received } = source.stats();
    expect(kernelDrops + received).toBeLessThanOrEqual(n);
    expect(lines.find((l) => l.code === ErrorCodes.UDP_KERNEL_DROPS)).toMatchObject({
      listener: 'syslog-udp',
      dropped: kernelDrops,
      total: kernelDrops,
    });
  });

  it('reconfigure() applies allow, max_message_size and receive_buffer to the bound socket; declines another address', async () => {
    const { source, events, send } = await listen('127.0.0.1:0', { receive_buffer: 65_536 });
    const bound = source.address();
    const before = source.stats();
    const config = UdpListener.parse({
      name: 'syslog-udp',
      type: 'udp',
      address: '127.0.0.1:0',
      max_message_size: 32,
      receive_buffer: 131_072,
      allow: ['10.0.0.0/8'],
    });
    expect(await source.reconfigure(config)).toBe(true);
    expect(source.address()).toBe(bound);
    await send('<13>1 - h app - - - not allowed now');
    await until(() => source.stats().droppedNotAllowed === 1);
    expect(await source.reconfigure({ ...config, allow: undefined })).toBe(true);
    await send('<13>1 - h app - - - longer than 32 bytes');
    await until(() => source.stats().oversize === 1);
    await send('<13>1 - h app - - - ok');
    await events.waitForMessage('ok');
    expect(source.stats()).toMatchObject({ received: before.received + 1, droppedNotAllowed: 1, oversize: 1 });
    // The kernel default cannot be asked back of a bound socket, and another address needs another socket.
    expect(await source.reconfigure({ ...config, receive_buffer: undefined })).toBe(false);
    expect(await source.reconfigure({ ...config, address: '127.0.0.1:1' })).toBe(false);
  });
});
