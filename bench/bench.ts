// `npm run bench`: relay against the seed pipeline (syslog-ng + python() + Apprise) on the issue's loads,
// plus what only relay's own counters can prove, printed as one table of figures, relay/peer and target.
//   npm run bench                       # everything, RUNS=1 (about 25 minutes, 9 of them the fleet)
//   ONLY="ingest latency" npm run bench   # a subset: ingest seed latency udp discord pacing soak fleet
//   ONLY=fleet FLEET_HOSTS=1000 npm run bench   # the 10,000-host TLS fleet (bench/fleet-tls.ts), smaller
//   ONLY=soak SOAK_S=60 npm run bench     # the soak (5 minutes of mixed load) shortened to a try
// Needs syslog-ng-core, syslog-ng-mod-python, apprise and loggen (Debian); not part of npm test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { discordBurst, type DiscordResult } from './e2e/discord-burst.ts';
import { FULL_PARSE_MATCH, idleLatency, ingest, udpFlood, type IngestResult, type LatencyResult, type UdpResult } from './e2e/scenarios.ts';
import { FLAT_CRITERION } from './e2e/rss-flatness.ts';
import { soak, type SoakResult } from './e2e/soak.ts';
import { fleetRows, fleetTls, type FleetResult } from './fleet-tls.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const SEED = process.env.SEED ?? join(ROOT, '../shared/bench/seed-pipeline');
const ONLY = (process.env.ONLY ?? 'ingest seed latency udp discord pacing soak fleet').split(/\s+/);
const RUNS = process.env.RUNS ?? '1';
const WORK = mkdtempSync(join(tmpdir(), 'relay-bench-'));
const RESULTS = join(WORK, 'results.jsonl');
const say = (s: string) => process.stderr.write(`=== ${s}\n`);

type Row = Record<string, unknown> & { test: string; label: string };
const rows = (): Row[] =>
  existsSync(RESULTS)
    ? readFileSync(RESULTS, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Row)
    : [];
const seedFigure = (test: string, label: string, field: string): number | undefined => {
  const xs = rows()
    .filter((r) => r.test === test && r.label === label)
    .map((r) => r[field])
    .filter((v): v is number => typeof v === 'number')
    .sort((a, b) => a - b);
  return xs.length ? xs[xs.length >> 1] : undefined;
};

say('npm run build (relay runs from dist/)');
execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });

const ingests: { conns: number; peer: number | undefined; relay: IngestResult; full: IngestResult }[] = [];
if (ONLY.includes('ingest')) {
  for (const conns of [1, 4]) {
    say(`a: ingest, ${conns} connection(s), peer`);
    execFileSync(join(SEED, 'a_ingest.sh'), {
      env: { ...process.env, CONNS: String(conns), LABEL: `peer-${conns}`, RESULTS, BL_WORK: WORK },
      stdio: ['ignore', 2, 2],
    });
    say(`a: ingest, ${conns} connection(s), relay`);
    const relay = await ingest(conns);
    say(`a: ingest, ${conns} connection(s), relay, every line fully parsed (rule on host)`);
    ingests.push({
      conns,
      peer: seedFigure('a_ingest', `peer-${conns}`, 'e2e_rate'),
      relay,
      full: await ingest(conns, 10, FULL_PARSE_MATCH),
    });
  }
}
if (ONLY.includes('seed')) {
  say('b c d e: bench/seed-compare.sh');
  execFileSync(join(ROOT, 'bench/seed-compare.sh'), {
    env: { ...process.env, SCENARIOS: 'b c d e', RUNS, RESULTS },
    stdio: ['ignore', 2, 2],
  });
}
let latency: LatencyResult | undefined;
if (ONLY.includes('latency')) {
  say('idle alert latency');
  latency = await idleLatency();
}
let udp: UdpResult | undefined;
if (ONLY.includes('udp')) {
  say('UDP 50k msg/s for 30 s');
  udp = await udpFlood();
}
let discord: DiscordResult | undefined;
if (ONLY.includes('discord')) {
  say('Discord bucket, 500-alert burst');
  discord = await discordBurst();
}
let paced: DiscordResult | undefined;
// 30: as many as Discord's published 30 messages a minute per channel let relay send at once, so what paces
// them is the webhook bucket's headers alone (500 unfolded alerts would take relay 16 minutes at 30/min).
if (ONLY.includes('pacing')) {
  say('Discord bucket, 30-alert burst, no folding');
  paced = await discordBurst(30, 30);
}
let soaked: SoakResult | undefined;
if (ONLY.includes('soak')) {
  say(`soak: ${process.env.SOAK_S ?? 300} s of mixed load`);
  soaked = await soak();
}
let fleet: FleetResult | undefined;
if (ONLY.includes('fleet')) {
  say(`fleet: ${process.env.FLEET_HOSTS ?? 10000} TLS hosts against relay, then syslog-ng`);
  fleet = await fleetTls(Number(process.env.FLEET_HOSTS ?? 10000), Number(process.env.FLEET_STEADY_S ?? 60));
}

