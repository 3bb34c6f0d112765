// A reload in the middle of a TCP (and a TLS) flood loses no line: settings that need no new socket (idle_timeout,
// max_connections) apply under the open connection, and a new address hands the listener over — the old
// socket's connections are ended cleanly and read to their end, the sender reconnects to the new one. Lines
// are counted exactly at the listener and in the pipeline; the counters go on across the handover.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { makeCerts } from '../helpers/certs.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { connect, freePort } from '../helpers/net.ts';

const LINES = 5_000;
const CHUNK = 50;
const WAIT = { timeout: 20_000 };
const line = (i: number) => `<13>1 2026-12-07T10:00:00Z web1 flood - - - line ${i}\n`;

describe('a reload under a TCP or TLS flood', () => {
  let dir: string;
  let sink: HttpSink;
  let app: App;
  const logged = captureLog('info');
  const config = (listener: string) =>
    parseConfig(
      `
listeners: [${listener}]
notifiers: { sink: "${sink.url()}" }
rules: [{ name: other, match: { app: other }, notify: [sink], title: "{{host}}" }]
delivery: { shutdown_grace: 1s }
state_dir: ${dir}
`,
      'test.yaml',
      {},
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-handover-'));
    sink = await new HttpSink().start();
  });
  afterEach(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const port = () => Number(app.sources[0]!.address().split(':').pop());
  const received = () => app.sources[0]!.stats().received;

  /**
   * Writes lines 0..LINES-1 in chunks; a chunk whose write fails (relay ended the connection) is sent again
   * on a new connection to wherever the listener is now. `reload` starts once half the lines are written,
   * the next quarter is written while it runs, and the last quarter once it is done.
   */
  async function flood(reload: () => Promise<unknown>, open = () => connect({ host: '127.0.0.1', port: port() })): Promise<number> {
    let socket: Socket | undefined;
    let connections = 0;
    let during: Promise<unknown> | undefined;
    for (let from = 0; from < LINES; ) {
      if (!socket || socket.writableEnded || socket.destroyed) {
        socket = await open();
        socket.on('error', () => undefined);
        connections++;
      }
      const s = socket;
      let text = '';
      for (let i = from; i < from + CHUNK; i++) text += line(i);
      const ok = await new Promise<boolean>((resolve) => s.write(text, (err) => resolve(!err)));
      if (!ok) {
        socket = undefined;
        continue;
      }
      from += CHUNK;
      if (from === LINES / 2) during = reload();
      if (from === (LINES * 3) / 4) await during;
    }
    await new Promise<void>((resolve) => socket!.end(resolve));
    await during;
    return connections;
  }

  it('applies a new idle_timeout and max_connections under the open connection: all 5,000 lines arrive', async () => {
    const tcp = (idle: string, max: number) =>
      `{ name: tcp, type: tcp, address: "127.0.0.1:0", idle_timeout: ${idle}, max_connections: ${max} }`;
    app = new App(config(tcp('5m', 8)), { log: logged.log });
    await app.start();
    const listener = app.sources[0]!;
    const connections = await flood(async () => {
      await vi.waitFor(() => expect(received()).toBeGreaterThan(0), WAIT);
      const report = await app.reload(config(tcp('10m', 4)));
      expect(report.listeners).toMatchObject({ reconfigured: ['tcp'], started: [], stopped: [], failed: [] });
    });
    await vi.waitFor(() => expect(received()).toBe(LINES), WAIT);
    await vi.waitFor(() => expect(app.pipelineStats().events).toBe(LINES), WAIT);
    expect(connections).toBe(1);
    expect(app.sources[0]).toBe(listener);
    expect(listener.stats()).toMatchObject({ received: LINES, connectionsAccepted: 1, badFrames: 0, idleTimeouts: 0 });
  });

  it('hands the listener over to a new address: the old connection read to its end, counters go on, 5,000 lines once', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const tcp = (p: number) => `{ name: tcp, type: tcp, address: "127.0.0.1:${p}" }`;
    app = new App(config(tcp(a)), { log: logged.log });
    await app.start();
    const connections = await flood(async () => {
      await vi.waitFor(() => expect(received()).toBeGreaterThan(0), WAIT);
      const report = await app.reload(config(tcp(b)));
      expect(report.listeners).toMatchObject({ started: ['tcp'], stopped: ['tcp'], reconfigured: [], failed: [] });
    });
    await vi.waitFor(() => expect(app.pipelineStats().events).toBe(LINES), WAIT);
    expect(connections).toBe(2);
    expect(app.sources[0]!.address()).toBe(`127.0.0.1:${b}`);
    expect(app.sources[0]!.stats()).toMatchObject({ received: LINES, connectionsAccepted: 2, badFrames: 0 });
  });

  it('over TLS, applies a new idle_timeout, max_connections and allowed_peers under the open session: all 5,000 lines arrive', async () => {
    const certs = makeCerts();
    try {
      const client = certs.client('web1');
      const tlsListener = (idle: string, max: number, peers: string) =>
        `{ name: tls, type: tls, address: "127.0.0.1:0", cert: ${certs.server.cert}, key: ${certs.server.key}, ca: ${certs.ca}, ` +
        `client_auth: required, allowed_peers: [${peers}], idle_timeout: ${idle}, max_connections: ${max} }`;
      app = new App(config(tlsListener('5m', 8, 'web1')), { log: logged.log });
      await app.start();
      const listener = app.sources[0]!;
      const open = () =>
        new Promise<Socket>((resolve, reject) => {
          const s = tls.connect(
            { host: '127.0.0.1', port: port(), ca: readFileSync(certs.ca), cert: readFileSync(client.cert), key: readFileSync(client.key) },
            () => resolve(s),
          );
          s.once('error', reject);
        });
      const connections = await flood(async () => {
        await vi.waitFor(() => expect(received()).toBeGreaterThan(0), WAIT);
        const report = await app.reload(config(tlsListener('10m', 4, 'web1, web2')));
        expect(report.listeners).toMatchObject({ reconfigured: ['tls'], started: [], stopped: [], failed: [] });
      }, open);
      await vi.waitFor(() => expect(received()).toBe(LINES), WAIT);
      await vi.waitFor(() => expect(app.pipelineStats().events).toBe(LINES), WAIT);
      expect(connections).toBe(1);
      expect(app.sources[0]).toBe(listener);
      expect(listener.stats()).toMatchObject({
        received: LINES,
        connectionsAccepted: 1,
        badFrames: 0,
        idleTimeouts: 0,
        handshakeFailures: 0,
      });
    } finally {
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });
});
