// The abuse case end to end on real loopback sockets: one peer (127.0.0.1) holds 2,000 idle
// connections and trickles a frame a byte at a time against `max_connections: 256`; a second peer
// (127.0.0.2) must still get all of its 100 messages through the pipeline to a notifier.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import type { Source } from '../../src/sources/source.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { connect } from '../helpers/net.ts';
import { closed, hostPort, until } from './loopback.ts';

const IDLE = 2000;
const PER_PEER = 32;
const MESSAGES = 100;
/** Client and server ends of every connection, plus headroom for the rest of the worker. */
const FDS_NEEDED = 2 * IDLE + 500;

const openFiles = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
const fitsFdLimit = Number.isNaN(openFiles) || openFiles >= FDS_NEEDED;

describe.runIf(fitsFdLimit || process.env.CI === 'true')(
  `connection abuse from one peer (needs ulimit -n >= ${FDS_NEEDED}, have ${openFiles})`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-abuse-'));
    const sink = new HttpSink();
    const clients: Socket[] = [];
    const { log, lines } = captureLog('info');
    let app: App;
    let stopped = false;
    let tcp: Source;

    beforeAll(async () => {
      await sink.start();
      const config = parseConfig(
        `
listeners:
  - { name: tcp, type: tcp, address: "127.0.0.1:0", max_connections: 256, max_connections_per_peer: ${PER_PEER}, frame_timeout: 5s }
notifiers:
  sink: ${sink.url()}
rules:
  - { name: legit, match: { message: "/^legit \\\\d+$/" }, notify: [sink], title: "{{message}}" }
state_dir: ${join(dir, 'state')}
`,
        'abuse.yaml',
      );
      app = new App(config, { log });
      await app.start();
      tcp = app.sources[0]!;
    });

    afterAll(async () => {
      for (const c of clients) c.destroy();
      if (!stopped) await app.stop();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses the flood per peer, closes the trickler at frame_timeout, and delivers every message of a second peer', {
      timeout: 60_000,
    }, async () => {
      if (!fitsFdLimit) throw new Error(`ulimit -n is ${openFiles}; this test needs ${FDS_NEEDED} open files`);
      expect(app.sources.length).toBe(1);
      const target = hostPort(tcp.address());

      // The trickler takes its slot first, then sends one byte at a time and never ends its frame.
      const trickler = await connect(target);
      clients.push(trickler);
      trickler.write('<13>1 - h app - - - trickle');
      const trickleStarted = Date.now();
      const trickle = setInterval(() => trickler.writable && trickler.write('.'), 50);
      const trickleClosed = closed(trickler);

      // 2,000 connections from the same address that never send, opened in batches the listen backlog takes.
      for (let i = 0; i < IDLE; i += 200) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(200, IDLE - i) }, () => connect(target).then((s) => (s.on('error', () => {}), s))),
        );
        clients.push(...batch);
      }
      await until(() => tcp.stats().connectionsAccepted + tcp.stats().rejectedConnections === IDLE + 1);
      // Had the trickler already timed out, its slot would have gone to one more idle connection.
      const s = tcp.stats();
      expect(s.connectionsAccepted).toBeGreaterThanOrEqual(PER_PEER);
      expect(s.connectionsAccepted).toBeLessThanOrEqual(PER_PEER + s.frameTimeouts);
      expect(s).toMatchObject({ rejectedPerPeer: IDLE + 1 - s.connectionsAccepted, rejectedMaxConnections: 0 });

      // The second peer is served while the flood holds its slots and the trickler trickles.
      const senders = await Promise.all(Array.from({ length: 4 }, () => connect({ ...target, localAddress: '127.0.0.2' })));
      clients.push(...senders);
      for (let i = 0; i < MESSAGES; i++) senders[i % senders.length]!.write(`<13>1 - web2 app - - - legit ${i}\n`);
      await sink.waitFor(MESSAGES);
      const titles = sink.json<{ title: string }>().map((a) => a.title);
      expect(new Set(titles)).toEqual(new Set(Array.from({ length: MESSAGES }, (_, i) => `legit ${i}`)));

      await trickleClosed;
      clearInterval(trickle);
      expect(Date.now() - trickleStarted).toBeGreaterThanOrEqual(4_900);
      expect(tcp.stats()).toMatchObject({ frameTimeouts: 1, received: MESSAGES });
      expect(sink.received.length).toBe(MESSAGES);

      // Refusals and the frame timeout were warned about while running, and the totals are said at stop.
      expect(lines.find((l) => l.code === 'RELAY_E_CONNECTION_REFUSED')).toMatchObject({ listener: 'tcp', reason: 'per_peer' });
      expect(lines.find((l) => l.code === 'RELAY_E_FRAME_TIMEOUT')).toMatchObject({ listener: 'tcp', total: 1 });
      const final = tcp.stats();
      stopped = true;
      await app.stop();
      expect(lines.find((l) => l.msg === 'listener totals')).toMatchObject({ listener: 'tcp', type: 'tcp', ...final, connections: 0 });
    });
  },
);
