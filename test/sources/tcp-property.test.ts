// Property test on a real TCP listener: whatever bytes one connection sends, cut however, the listener
// neither throws nor stalls, and every valid frame sent meanwhile on other connections is delivered.
import fc from 'fast-check';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpListener } from '../../src/config/listener-schema.ts';
import { silentLogger } from '../../src/log.ts';
import { TcpSource } from '../../src/sources/tcp.ts';
import { connect } from '../helpers/net.ts';
import { EventCollector, closed, hostPort, until } from './loopback.ts';

describe('TcpSource under arbitrary bytes', () => {
  const events = new EventCollector();
  const source = new TcpSource(
    TcpListener.parse({ name: 'prop', type: 'tcp', address: '127.0.0.1:0', max_message_size: 256 }),
    events.sink,
    silentLogger,
  );
  beforeAll(() => source.start());
  afterAll(() => source.stop());

  const write = (s: Socket, b: Uint8Array) => new Promise<void>((r) => s.write(b, () => r()));

  it('delivers every valid frame interleaved with garbage on other connections', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        async (garbage, valid, octetCounted) => {
          const tag = `run-${++run}`;
          const target = hostPort(source.address());
          const [bad, good] = await Promise.all([connect(target), connect(target)]);
          bad.on('error', () => {});
          const sent: string[] = [];
          for (let i = 0; i < Math.max(garbage.length, valid); i++) {
            if (i < garbage.length) await write(bad, garbage[i]!);
            if (i < valid) {
              const m = `<13>1 - h app - - - ${tag} valid ${i}`;
              sent.push(`${tag} valid ${i}`);
              await write(good, Buffer.from(octetCounted ? `${Buffer.byteLength(m)} ${m}` : `${m}\n`));
            }
          }
          await Promise.all(sent.map((m) => events.waitForMessage(m)));
          bad.destroy();
          good.end();
          await Promise.all([closed(bad), closed(good)]);
          expect(events.events.filter((e) => e.message.startsWith(`${tag} valid`)).length).toBe(valid);
        },
      ),
      { numRuns: 40 },
    );
    await until(() => source.stats().connections === 0);
  });
});
