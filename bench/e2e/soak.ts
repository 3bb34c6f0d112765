// The soak: one relay under a steady mixed load for minutes (RFC 5424 over TCP, RFC 3164 over UDP, thousands
// of hosts and dozens of apps, 1 % of lines matching rules of each kind into a local json:// sink, /metrics
// scraped all along), its RSS sampled every 5 s to show whether memory stays flat, and what was sent,
// counted and delivered, so the run also proves relay kept up.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { startRelay, waitFor } from './relay-process.ts';
import { rssFlatness, type Flatness, type RssSample } from './rss-flatness.ts';

const KINDS = ['plain', 'grouped', 'deduped', 'limited'] as const;
type Kind = (typeof KINDS)[number];
const TCP_CONNS = 4;
const NOISE_HOSTS = 5000;
const NOISE_APPS = 40;
const ALERT_HOSTS = 200;
const SAMPLE_MS = 5000;

// One rule per kind, each to its own notifier (a path of the sink), so what each delivered is counted apart.
const config = (sink: string) => `notifiers:
${KINDS.map((k) => `  ${k}: "json://${sink}/${k}"`).join('\n')}
throttle:
  limited: { rate: 60/1m, burst: 10 }
rules:
  - { name: plain, match: { app: soak-disk, message: "/disk [0-9]+% full/" }, notify: [plain], title: "disk full on {{host}}" }
  - { name: grouped, match: { app: soak-auth, message: "/^Failed password/" }, key: [host, message], group_by: [host], group_wait: 10s, group_interval: 30s, notify: [grouped] }
  - { name: deduped, match: { app: soak-unit, severity: "<= err" }, key: [host, message], repeat_interval: 1m, notify: [deduped] }
  - { name: limited, match: { app: soak-kernel, message: "/Out of memory/" }, notify: [limited], title: "OOM on {{host}}" }`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const rfc3164Time = (d: Date) => `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${d.toTimeString().slice(0, 8)}`;

/** Line `i` of the load: every 100th matches a rule (the kinds in turn), the rest is traffic no rule wants. */
function frame(i: number, now: Date, stamp: string): { udp: boolean; text: string; kind?: Kind } {
  const udp = i % 3 === 2;
  let pri = 14;
  let host = `node-${i % NOISE_HOSTS}`;
  let app = `svc-${i % NOISE_APPS}`;
  let msg = `GET /api/v${i % 7}/items/${i} 200 ${i % 997} ms`;
  let kind: Kind | undefined;
  if (i % 100 === 0) {
    const k = i / 100;
    const n = Math.floor(k / KINDS.length);
    kind = KINDS[k % KINDS.length]!;
    host = `web-${n % ALERT_HOSTS}`;
    [pri, app, msg] = {
      plain: [12, 'soak-disk', `disk ${90 + (k % 10)}% full on /var seq=${k}`],
      grouped: [13, 'soak-auth', `Failed password for user${k % 50} from 10.0.${k % 256}.1 port 22 ssh2`],
      deduped: [11, 'soak-unit', `unit${n % 20}.service: Failed with result 'exit-code'.`],
      limited: [11, 'soak-kernel', `Out of memory: Killed process ${k} (worker)`],
    }[kind] as [number, string, string];
  } else if (i % 7 === 0) {
    [app, msg] = ['soak-disk', `disk ${i % 80}% used on /var`];
  }
  const text = udp
    ? `<${pri}>${rfc3164Time(now)} ${host} ${app}[${i % 32768}]: ${msg}`
    : `<${pri}>1 ${stamp} ${host} ${app} ${i % 32768} - - ${msg}\n`;
  return { udp, text, kind };
}

