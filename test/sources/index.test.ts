import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Listener } from '../../src/config/listener-schema.ts';
import { silentLogger } from '../../src/log.ts';
import { createSource } from '../../src/sources/index.ts';
import { closed, hostPort } from './loopback.ts';
import { connect } from '../helpers/net.ts';
import { makeCerts } from '../helpers/certs.ts';

describe('createSource', () => {
  it('builds the listener its config type names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-src-'));
    const configs = [
      { name: 'u', type: 'udp', address: '127.0.0.1:0' },
      { name: 't', type: 'tcp', address: '127.0.0.1:0' },
      { name: 'x', type: 'unix', address: join(dir, 'x.sock') },
    ].map((c) => Listener.parse(c));
    const sources = configs.map((c) => createSource(c, () => {}, silentLogger));
    expect(sources.map((s) => [s.name, s.type])).toEqual([
      ['u', 'udp'],
      ['t', 'tcp'],
      ['x', 'unix'],
    ]);
    await Promise.all(sources.map((s) => s.start()));
    expect(sources.map((s) => s.address())).toEqual([
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      join(dir, 'x.sock'),
    ]);
    await Promise.all(sources.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a tls listener as a tcp listener with TLS, exposing reload()', async () => {
    const certs = makeCerts();
    const source = createSource(
      Listener.parse({
        name: 's',
        type: 'tls',
        address: '127.0.0.1:0',
        cert: certs.server.cert,
        key: certs.server.key,
        client_auth: 'none',
      }),
      () => {},
      silentLogger,
    );
    expect([source.name, source.type]).toEqual(['s', 'tls']);
    await source.start();
    expect(source.address()).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(() => source.reload?.()).not.toThrow();
    await source.stop();
    await rm(certs.dir, { recursive: true, force: true });
  });

  it('hands acceptPeer to tcp listeners too', async () => {
    const tcp = createSource(Listener.parse({ name: 't', type: 'tcp', address: '127.0.0.1:0' }), () => {}, silentLogger, {
      acceptPeer: () => false,
    });
    await tcp.start();
    await closed(await connect(hostPort(tcp.address())));
    expect(tcp.stats().rejectedConnections).toBe(1);
    await tcp.stop();
  });
});
