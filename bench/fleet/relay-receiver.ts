// relay as the fleet's TLS receiver: the built relay (bin/relay.js on dist/, as installed) with one `type:
// tls` listener on its defaults (client_auth required, allowed_peers naming the pool of client
// certificates) and a rule that alerts every message to a json:// sink in this process, which tallies the
// alerts per host. Started and stopped as often as the run asks, on the same state_dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../e2e/relay-process.ts';
import type { FleetCerts } from './fleet-certs.ts';
import { HostTally } from './host-tally.ts';
import { terminate, type Receiver } from './receiver.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The listener's counters the run reports, as relay's /metrics names them. */
const COUNTERS = {
  handshakeFailures: 'relay_listener_tls_handshake_failures_total',
  refused: 'relay_listener_connections_rejected_total',
  frameTimeouts: 'relay_listener_frame_timeouts_total',
  connections: 'relay_listener_connections',
};

function startSink(tally: HostTally): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      tally.note((JSON.parse(body) as { title: string }).title);
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function relayReceiver(certs: FleetCerts, hosts: number, dir: string): Promise<Receiver> {
  const tally = new HostTally(hosts);
  const sink = await startSink(tally);
  const [port, http] = [await freePort(), await freePort()];
  const file = join(dir, 'relay.yaml');
  writeFileSync(
    file,
    `listeners:
  - name: fleet
    type: tls
    address: "127.0.0.1:${port}"
    cert: ${certs.server.cert}
    key: ${certs.server.key}
    ca: ${certs.ca}
    client_auth: required
    allowed_peers: [${certs.names.join(', ')}]
http: { address: "127.0.0.1:${http}" }
state_dir: ${dir}/state
log: { level: warn }
notifiers:
  sink: "json://127.0.0.1:${(sink.address() as AddressInfo).port}/fleet"
rules:
  - { name: every-message, match: { app: fleet }, notify: [sink], title: "{{host}} {{message}}" }
`,
  );
  const get = (path: string) => fetch(`http://127.0.0.1:${http}${path}`);
  let child: ChildProcess | undefined;
  let log = '';
  return {
    name: 'relay',
    port,
    tally,
    get pid() {
      return child!.pid!;
    },
    async start() {
      log = '';
      // RELAY_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles relay here as in the other scenarios.
      const flags = (process.env.RELAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
      const argv = [...flags, join(ROOT, 'bin/relay.js'), 'run', '--config', file];
      const c = (child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] }));
      c.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
      // /readyz answers 200 once every listener is bound (relay starts its HTTP endpoint after them).
      for (;;) {
        if (c.exitCode !== null) throw new Error(`relay exited (${c.exitCode}):\n${log}`);
        if ((await get('/readyz').catch(() => undefined))?.ok) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => terminate(child!),
    async counters() {
      const text = await (await get('/metrics')).text();
      const sum = (name: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
          .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      return Object.fromEntries(Object.entries(COUNTERS).map(([k, name]) => [k, sum(name)]));
    },
    log: () => log,
    close: () => new Promise((r) => sink.close(() => r())),
  };
}