const mb = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(1)} MB`);
const ratio = (relay: number | undefined, peer: number | undefined) =>
  relay !== undefined && peer ? `${(relay / peer).toFixed(2)}×` : 'n/a';
const ok = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : '**not met**');
const table: string[][] = [];
const add = (figure: string, peer: string, relay: string, rp: string, target: string, met: boolean | undefined) =>
  table.push([figure, peer, relay, rp, target, ok(met)]);

for (const { conns, peer, relay, full } of ingests) {
  add(
    `a: ingest end to end, ${conns} conn (lines/s; relay: counted by its rules)`,
    peer === undefined ? 'n/a' : `${peer}`,
    `${relay.rate} (${relay.ruled}/${relay.sent} ruled, ${relay.unparsed} unparsed)`,
    ratio(relay.rate, peer),
    '≥ 1.5×, 0 lost',
    peer !== undefined && relay.rate >= 1.5 * peer && relay.lost === 0,
  );
  add(
    `a: ingest end to end, ${conns} conn, every line fully parsed (rule on host)`,
    peer === undefined ? 'n/a' : `${peer}`,
    `${full.rate} (${full.ruled}/${full.sent} ruled, ${full.prefiltered} pre-filtered, ${full.unparsed} unparsed)`,
    ratio(full.rate, peer),
    '≥ 1.5×, 0 lost',
    peer !== undefined && full.rate >= 1.5 * peer && full.lost === 0,
  );
  add(
    `a: peak RSS, ${conns} conn`,
    mb(seedFigure('a_ingest', `peer-${conns}`, 'rss_peak_kb')),
    mb(relay.peakRssKb),
    ratio(relay.peakRssKb, seedFigure('a_ingest', `peer-${conns}`, 'rss_peak_kb')),
    '≤ 80 MB',
    relay.peakRssKb <= 80 * 1024,
  );
}
const seedTests = [
  ['b_seed', 'b'],
  ['c_delay', 'c'],
  ['d_429', 'd'],
  ['e_filter', 'e'],
] as const;
if (ONLY.includes('seed')) {
  for (const [test, s] of seedTests) {
    const peer = seedFigure(test, 'peer', 'rss_peak_kb');
    const relay = seedFigure(test, 'relay', 'rss_peak_kb');
    add(`${s}: peak RSS`, mb(peer), mb(relay), ratio(relay, peer), '≤ 60 MB', relay !== undefined && relay <= 60 * 1024);
  }
  const f = (t: string, l: string, k: string) => seedFigure(t, l, k);
  add(
    'b: 2,000 alerts at 1,000/s (alerts/s)',
    `${f('b_seed', 'peer', 'alerts_per_s')}`,
    `${f('b_seed', 'relay', 'alerts_per_s')}`,
    ratio(f('b_seed', 'relay', 'alerts_per_s'), f('b_seed', 'peer', 'alerts_per_s')),
    '—',
    undefined,
  );
  add('b: lost', `${f('b_seed', 'peer', 'lost')}`, `${f('b_seed', 'relay', 'lost')}`, '—', '0', f('b_seed', 'relay', 'lost') === 0);
  const cTotal = f('c_delay', 'relay', 'total_s');
  add(
    'c: 2,000 alerts, webhook answering in 50 ms (s until all delivered)',
    `${f('c_delay', 'peer', 'total_s')}`,
    `${cTotal} (${f('c_delay', 'relay', 'delivered')} delivered)`,
    ratio(f('c_delay', 'peer', 'total_s'), cTotal) + ' faster',
    '≤ 5 s',
    cTotal !== undefined && cTotal <= 5 && f('c_delay', 'relay', 'delivered') === 2000,
  );
  add(
    'd: first 20 answers 429 (alerts lost)',
    `${f('d_429', 'peer', 'lost')}`,
    `${f('d_429', 'relay', 'lost')}`,
    '—',
    '0',
    f('d_429', 'relay', 'lost') === 0,
  );
  const [pSend, rSend] = [f('e_filter', 'peer', 'send_s'), f('e_filter', 'relay', 'send_s')];
  add(
    'e: 100k lines, 1 % alerts: intake (s to accept all)',
    `${pSend}`,
    `${rSend}`,
    ratio(rSend, pSend),
    '≤ peer (ratio ≤ 1)',
    rSend !== undefined && pSend !== undefined && rSend <= pSend,
  );
  const [pFirst, rFirst] = [f('e_filter', 'peer', 'first_alert_s'), f('e_filter', 'relay', 'first_alert_s')];
  add(
    'e: first alert under the flood (ms)',
    `${(pFirst ?? NaN) * 1000}`,
    `${(rFirst ?? NaN) * 1000}`,
    ratio(rFirst, pFirst),
    '≤ 20 ms',
    rFirst !== undefined && rFirst <= 0.02,
  );
  add(
    'e: alerts delivered / missing',
    `${f('e_filter', 'peer', 'unique')} / ${f('e_filter', 'peer', 'missing')}`,
    `${f('e_filter', 'relay', 'unique')} / ${f('e_filter', 'relay', 'missing')}`,
    '—',
    '1000 / 0',
    f('e_filter', 'relay', 'missing') === 0,
  );
}
if (latency) {
  const peer = seedFigure('b_seed', 'peer', 'lat_p50_ms');
  add(
    `idle alert latency p50 (ms; ${latency.delivered}/${latency.alerts} alerts 20 ms apart; peer: b's 20 probes)`,
    peer === undefined ? 'n/a' : `${peer}`,
    latency.p50.toFixed(2),
    ratio(latency.p50, peer),
    '≤ 1 ms',
    latency.p50 <= 1,
  );
  add('idle alert latency p99 (ms)', 'n/a', `${latency.p99.toFixed(2)} (max ${latency.max.toFixed(2)})`, 'n/a', '≤ 5 ms', latency.p99 <= 5);
  add(
    'floor: one outbox commit on this disk (WAL, synchronous=FULL), p50 / p99 ms',
    'n/a',
    `${latency.syncP50.toFixed(2)} / ${latency.syncP99.toFixed(2)}`,
    'n/a',
    '—',
    undefined,
  );
}
if (discord) {
  add(
    `Discord bucket 5/2 s, ${discord.alerts}-alert burst (429s provoked)`,
    'n/a',
    `${discord.rateLimited} × 429 of ${discord.requests} requests; ${discord.accepted} messages in ${discord.seconds.toFixed(1)} s: ${discord.alertsDelivered} alerts by their own line, ${discord.folded} folded into digests, ${discord.outboxLeft} left in the outbox`,
    'n/a',
    '0 × 429',
    discord.rateLimited === 0,
  );
}
if (paced) {
  add(
    `Discord bucket ${paced.limit}/${paced.windowS} s, ${paced.alerts}-alert burst, each its own message (fold_after: ${paced.foldAfter}; 429s provoked, bucket respected)`,
    'n/a',
    `${paced.rateLimited} × 429 of ${paced.requests} requests; ${paced.alertsDelivered} alerts in ${paced.seconds.toFixed(1)} s (the bucket allows it in ${(Math.ceil(paced.alerts / paced.limit) - 1) * paced.windowS} s), ${paced.outboxLeft} left in the outbox`,
    'n/a',
    '0 × 429, all delivered',
    paced.rateLimited === 0 && paced.alertsDelivered === paced.alerts,
  );
}
if (udp) {
  add(
    `UDP ${udp.rate / 1000}k msg/s for ${udp.seconds} s (loss, counted)`,
    'n/a',
    `${udp.lossPct.toFixed(3)} % (${udp.sent} sent, ${udp.received} received, ${udp.kernelDrops} kernel drops)`,
    'n/a',
    '≤ 0.1 %',
    udp.lossPct <= 0.1,
  );
  add(
    'UDP flood RSS at 10 s → end, slope after 10 s (1 s samples), peak',
    'n/a',
    `${mb(udp.rss.refKb)} → ${mb(udp.rss.endKb)}, ${udp.rss.slopeMbPerMin.toFixed(2)} MB/min, peak ${mb(udp.rss.peakKb)}`,
    'n/a',
    `flat (${FLAT_CRITERION}), ≤ 60 MB`,
    udp.rss.flat && udp.rss.peakKb <= 60 * 1024,
  );
}
if (soaked) {
  const { rss, alertLines: lines, delivered: got } = soaked;
  const heapAt = (s: number) => soaked.samples.find((x) => x.s >= s)?.heapKb;
  process.stderr.write(
    `soak every 5 s (s: RSS / V8 heap in use, MB): ${soaked.samples.map((x) => `${x.s.toFixed(0)}: ${(x.kb / 1024).toFixed(1)} / ${(x.heapKb / 1024).toFixed(1)}`).join(', ')}\n`,
  );
  add(
    `soak: ${soaked.seconds} s of ${soaked.rate} lines/s (TCP + UDP, ${soaked.hosts} hosts, ${soaked.apps} apps, 1 % to 4 rules): RSS at ${rss.refS.toFixed(0)} s → end, slope after it (5 s samples), peak`,
    'n/a',
    `${mb(rss.refKb)} → ${mb(rss.endKb)}, ${rss.slopeMbPerMin.toFixed(2)} MB/min, peak ${mb(rss.peakKb)} (V8 heap in use ${mb(heapAt(rss.refS))} → ${mb(soaked.samples.at(-1)?.heapKb)})`,
    'n/a',
    `flat (${FLAT_CRITERION})`,
    rss.flat,
  );
  add(
    'soak: kept up (lines sent / counted by relay; alerts delivered)',
    'n/a',
    `${soaked.received}/${soaked.sent} counted (${soaked.kernelDrops} UDP kernel drops), ${soaked.ruled} through the rules, at most ${soaked.maxLag} behind at a scrape (${soaked.scrapes} scrapes of /metrics, slowest ${soaked.slowestScrapeMs.toFixed(0)} ms); ` +
      `plain ${got.plain}/${lines.plain} delivered, grouped ${lines.grouped} lines in ${got.grouped} digests, deduped ${lines.deduped} lines in ${got.deduped} messages (${soaked.repeatsHeld} repeats held), throttled notifier ${lines.limited} lines in ${got.limited} messages (${soaked.throttled} held); ${soaked.outboxLeft} left in the outbox`,
    'n/a',
    '0 lost, every plain alert delivered',
    soaked.lost === 0 && got.plain === lines.plain,
  );
}
if (fleet) for (const r of fleetRows(fleet)) add(r.figure, r.peer, r.relay, r.ratio, r.target, r.met);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `\nnpm run bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpu}, Node ${process.version}, RUNS=${RUNS}\n`,
);
console.log('| figure | peer (syslog-ng + Apprise) | relay | relay/peer | target | |\n| --- | --- | --- | --- | --- | --- |');
for (const r of table) console.log(`| ${r.join(' | ')} |`);
process.stderr.write(`raw seed results: ${RESULTS}\n`);
