// A parser bug that throws on a frame must not stop a listener nor lose the frame: intake.ts catches it,
// keeps the frame as a raw event with a parseError, counts it and warns (rate-limited) with its peer.
import dgram from 'node:dgram';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpListener, UdpListener } from '../../src/config/listener-schema.ts';
import { ErrorCodes } from '../../src/errors.ts';
import type { Source } from '../../src/sources/source.ts';
import { syslogEvent, type FrameOrigin } from '../../src/sources/syslog-frame.ts';
import { TcpSource } from '../../src/sources/tcp.ts';
import { UdpSource } from '../../src/sources/udp.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { connect } from '../helpers/net.ts';
import { EventCollector, hostPort } from './loopback.ts';

/** syslogEvent, except that it throws on any frame containing `boom`, as a parser bug would. */
const buggy = (frame: Buffer, origin: FrameOrigin) => {
  if (frame.includes('boom')) throw new RangeError('Invalid time value');
  return syslogEvent(frame, origin);
};

let source: Source | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await source?.stop();
  source = undefined;
});

describe('a parser that throws', () => {
  it('over TCP: the frame becomes a raw event, counted and warned about once per interval, and the connection goes on', async () => {
    const { log, lines } = captureLog('warn');
    const events = new EventCollector();
    source = new TcpSource(TcpListener.parse({ name: 'syslog-tcp', type: 'tcp', address: '127.0.0.1:0' }), events.sink, log, {
      parse: buggy,
    });
    await source.start();
    const c: Socket = await connect(hostPort(source.address()));
    closers.push(() => c.destroy());
    c.write('<13>1 - h app - - - before\n<13>1 - h app - - - boom 1\n<13>1 - h app - - - boom 2\n<13>1 - h app - - - after\n');
    await events.waitForMessage('after');
    const boom = events.events.find((e) => e.raw === '<13>1 - h app - - - boom 1')!;
    expect(boom).toMatchObject({
      message: '<13>1 - h app - - - boom 1',
      host: '127.0.0.1',
      peer: `127.0.0.1:${c.localPort}`,
      listener: 'syslog-tcp',
    });
    expect(boom.parseError).toBe("relay's syslog parser failed on this frame: Invalid time value");
    expect(boom.fields.parse_error).toBe(boom.parseError);
    expect(events.events.map((e) => e.raw)).toEqual(['before', 'boom 1', 'boom 2', 'after'].map((m) => `<13>1 - h app - - - ${m}`));
    expect(source.stats()).toMatchObject({ received: 4, parseErrors: 2, connections: 1 });
    const warned = lines.filter((l) => l.code === ErrorCodes.FRAME_PARSER);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ peer: `127.0.0.1:${c.localPort}`, listener: 'syslog-tcp', total: 1 });
  });

  it('over UDP: the datagram becomes a raw event and the listener keeps reading', async () => {
    const { log, lines } = captureLog('warn');
    const events = new EventCollector();
    source = new UdpSource(UdpListener.parse({ name: 'syslog-udp', type: 'udp', address: '127.0.0.1:0' }), events.sink, log, {
      parse: buggy,
    });
    await source.start();
    const client = dgram.createSocket('udp4');
    closers.push(() => client.close());
    const { host, port } = hostPort(source.address());
    const send = (m: string) =>
      new Promise<void>((resolve, reject) => client.send(m, port, host, (err) => (err ? reject(err) : resolve())));
    await send('<13>1 - h app - - - boom');
    await events.waitForMessage('<13>1 - h app - - - boom');
    await send('<13>1 - h app - - - after');
    await events.waitForMessage('after');
    expect(events.events[0]).toMatchObject({
      raw: '<13>1 - h app - - - boom',
      parseError: expect.stringContaining('Invalid time value'),
      host: '127.0.0.1',
    });
    expect(source.stats()).toMatchObject({ received: 2, parseErrors: 1 });
    expect(lines.filter((l) => l.code === ErrorCodes.FRAME_PARSER)).toHaveLength(1);
  });
});
