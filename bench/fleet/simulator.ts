// The simulated fleet, a process of its own (bench/fleet/simulator-process.ts starts it): N hosts, each
// holding a TLS session with a client certificate to the receiver from its own loopback address (127.10.0.1
// on; Linux routes all of 127/8 to lo), as the per-peer cap keyed by remote address would see real hosts.
// Each host writes one RFC 5425 frame (an RFC 5424 message) per interval, the hosts' slots spread evenly
// over it. A host whose session ends tries again after a time-reopen of 1–2 s, as syslog-ng does, and keeps
// what it generated meanwhile (up to a disk buffer's worth) for the next session. Every message says which
// epoch its session was opened in; the parent starts a new epoch when it restarts the receiver, so a message
// of the new epoch can only have been taken by the restarted receiver.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { hostName, type SimulatorCommand, type SimulatorConfig, type SimulatorReport } from './simulator-process.ts';

const REPORT_MS = 250;
const TICK_MS = 20;
/** Messages a host keeps while it has no session (syslog-ng's disk buffer, much smaller). */
const BUFFER = 1000;

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as SimulatorConfig;
const { hosts, intervalMs, reopenMs } = config;
const ca = readFileSync(config.ca);
// One context per certificate of the pool: each handshake then signs with the host's key, none is resumed.
const contexts = config.clients.map(({ cert, key }) => tls.createSecureContext({ ca, cert: readFileSync(cert), key: readFileSync(key) }));

const sockets: (tls.TLSSocket | undefined)[] = new Array(hosts).fill(undefined);
const secure = new Uint8Array(hosts);
const sessionEpoch = new Int32Array(hosts);
const pending = new Uint16Array(hosts);
const seq = new Uint32Array(hosts);
let epoch = 0;
let current = 0;
let allCurrentAt: number | undefined;
let stopping = false;
const totals = { written: 0, dropped: 0, sessions: 0, ended: 0, failedAttempts: 0 };

/** 127.10.0.1 for host 0, then on: one address per host. */
function address(i: number): string {
  const n = i + 1;
  return `127.${10 + (n >>> 16)}.${(n >>> 8) & 255}.${n & 255}`;
}

function write(i: number): void {
  const msg = `<14>1 ${new Date().toISOString()} ${hostName(i)} fleet - - - seq=${seq[i]!++} epoch=${sessionEpoch[i]}`;
  sockets[i]!.write(`${msg.length} ${msg}`);
  totals.written++;
}

function connect(i: number): void {
  if (stopping) return;
  const tcp = net.connect({ host: '127.0.0.1', port: config.port, localAddress: address(i) });
  // `host` is what the server's certificate is checked against (its IP SAN).
  const socket = tls.connect({ socket: tcp, host: '127.0.0.1', secureContext: contexts[i % contexts.length] });
  sockets[i] = socket;
  socket.once('secureConnect', () => {
    secure[i] = 1;
    sessionEpoch[i] = epoch;
    totals.sessions++;
    if (++current === hosts) allCurrentAt ??= Date.now();
    for (; pending[i]! > 0; pending[i]!--) write(i);
  });
  // The close that follows says what matters; an error alone must not end the process.
  socket.on('error', () => undefined);
  socket.once('close', () => {
    sockets[i] = undefined;
    if (secure[i]) {
      totals.ended++;
      if (sessionEpoch[i] === epoch) current--;
    } else totals.failedAttempts++;
    secure[i] = 0;
    const [lo, hi] = reopenMs;
    setTimeout(() => connect(i), lo + Math.random() * (hi - lo));
  });
}

const started = Date.now();
let slots = 0;
/** The slots due since the start, host after host: each host's next message is due every intervalMs. */
function tick(): void {
  const due = Math.floor(((Date.now() - started) * hosts) / intervalMs);
  for (; slots < due; slots++) {
    const i = slots % hosts;
    if (secure[i]) write(i);
    else if (pending[i]! < BUFFER) pending[i]!++;
    else totals.dropped++;
  }
}

function report(): SimulatorReport {
  let open = 0;
  let waiting = 0;
  for (let i = 0; i < hosts; i++) {
    open += secure[i]!;
    waiting += pending[i]!;
  }
  const cpu = process.cpuUsage();
  return {
    at: Date.now(),
    epoch,
    secure: open,
    current,
    allCurrentAt,
    pending: waiting,
    ...totals,
    cpuS: (cpu.user + cpu.system) / 1e6,
    rssKb: process.memoryUsage.rss() / 1024,
  };
}

process.on('message', (m: SimulatorCommand) => {
  if ('epoch' in m) {
    // Sessions open now belong to the epoch that ends; the new one counts only sessions opened from now on.
    epoch = m.epoch;
    current = 0;
    allCurrentAt = undefined;
    return;
  }
  stopping = true;
  for (const s of sockets) s?.destroy();
  process.send?.(report(), () => process.exit(0));
});

for (let i = 0; i < hosts; i++) setTimeout(() => connect(i), (i * config.rampMs) / hosts);
setInterval(tick, TICK_MS);
setInterval(() => process.send?.(report()), REPORT_MS);
