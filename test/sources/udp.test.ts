import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpListener } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/log.ts';
import { UdpSource } from '../../src/sources/udp.ts';
import { EventCollector, randomLine, hostPort } from './loopback.ts';

let source: UdpSource | undefined;
let client: dgram.Socket | undefined;

afterEach(async () => {
  client?.close();
  client = undefined;
  await source?.stop();
  source = undefined;
});

async function listen(address: string) {
  const events = new EventCollector();
  source = new UdpSource(UdpListener.parse({ name: 'syslog-udp', type: 'udp', address, max_message_size: 1024 }), events.sink, silentLogger);
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
    expect(ev).toMatchObject({ listener: 'syslog-udp', kind: 'syslog', host: 'web1', app: 'sudo', severity: 6, peer: `127.0.0.1:${client.address().port}` });
    expect(source.address()).toMatch(/^127\.0\.0\.1:\d+$/);
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
});