/** The json:// receiver: messages per notifier (the request path). */
async function startSink() {
  const messages = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const k = req.url!.slice(1) as Kind;
      if (k in messages) messages[k]++;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { messages, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

export interface SoakResult {
  seconds: number;
  rate: number;
  hosts: number;
  apps: number;
  sent: number;
  received: number;
  kernelDrops: number;
  ruled: number;
  lost: number;
  /** Most lines sent but not yet counted by relay at a sample. */
  maxLag: number;
  scrapes: number;
  slowestScrapeMs: number;
  alertLines: Record<Kind, number>;
  delivered: Record<Kind, number>;
  repeatsHeld: number;
  throttled: number;
  outboxLeft: number;
  rss: Flatness & { peakKb: number };
  /** Every 5 s: RSS, and V8's heap in use as /metrics reports it (what of the RSS is JavaScript objects). */
  samples: (RssSample & { heapKb: number })[];
}

/** `rate` lines a second for `seconds` (SOAK_S), paced in 10 ms slices: 2/3 over TCP_CONNS connections, 1/3 over UDP. */
export async function soak(seconds = Number(process.env.SOAK_S ?? 300), rate = 3000): Promise<SoakResult> {
  const sink = await startSink();
  const relay = await startRelay(config(sink.address));
  const udp = createSocket('udp4');
  const conns: Socket[] = [];
  const samples: SoakResult['samples'] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    for (let c = 0; c < TCP_CONNS; c++) {
      const s = connect(relay.port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      conns.push(s);
    }
    const alertLines = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
    let sent = 0;
    let maxLag = 0;
    let slowestScrapeMs = 0;
    const t0 = performance.now();
    const sample = async () => {
      const at = sent;
      const x = { s: (performance.now() - t0) / 1000, kb: relay.rssKb(), heapKb: NaN };
      samples.push(x);
      const s0 = performance.now();
      const received = await relay.metric('relay_listener_frames_received_total');
      slowestScrapeMs = Math.max(slowestScrapeMs, performance.now() - s0);
      maxLag = Math.max(maxLag, at - received);
      x.heapKb = (await relay.metric('nodejs_heap_size_used_bytes')) / 1024;
    };
    await sample();
    timer = setInterval(() => void sample(), SAMPLE_MS);
    while (performance.now() - t0 < seconds * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * rate);
      const now = new Date();
      const stamp = now.toISOString();
      const tcp: string[][] = conns.map(() => []);
      const datagrams: Promise<void>[] = [];
      for (; sent < due; sent++) {
        const f = frame(sent, now, stamp);
        if (f.kind) alertLines[f.kind]++;
        if (f.udp) datagrams.push(new Promise((r, j) => udp.send(f.text, relay.port, '127.0.0.1', (e) => (e ? j(e) : r()))));
        else tcp[sent % TCP_CONNS]!.push(f.text);
      }
      tcp.forEach((lines, c) => lines.length && conns[c]!.write(lines.join('')));
      await Promise.all(datagrams);
      await new Promise((r) => setTimeout(r, 10));
    }
    clearInterval(timer);
    timer = undefined;
    await sample();
    const drops = () => relay.metric('relay_listener_udp_kernel_drops_total');
    await waitFor(
      async () =>
        (await relay.metric('relay_listener_frames_received_total')) + (await drops()) >= sent &&
        sink.messages.plain >= alertLines.plain &&
        (await relay.metric('relay_notifier_outbox_depth')) === 0,
      15_000,
      100,
    );
    const received = await relay.metric('relay_listener_frames_received_total');
    return {
      seconds,
      rate,
      hosts: NOISE_HOSTS + ALERT_HOSTS,
      apps: NOISE_APPS + KINDS.length,
      sent,
      received,
      kernelDrops: await drops(),
      ruled: await relay.metric('relay_pipeline_events_total'),
      lost: sent - received,
      maxLag,
      scrapes: samples.length,
      slowestScrapeMs,
      alertLines,
      delivered: { ...sink.messages },
      repeatsHeld: await relay.metric('relay_pipeline_repeats_suppressed_total'),
      throttled: await relay.metric('relay_pipeline_throttled_alerts_total'),
      outboxLeft: await relay.metric('relay_notifier_outbox_depth'),
      rss: { ...rssFlatness(samples, seconds / 5), peakKb: relay.peakRssKb() },
      samples,
    };
  } finally {
    if (timer) clearInterval(timer);
    for (const s of conns) s.destroy();
    udp.close();
    await relay.stop();
    await sink.close();
  }
}
