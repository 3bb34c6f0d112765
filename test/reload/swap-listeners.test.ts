// swapListeners on real sockets: a new type on the same port and a new format on the same socket path are
// handed over (the old socket freed just before the new one binds, its connection read to its end), settings
// that do not load leave the old listener running, and a removed listener's sender sees a clean end.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Listener } from '../../src/config/listener-schema.ts';
import type { Config, ListenerConfig } from '../../src/config/schema.ts';
import { diffConfig } from '../../src/reload/config-diff.ts';
import { swapListeners } from '../../src/reload/swap-listeners.ts';
import { createSource } from '../../src/sources/index.ts';
import type { Source } from '../../src/sources/source.ts';
import type { RelayEvent } from '../../src/event.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { makeCerts } from '../helpers/certs.ts';
import { connect, freePort } from '../helpers/net.ts';
import { closed } from '../sources/loopback.ts';

const WAIT = { timeout: 10_000 };

describe('swapListeners', () => {
  let dir: string;
  let running: Source[] = [];
  const events: RelayEvent[] = [];
  const logged = captureLog('info');
  const make = (config: ListenerConfig) => createSource(config, (e) => events.push(e), logged.log, { acceptPeer: () => true });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-swap-'));
    events.length = 0;
  });
  afterEach(async () => {
    await Promise.all(running.map((s) => s.stop()));
    running = [];
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(configs: unknown[]): Promise<ListenerConfig[]> {
    const parsed = configs.map((c) => Listener.parse(c));
    running = parsed.map(make);
    for (const s of running) await s.start();
    return parsed;
  }

  async function swap(before: ListenerConfig[], after: unknown[]) {
    const next = after.map((c) => Listener.parse(c));
    const config = (listeners: ListenerConfig[]) => ({ listeners, rules: [], notifiers: {} }) as unknown as Config;
    const diff = diffConfig(config(before), config(next));
    const result = await swapListeners(running, next, diff.listeners, make, logged.log);
    running = result.sources;
    return result;
  }

  it('hands a tcp listener over to tls on the same port: the old connection is read to its end, counters go on', async () => {
    const port = await freePort();
    const before = await start([{ name: 'in', type: 'tcp', address: `127.0.0.1:${port}` }]);
    const old = running[0]!;
    const sender = await connect({ host: '127.0.0.1', port });
    sender.write('<13>1 - h app - - - before\n');
    await vi.waitFor(() => expect(old.stats().received).toBe(1), WAIT);
    const certs = makeCerts();
    try {
      const tls = {
        name: 'in',
        type: 'tls',
        address: `127.0.0.1:${port}`,
        cert: certs.server.cert,
        key: certs.server.key,
        client_auth: 'none',
      };
      const report = await swap(before, [tls]);
      expect(report).toMatchObject({ started: ['in'], stopped: ['in'], reconfigured: [], failed: [] });
      expect(running[0]!.type).toBe('tls');
      expect(running[0]!.address()).toBe(`127.0.0.1:${port}`);
      // Ended cleanly by relay: the sender's socket closes without an error.
      await closed(sender);
      expect(sender.errored).toBeNull();
      expect(running[0]!.stats()).toMatchObject({ received: 1, connectionsAccepted: 1, connections: 0 });
    } finally {
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it('hands a unix listener over to another format on the same path', async () => {
    const path = join(dir, 'in.sock');
    const before = await start([{ name: 'in', type: 'unix', address: path }]);
    const report = await swap(before, [{ name: 'in', type: 'unix', address: path, format: 'sudo' }]);
    expect(report).toMatchObject({ started: ['in'], stopped: ['in'], failed: [] });
    const sender = await connect({ path });
    sender.end('{"not":"a sudo event"}\n');
    await vi.waitFor(() => expect(running[0]!.stats().badFrames).toBe(1), WAIT);
  });

  it('keeps the old listener running when the new settings do not load or cannot bind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const certs = makeCerts();
    try {
      const { cert, key } = certs.server;
      const tls = { name: 'secure', type: 'tls', address: '127.0.0.1:0', cert, key, client_auth: 'none' };
      const before = await start([tls, { name: 'plain', type: 'tcp', address: '127.0.0.1:0' }]);
      const [secure, plain] = running;
      const taken = `127.0.0.1:${(blocker.address() as net.AddressInfo).port}`;
      const report = await swap(before, [
        { ...tls, cert: join(dir, 'missing.crt') },
        { name: 'plain', type: 'tcp', address: taken },
      ]);
      expect(report).toMatchObject({ failed: ['secure', 'plain'], started: [], stopped: [], reconfigured: [] });
      expect(running).toEqual([secure, plain]);
      expect(running.every((s) => s.address() !== taken)).toBe(true);
      const runOn = logged.lines.filter((l) => l.msg === 'reload: listener runs on with its old settings');
      expect(runOn.map((l) => l.listener)).toEqual(['secure', 'plain']);
    } finally {
      blocker.close();
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it('stops a removed listener cleanly: its sender sees the end, and what it wrote arrives', async () => {
    const before = await start([{ name: 'gone', type: 'tcp', address: '127.0.0.1:0' }]);
    const port = Number(running[0]!.address().split(':').pop());
    const sender = await connect({ host: '127.0.0.1', port });
    sender.write('<13>1 - h app - - - last words\n');
    await vi.waitFor(() => expect(events).toHaveLength(1), WAIT);
    const report = await swap(before, []);
    expect(report).toMatchObject({ stopped: ['gone'], sources: [] });
    await closed(sender);
    expect(sender.errored).toBeNull();
  });

  it('tries again a listener that could not bind at the last reload, and removes one without touching anything', async () => {
    const failed = [Listener.parse({ name: 'late', type: 'tcp', address: '127.0.0.1:0' })];
    running = [];
    const again = await swap(failed, [{ name: 'late', type: 'tcp', address: '127.0.0.1:0' }]);
    expect(again).toMatchObject({ started: ['late'], kept: [], failed: [] });
    running = [];
    await again.sources[0]!.stop();
    expect(await swap(failed, [])).toMatchObject({ stopped: [], sources: [] });
  });
});
