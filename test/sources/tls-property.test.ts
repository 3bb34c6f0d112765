// Property test on a real TLS listener: whatever bytes a peer sends, as plain TCP on the TLS port or inside
// a verified session, cut however, the listener neither throws nor stalls, every valid frame sent meanwhile
// over TLS on other connections is delivered, and nothing arrives from the plain-TCP garbage.
import fc from 'fast-check';
import { readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsListener } from '../../src/config/listener-schema.ts';
import { silentLogger } from '../../src/log.ts';
import { TlsSource } from '../../src/sources/tls.ts';
import { makeCerts, type TestCerts } from '../helpers/certs.ts';
import { connect } from '../helpers/net.ts';
import { EventCollector, closed, hostPort, until } from './loopback.ts';

describe('TlsSource under arbitrary bytes', () => {
  const events = new EventCollector();
  let certs: TestCerts;
  let source: TlsSource;
  let client: { cert: Buffer; key: Buffer; ca: Buffer };
  beforeAll(async () => {
    certs = makeCerts();
    const pair = certs.client('web1');
    client = { cert: readFileSync(pair.cert), key: readFileSync(pair.key), ca: readFileSync(certs.ca) };
    source = new TlsSource(
      TlsListener.parse({
        name: 'prop',
        type: 'tls',
        address: '127.0.0.1:0',
        max_message_size: 256,
        cert: certs.server.cert,
        key: certs.server.key,
        ca: certs.ca,
      }),
      events.sink,
      silentLogger,
    );
    await source.start();
  });
  afterAll(async () => {
    await source.stop();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  const write = (s: Socket, b: Uint8Array) => new Promise<void>((r) => s.write(b, () => r()));
  const session = (): Promise<tls.TLSSocket> =>
    new Promise((resolve, reject) => {
      const s = tls.connect({ ...hostPort(source.address()), ...client }, () => resolve(s));
      s.once('error', reject);
    });

  it('delivers every valid frame over TLS beside garbage in a session or as plain TCP', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 600 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        async (garbage, valid, inSession) => {
          const tag = `run-${++run}`;
          const [bad, good] = await Promise.all([inSession ? session() : connect(hostPort(source.address())), session()]);
          bad.on('error', () => {});
          const sent: string[] = [];
          for (let i = 0; i < Math.max(garbage.length, valid); i++) {
            if (i < garbage.length && !bad.destroyed) await write(bad, garbage[i]!);
            if (i < valid) {
              const m = `<13>1 - h app - - - ${tag} valid ${i}`;
              sent.push(`${tag} valid ${i}`);
              await write(good, Buffer.from(`${Buffer.byteLength(m)} ${m}`));
            }
          }
          await Promise.all(sent.map((m) => events.waitForMessage(m)));
          bad.destroy();
          good.end();
          await Promise.all([closed(bad), closed(good)]);
          const ofRun = events.events.filter((e) => e.message.includes(tag));
          expect(ofRun.filter((e) => e.message.startsWith(`${tag} valid`)).length).toBe(valid);
          expect(ofRun.every((e) => e.peer_cert === 'web1')).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
    await until(() => source.stats().connections === 0);
    expect(source.stats().received).toBeGreaterThanOrEqual(30);
  });
});
