// What `npm run fuzz` prints at the end, and whether the run passed: frames and valid alerts per transport,
// the listeners' counters, relay's memory before and after, and every broken guarantee (exit code 1).
import type { Kind } from './fuzz-frames.ts';
import type { Memory } from './relay-memory.ts';

type Transport = 'tcp' | 'tls' | 'unix' | 'udp';

export interface FuzzRun {
  sent: Record<Transport, { frames: number; valid: number; halfFrames: number; kinds: Partial<Record<Kind, number>> }>;
  /** Valid message id → times it alerted. */
  received: ReadonlyMap<string, number>;
  /** The listeners' "listener totals" log lines. */
  totals: Record<string, number | string>[];
  warmFrames: number;
  validSent: number;
  sendSeconds: number;
  deliverSeconds: number;
  /** kB. */
  rss: { start: number; before: number; after: number; peak: number };
  memBefore: Memory;
  memAfter: Memory;
  alive: boolean;
  code: number | null;
  log: string;
}

export function report(r: FuzzRun): void {
  const { sent, received, totals, validSent, sendSeconds, deliverSeconds, alive, code, log, warmFrames } = r;
  const byTransport = (p: string) => [...received.keys()].filter((id) => id.startsWith(p)).length;
  const duplicates = [...received.values()].filter((n) => n > 1).length;
  const udpDrops = Number(totals.find((t) => t.listener === 'udp')?.kernelDrops ?? 0);
  const frames = sent.tcp.frames + sent.tls.frames + sent.unix.frames + sent.udp.frames;
  const tlsTotals = totals.find((t) => t.listener === 'tls');
  console.log(
    `frames sent: ${frames} (tcp ${sent.tcp.frames}, tls ${sent.tls.frames}, unix ${sent.unix.frames}, udp ${sent.udp.frames}; ${warmFrames} of them as warm-up, the rest in ${sendSeconds.toFixed(1)} s)`,
  );
  for (const t of ['tcp', 'tls', 'unix', 'udp'] as const)
    console.log(`  ${t}: half frames then close ${sent[t].halfFrames}; garbage by kind ${JSON.stringify(sent[t].kinds)}`);
  console.log(`valid sent: ${validSent} (tcp ${sent.tcp.valid}, tls ${sent.tls.valid}, unix ${sent.unix.valid}, udp ${sent.udp.valid})`);
  console.log(
    `valid alerts received: ${received.size} (tcp ${byTransport('t-')}, tls ${byTransport('s-')}, unix ${byTransport('u-')}, udp ${byTransport('d-')}), duplicates ${duplicates}, all in ${deliverSeconds.toFixed(1)} s`,
  );
  console.log(
    `udp kernel drops (relay's counter): ${udpDrops}; tls handshake failures (plain TCP on the TLS port): ${tlsTotals?.handshakeFailures ?? 'unknown'}`,
  );
  for (const t of totals) {
    const { level: _l, time: _t, pid: _p, hostname: _h, msg: _m, ...counters } = t;
    console.log(`listener totals: ${JSON.stringify(counters)}`);
  }
  const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
  const growth = (r.rss.after - r.rss.before) / r.rss.before;
  console.log(
    `relay RSS: at start ${mb(r.rss.start)}, before (after warm-up and a full GC) ${mb(r.rss.before)}, after ${mb(r.rss.after)} (${(growth * 100).toFixed(1)} %), peak ${mb(r.rss.peak)}`,
  );
  const memLine = (m: Memory) => `heap ${mb(m.heapUsed / 1024)}, external ${mb(m.external / 1024)} (buffers ${mb(m.arrayBuffers / 1024)})`;
  console.log(`relay memory after a full GC: before ${memLine(r.memBefore)}; after ${memLine(r.memAfter)}`);
  console.log(`relay: ${alive ? 'alive through the run' : 'DIED during the run'}, exit code after SIGTERM ${code}`);

  const problems = [
    !alive && 'relay died',
    code !== 0 && `relay exited ${code}: ${log.slice(-2000)}`,
    byTransport('t-') !== sent.tcp.valid && `tcp: ${byTransport('t-')} valid alerts for ${sent.tcp.valid} sent`,
    byTransport('s-') !== sent.tls.valid && `tls: ${byTransport('s-')} valid alerts for ${sent.tls.valid} sent`,
    !(Number(tlsTotals?.handshakeFailures) > 0) && 'tls: plain TCP on the TLS port was not counted as a handshake failure',
    byTransport('u-') !== sent.unix.valid && `unix: ${byTransport('u-')} valid alerts for ${sent.unix.valid} sent`,
    // A datagram the kernel dropped never reached relay; every other one must alert.
    byTransport('d-') < sent.udp.valid - udpDrops &&
      `udp: ${byTransport('d-')} valid alerts for ${sent.udp.valid} sent and ${udpDrops} dropped by the kernel`,
    duplicates > 0 && `${duplicates} valid messages alerted more than once`,
    growth > 0.2 && `RSS did not come back within 20 % (${(growth * 100).toFixed(1)} %)`,
  ].filter(Boolean);
  if (problems.length) {
    console.log(`FAIL: ${problems.join('; ')}`);
    process.exitCode = 1;
  } else console.log('OK: no crash, every valid message alerted once, RSS back within 20 %');
}
