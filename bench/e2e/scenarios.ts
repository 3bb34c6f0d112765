// The scenarios the seed scripts cannot count: ingest proved end to end by relay's own counters, idle
// alert latency to a sink and a UDP flood's loss (a burst into a Discord that enforces its bucket: discord-burst.ts).
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { startRelay, waitFor, type RelayProcess } from './relay-process.ts';
import { rssFlatness, type Flatness, type RssSample } from './rss-flatness.ts';

const run = promisify(execFile);
export const line = (app: string, msg: string) => `<14>1 ${new Date().toISOString()} bench-host ${app} - - - ${msg}\n`;

export interface IngestResult {
  conns: number;
  sent: number;
  parsed: number;
  unparsed: number;
  ruled: number;
  lost: number;
  rate: number;
  peakRssKb: number;
  prefiltered: number;
}

/** A rule the pre-filter cannot judge from a frame's bytes (an unparsed frame's host is its peer), so every line is parsed. */
export const FULL_PARSE_MATCH = '{ host: no-such-host }';

/**
 * loggen as the seed's a_ingest.sh runs it; the rate is lines relay's rules saw ÷ time until the last one.
 * The one rule matches on `match`: by default an app, which lets the pre-filter skip every loggen line.
 */
export async function ingest(conns: number, seconds = 10, match = '{ app: no-such-program }'): Promise<IngestResult> {
  const relay = await startRelay(
    `notifiers: { sink: "json://127.0.0.1:9/alert" }\nrules:\n  - { name: none, match: ${match}, notify: [sink] }`,
  );
  try {
    const t0 = performance.now();
    const { stdout, stderr } = await run('loggen', [
      '-i',
      '-S',
      '-P',
      '-F',
      '-r',
      '100000000',
      '-I',
      String(seconds),
      '-s',
      '200',
      '--active-connections',
      String(conns),
      '127.0.0.1',
      String(relay.port),
    ]);
    // loggen's last summary line, as the seed's loggen_parse reads it (earlier lines are progress).
    const sent = Number([...(stdout + stderr).matchAll(/average rate = [\d.]+ msg\/sec, count=(\d+)/g)].at(-1)?.[1]);
    const done = await waitFor(async () => (await relay.metric('relay_pipeline_events_total')) >= sent, 30_000, 10);
    const parsed = await relay.metric('relay_listener_frames_received_total');
    const ruled = await relay.metric('relay_pipeline_events_total');
    return {
      conns,
      sent,
      parsed,
      ruled,
      unparsed: await relay.metric('relay_listener_frames_unparsed_total'),
      lost: sent - ruled,
      rate: done === undefined ? NaN : Math.round(ruled / ((done - t0) / 1000)),
      peakRssKb: relay.peakRssKb(),
      prefiltered: await relay.metric('relay_pipeline_prefiltered_total'),
    };
  } finally {
    await relay.stop();
  }
}

/** A sink that notes when each alert's request arrives, by the `seq=N` its body carries. */
async function startSink() {
  const arrived = new Map<number, number>();
  const server = createServer((req, res) => {
    const at = performance.now();
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      for (const m of body.matchAll(/seq=(\d+)/g)) if (!arrived.has(Number(m[1]))) arrived.set(Number(m[1]), at);
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { arrived, port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(r)) };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export interface LatencyResult {
  alerts: number;
  delivered: number;
  p50: number;
  p99: number;
  max: number;
  syncP50: number;
  syncP99: number;
}

/**
 * The floor under relay's latency on this disk: an alert is in the outbox (a WAL commit with
 * synchronous=FULL, one fsync) before it is sent. Commits spaced like the alerts, in the same temp dir.
 */
async function diskSync(commits = 100, gapMs = 10): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-sync-'));
  const db = new Database(join(dir, 'sync.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (x TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const took: number[] = [];
  for (let i = 0; i < commits; i++) {
    const t0 = performance.now();
    insert.run('x'.repeat(200));
    took.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return took;
}

/** Alerts one at a time, `gapMs` apart, on an idle relay: syslog line written → request at the sink. */
export async function idleLatency(alerts = 200, gapMs = 20, warmup = 20): Promise<LatencyResult> {
  const sink = await startSink();
  const relay = await startRelay(
    `notifiers: { sink: "json://127.0.0.1:${sink.port}/alert" }\nrules:\n  - { name: probe, match: { app: probe }, notify: [sink], title: "{{host}}", body: "{{message}}" }`,
  );
  try {
    const socket = connect(relay.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.setNoDelay(true);
    const sentAt = new Map<number, number>();
    for (let i = 0; i < warmup + alerts; i++) {
      sentAt.set(i, performance.now());
      socket.write(line('probe', `seq=${i}`));
      await new Promise((r) => setTimeout(r, gapMs));
    }
    await waitFor(async () => sink.arrived.size >= warmup + alerts, 10_000);
    socket.destroy();
    const lat = [...sink.arrived].filter(([i]) => i >= warmup).map(([i, at]) => at - sentAt.get(i)!);
    const sync = await diskSync();
    return {
      alerts,
      delivered: lat.length,
      p50: pct(lat, 50),
      p99: pct(lat, 99),
      max: Math.max(...lat),
      syncP50: pct(sync, 50),
      syncP99: pct(sync, 99),
    };
  } finally {
    await relay.stop();
    await sink.close();
  }
}

export interface UdpResult {
  rate: number;
  seconds: number;
  sent: number;
  received: number;
  kernelDrops: number;
  lossPct: number;
  rss: Flatness & { peakKb: number };
}

/** The kernel's drop count for the UDP socket bound to `port` (/proc/net/udp's last column). */
function kernelDrops(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1]?.endsWith(hex));
  return row ? Number(row.trim().split(/\s+/).at(-1)) : 0;
}

/**
 * `rate` datagrams a second for `seconds`, paced in 10 ms slices; loss is sent − what relay counted. RSS is
 * sampled every second and judged as the soak's is, from 10 s on.
 */
export async function udpFlood(rate = 50_000, seconds = 30): Promise<UdpResult> {
  const relay = await startRelay(
    'notifiers: { sink: "json://127.0.0.1:9/alert" }\nrules:\n  - { name: none, match: { app: no-such-program }, notify: [sink] }',
  );
  const socket = createSocket('udp4');
  try {
    const payload = Buffer.from(line('udp-bench', 'x'.repeat(120)).trimEnd());
    let sent = 0;
    const samples: RssSample[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      const batch: Promise<void>[] = [];
      for (; sent < due; sent++) batch.push(new Promise((r, j) => socket.send(payload, relay.port, '127.0.0.1', (e) => (e ? j(e) : r()))));
      await Promise.all(batch);
      const s = (performance.now() - t0) / 1000;
      if (s >= samples.length) samples.push({ s, kb: relay.rssKb() });
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(async () => (await relay.metric('relay_listener_frames_received_total')) + kernelDrops(relay.port) >= sent, 5_000, 50);
    const received = await relay.metric('relay_listener_frames_received_total');
    return {
      rate,
      seconds,
      sent,
      received,
      kernelDrops: kernelDrops(relay.port),
      lossPct: (100 * (sent - received)) / sent,
      rss: { ...rssFlatness([...samples, { s: (performance.now() - t0) / 1000, kb: relay.rssKb() }], 10), peakKb: relay.peakRssKb() },
    };
  } finally {
    socket.close();
    await relay.stop();
  }
}

export type { RelayProcess };
