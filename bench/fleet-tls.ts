// The fleet-scale TLS bench (issue 21): N hosts (10,000 by default), each holding a TLS session with a client
// certificate from its own loopback address and sending one message per 10 s, against relay (a tls listener
// on its defaults, every message alerted to a local sink) and then, on the same load in the same run,
// against syslog-ng as the TLS receiver (every message written to a file). For each: RSS and CPU under
// steady load, and after a restart the time until every host is reconnected and has had a message passed on.
// `npm run bench` runs it (`ONLY=fleet` alone; FLEET_HOSTS, FLEET_STEADY_S); on its own:
//   npx tsx bench/fleet-tls.ts --hosts 1000 --steady 20     # builds dist/ first
// Needs openssl and Debian's syslog-ng; raises its open-file limit with prlimit when it must.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDist } from '../test/helpers/relay-process.ts';
import { fleetCerts } from './fleet/fleet-certs.ts';
import { fleetRun, type FleetRun } from './fleet/fleet-run.ts';
import { relayReceiver } from './fleet/relay-receiver.ts';
import { raiseFdLimit } from './fleet/simulator-process.ts';
import { syslogNgReceiver } from './fleet/syslog-ng-receiver.ts';

/** Distinct client certificates at most; hosts share them in turn (fleet/fleet-certs.ts says why). */
const POOL = 1000;
const INTERVAL_MS = 10_000;
/** Descriptors a process needs besides one per host: its own files, the sink's and /metrics' sockets. */
const FD_SPARE = 4096;

export interface FleetResult {
  hosts: number;
  pool: number;
  steadyS: number;
  relay: FleetRun;
  peer: FleetRun;
}

export interface FleetRow {
  figure: string;
  peer: string;
  relay: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

export async function fleetTls(hosts: number, steadyS: number): Promise<FleetResult> {
  raiseFdLimit(hosts + FD_SPARE);
  const pool = Math.min(hosts, POOL);
  const certs = fleetCerts(pool);
  // Each receiver's state, config and output (syslog-ng's file grows by tens of MB at 10,000 hosts) go with its run.
  const run = async (receiver: typeof relayReceiver) => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-fleet-'));
    try {
      return await fleetRun(await receiver(certs, hosts, dir), certs, { hosts, steadyS, intervalMs: INTERVAL_MS, dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const relay = await run(relayReceiver);
    const peer = await run(syslogNgReceiver);
    return { hosts, pool, steadyS, relay, peer };
  } finally {
    rmSync(certs.dir, { recursive: true, force: true });
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const s = (x: number | undefined) => (x === undefined ? 'not all' : `${x.toFixed(1)} s`);
const ratio = (relay: number | undefined, peer: number | undefined) =>
  relay !== undefined && peer !== undefined && peer > 0 ? `${(relay / peer).toFixed(2)}×` : 'n/a';

/** The figures as rows of bench.ts's table: figure, peer (syslog-ng), relay, relay/peer, target, met. */
export function fleetRows({ hosts, pool, steadyS, relay, peer }: FleetResult): FleetRow[] {
  const n = hosts.toLocaleString('en');
  const both = (f: (r: FleetRun) => string) => ({ peer: f(peer), relay: f(relay) });
  const restartLoad = (r: FleetRun) => `${r.failedAttempts} failed attempts, ${r.listenOverflows} listen overflows`;
  const relayCounters = Object.entries(relay.counters)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    {
      figure: `fleet (peer: syslog-ng alone, as the TLS receiver): ${n} TLS hosts (client certificates, a pool of ${pool} shared in turn; one source address each), 1 msg per host per 10 s: steady RSS (median of 1 s samples over ${steadyS} s), peak`,
      ...both((r) => `${mb(r.steadyRssKb)} (peak ${mb(r.peakRssKb)})`),
      ratio: ratio(relay.steadyRssKb, peer.steadyRssKb),
      target: '—',
      met: undefined,
    },
    {
      figure:
        'fleet: CPU per minute of steady load (utime + stime; messages passed on per s: relay alerts at the sink, syslog-ng lines in its file)',
      ...both((r) => `${r.cpuSPerMin.toFixed(1)} s (${r.passedPerS.toFixed(0)}/s; simulator ${r.simulatorCpuSPerMin.toFixed(1)} s)`),
      ratio: ratio(relay.cpuSPerMin, peer.cpuSPerMin),
      target: '—',
      met: undefined,
    },
    {
      figure: `fleet: start, hosts connecting over ${(hosts / 1000).toFixed(1)} s: all ${n} connected and passed on (s from the first connect)`,
      ...both((r) => s(r.rampS)),
      ratio: ratio(relay.rampS, peer.rampS),
      target: `all ${n}`,
      met: relay.rampS !== undefined,
    },
    {
      figure: 'fleet: restart: SIGTERM → listening again (stop alone)',
      ...both((r) => `${s(r.downS)} (${s(r.stopS)})`),
      ratio: ratio(relay.downS, peer.downS),
      target: '—',
      met: undefined,
    },
    {
      figure: `fleet: restart → all ${n} reconnected (from listening again; time-reopen 1–2 s)`,
      ...both((r) => `${s(r.reconnectS)} (${restartLoad(r)})`),
      ratio: ratio(relay.reconnectS, peer.reconnectS),
      target: `all ${n}`,
      met: relay.reconnectS !== undefined,
    },
    {
      figure: `fleet: restart → every host has had a message passed on (from listening again; relay: alerted; hosts send every 10 s)`,
      ...both(
        (r) =>
          `${s(r.passedS)} (${r.missing} missing; new process ${r.restartCpuS.toFixed(1)} CPU s, peak ${mb(r.restartPeakRssKb)}; simulator ${r.restartSimulatorCpuS.toFixed(1)} CPU s)`,
      ),
      ratio: ratio(relay.passedS, peer.passedS),
      target: `all ${n}, 0 missing`,
      met: relay.missing === 0,
    },
    {
      figure: "fleet: relay's listener counters at the end (the restarted process)",
      peer: 'n/a',
      relay: relayCounters,
      ratio: 'n/a',
      target: '0 failures, 0 refused',
      met: relay.counters.handshakeFailures === 0 && relay.counters.refused === 0,
    },
  ];
}

export function printRows(rows: FleetRow[]): void {
  console.log('| figure | peer (syslog-ng) | relay | relay/peer | target | |\n| --- | --- | --- | --- | --- | --- |');
  const ok = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : '**not met**');
  for (const r of rows) console.log(`| ${[r.figure, r.peer, r.relay, r.ratio, r.target, ok(r.met)].join(' | ')} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { hosts: { type: 'string', default: '10000' }, steady: { type: 'string', default: '60' } } });
  buildDist();
  const result = await fleetTls(Number(values.hosts), Number(values.steady));
  console.log(
    `\nfleet-tls, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}\n`,
  );
  printRows(fleetRows(result));
  console.log(`\n${JSON.stringify(result)}`);
}
