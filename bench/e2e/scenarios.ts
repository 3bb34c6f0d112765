// The scenarios the seed scripts cannot count: ingest proved end to end by relay's own counters, idle
// alert latency to a sink, a UDP flood's loss, and a burst into a Discord that enforces its bucket.
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
import { startDiscord } from '../../test/notifiers/servers/discord.ts';
import { startRelay, waitFor, type RelayProcess } from './relay-process.ts';
import { rssFlatness, type Flatness, type RssSample } from './rss-flatness.ts';

const run = promisify(execFile);
const line = (app: string, msg: string) => `<14>1 ${new Date().toISOString()} bench-host ${app} - - - ${msg}\n`;

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

export interface DiscordResult {
  foldAfter?: number;
  alerts: number;
  limit: number;
  windowS: number;
  requests: number;
  rateLimited: number;
  accepted: number;
  alertsDelivered: number;
  folded: number;
  outboxLeft: number;
  seconds: number;
  peakRssKb: number;
}

/**
 * `alerts` alerts in one burst to a Discord webhook whose bucket allows `limit` requests per `windowS`
 * (Discord's webhook bucket is 5 per 2 s) and answers 429 past it, as Discord does. With `foldAfter` past
 * the burst (delivery.fold_after), no backlog is folded: every alert is its own request, paced by the bucket.
 */
export async function discordBurst(foldAfter?: number, alerts = 500, limit = 5, windowS = 2): Promise<DiscordResult> {
  const waitS = 60 + (foldAfter ? (alerts / limit) * windowS : 0);
  const discord = await startDiscord('1234', 'tok');
  let windowStart = 0;
  let used = 0;
  let rateLimited = 0;
  let accepted = 0;
  let alertsDelivered = 0;
  discord.handle((req) => {
    const now = Date.now() / 1000;
    if (now >= windowStart + windowS) {
      windowStart = now;
      used = 0;
    }
    const resetAfter = (windowStart + windowS - now).toFixed(3);
    const bucket = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-bucket': 'bench',
      'x-ratelimit-reset': String(windowStart + windowS),
      'x-ratelimit-reset-after': resetAfter,
    };
    if (used >= limit) {
      rateLimited++;
      return {
        status: 429,
        headers: {
          ...bucket,
          'x-ratelimit-remaining': '0',
          'retry-after': String(Math.ceil(Number(resetAfter))),
          'x-ratelimit-scope': 'user',
        },
        body: { message: 'You are being rate limited.', retry_after: Number(resetAfter), global: false },
      };
    }
    used++;
    accepted++;
    const body = JSON.parse(req.body) as { content?: string; embeds?: { description?: string; title?: string }[] };
    alertsDelivered += new Set(JSON.stringify(body).match(/seq=\d+/g) ?? []).size;
    return {
      status: 200,
      headers: { ...bucket, 'x-ratelimit-remaining': String(limit - used) },
      body: { id: String(accepted), channel_id: '1', webhook_id: '1234' },
    };
  });
  const relay = await startRelay(
    `notifiers: { discord: "discord://1234/tok" }\nrules:\n  - { name: burst, match: { app: burst }, notify: [discord], title: "{{host}}", body: "{{message}}" }${foldAfter ? `\ndelivery: { fold_after: ${foldAfter} }` : ''}`,
    { RELAY_DISCORD_API_URL: `${discord.url}/api` },
  );
  try {
    const socket = connect(relay.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const t0 = performance.now();
    socket.end(Array.from({ length: alerts }, (_, i) => line('burst', `seq=${i}`)).join(''));
    // Held and folded alerts come later than the burst: done when every alert was delivered, or when
    // nothing reached Discord for 5 s (what relay holds back by then is in the figures, not waited for).
    let last = { n: 0, at: performance.now() };
    await waitFor(
      async () => {
        if (discord.requests.length !== last.n) last = { n: discord.requests.length, at: performance.now() };
        return alertsDelivered >= alerts || performance.now() - last.at > 5000;
      },
      waitS * 1000,
      200,
    );
    return {
      foldAfter,
      alerts,
      limit,
      windowS,
      requests: discord.requests.length,
      rateLimited,
      accepted,
      alertsDelivered,
      seconds: (last.at - t0) / 1000,
      peakRssKb: relay.peakRssKb(),
      folded: await relay.metric('relay_notifier_folded_alerts_total'),
      outboxLeft: await relay.metric('relay_notifier_outbox_depth'),
    };
  } finally {
    await relay.stop();
    await discord.close();
  }
}

export type { RelayProcess };
