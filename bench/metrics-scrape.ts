// What a Prometheus scrape of /metrics costs a running relay: a real App on loopback with the shipped
// config's shape (3 listeners, 4 rules, 2 notifiers) and BACKLOG alerts waiting in the outbox for a notifier
// that answers 500, scraped SCRAPES times in a row. Prints the wall time per scrape (median, p99), the
// relay process's CPU per scrape, and the size of the text.
// npx tsx bench/metrics-scrape.ts [scrapes, default 500] [backlog, default 10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../src/app.ts';
import { parseConfig } from '../src/plan/load-plan.ts';
import { silentLogger } from '../src/log.ts';

const scrapes = Number(process.argv[2] ?? 500);
const backlog = Number(process.argv[3] ?? 10_000);

const down = createServer((_req, res) => res.writeHead(500).end());
await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
const dir = mkdtempSync(join(tmpdir(), 'relay-bench-metrics-'));
const app = new App(
  parseConfig(
    `
listeners:
  - { name: syslog-udp, type: udp, address: 127.0.0.1:0 }
  - { name: syslog-tcp, type: tcp, address: 127.0.0.1:0 }
  - { name: sudo, type: unix, format: sudo, address: ${dir}/sudo.sock }
notifiers: { console: "console://?format=text", down: "json://127.0.0.1:${(down.address() as AddressInfo).port}/hook" }
rules:
  - { name: a, match: { app: a }, notify: [down] }
  - { name: b, match: { app: b }, notify: [down] }
  - { name: c, match: { app: c }, notify: [down] }
  - { name: d, match: { app: d }, notify: [down] }
http: { address: 127.0.0.1:0 }
delivery: { backoff: 1h, max_backoff: 1h, shutdown_grace: 0s }
state_dir: ${dir}
`,
    'bench.yaml',
    {},
  ),
  { log: silentLogger },
);
await app.start();
for (let i = 0; i < backlog; i++)
  app.accept({ receivedAt: new Date(), listener: 'bench', kind: 'syslog', host: 'h', app: 'abcd'[i % 4]!, message: `m${i}`, fields: {} });
await new Promise((r) => setTimeout(r, 200));

const url = `http://${app.httpAddress}/metrics`;
let bytes = 0;
for (let i = 0; i < 20; i++) bytes = (await (await fetch(url)).text()).length; // warm up
const times: number[] = [];
const cpu = process.cpuUsage();
for (let i = 0; i < scrapes; i++) {
  const t = performance.now();
  await (await fetch(url)).text();
  times.push(performance.now() - t);
}
const used = process.cpuUsage(cpu);
times.sort((a, b) => a - b);
const depth = /relay_notifier_outbox_depth\{notifier="down"\} (\d+)/.exec(await (await fetch(url)).text())?.[1];
const ms = (x: number) => `${x.toFixed(2)} ms`;
// The client (fetch) runs in this process too, so the CPU figure is an upper bound for relay's share.
process.stdout.write(
  `${scrapes} scrapes, ${depth} alerts waiting, ${bytes} bytes each: median ${ms(times[times.length >> 1]!)}, ` +
    `p99 ${ms(times[Math.floor(times.length * 0.99)]!)}, CPU ${ms((used.user + used.system) / 1000 / scrapes)} per scrape (client included)\n`,
);
await app.stop();
down.close();
rmSync(dir, { recursive: true, force: true });
