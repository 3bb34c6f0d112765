// 500,000 failed logins, each from a different host, over TCP through the rules of the shipped config.yaml
// (ssh-brute-force groups by host): relay holds at most limits.keys_per_rule (default 5,000) groups, the rest
// go to the rule's one overflow digest with their exact count, and its peak RSS stays under 200 MB.
// The shipped rules are used as they are except ssh-brute-force's timings — group_wait 30s → 20s and
// group_interval 10m → 10s, to keep the test near a minute; should the flood outlast group_wait on a busy
// machine, the overflow's rest then comes 10 s later instead of 5 min — and the listener, state_dir, the
// HTTP endpoint's address (port 0) and notifiers (console → the test's sink, main off).
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { HttpSink } from '../helpers/http-sink.ts';
import { connect, freePort } from '../helpers/net.ts';
import { buildDist, RelayProcess } from '../helpers/relay-process.ts';
import { ROOT } from '../helpers/run-cli.ts';

const HOSTS = 500_000;
const KEYS_PER_RULE = 5_000; // the default of limits.keys_per_rule

function shippedConfig(port: number, httpPort: number, sinkUrl: string, stateDir: string): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'config.yaml'), 'utf8'));
  doc.set('listeners', [{ name: 'tcp', type: 'tcp', address: `127.0.0.1:${port}` }]);
  // Not the shipped 9514: another relay on this machine may hold it.
  doc.setIn(['http', 'address'], `127.0.0.1:${httpPort}`);
  doc.set('notifiers', { console: sinkUrl, main: '' });
  doc.set('state_dir', stateDir);
  // The shipped endpoint's fixed port would clash with other tests running at the same time.
  doc.setIn(['http', 'address'], '127.0.0.1:0');
  const rules = doc.get('rules') as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] };
  const auth = rules.items.find((r) => r.get('name') === 'ssh-brute-force');
  if (!auth) throw new Error('the shipped config has no ssh-brute-force rule');
  auth.set('group_wait', '20s');
  auth.set('group_interval', '10s');
  return doc.toString();
}

/** Writes `count` lines made by `line(i)` on one connection, honouring back-pressure. */
async function flood(port: number, count: number, line: (i: number) => string): Promise<void> {
  const s = await connect({ host: '127.0.0.1', port });
  const BATCH = 1000;
  for (let i = 0; i < count; i += BATCH) {
    let chunk = '';
    for (let j = i; j < Math.min(count, i + BATCH); j++) chunk += line(j);
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  await new Promise<void>((r) => s.end(r));
}

/** Events an alert stands for: `(N events)` in a digest's title, N in an overflow's, else 1. */
function eventsOf(title: string): number {
  const m = /\((\d+) events\)$/.exec(title) ?? /^ssh-brute-force: ([\d,]+) more events/.exec(title);
  return m ? Number(m[1]!.replaceAll(',', '')) : 1;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describe('relay run flooded with distinct hosts', () => {
  const sink = new HttpSink();
  const dir = mkdtempSync(join(tmpdir(), 'relay-flood-'));
  beforeAll(async () => {
    // Measured as installed: the compiled relay, not the source under tsx's loader.
    buildDist();
    await sink.start();
  }, 120_000);
  afterAll(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds 5,000 groups, says every other host in the overflow digest with its count, and stays under 200 MB', async () => {
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(config, shippedConfig(port, await freePort(), sink.url(), join(dir, 'state')));
    const relay = await RelayProcess.start(config, 1, {}, { built: true });
    try {
      const t0 = Date.now();
      await flood(
        port,
        HOSTS,
        (i) => `<38>1 2026-11-23T10:00:00Z h${i} sshd 4242 - - Failed password for root from 203.0.113.${(i % 254) + 1} port 22 ssh2\n`,
      );
      const sent = Date.now() - t0;
      const titles = () => sink.json<{ title: string }>().map((a) => a.title);
      await vi.waitFor(() => expect(titles().reduce((n, t) => n + eventsOf(t), 0)).toBe(HOSTS), { timeout: 120_000, interval: 200 });
      const alerts = sink.json<{ title: string; message: string }>();
      const overflow = alerts.filter((a) => a.title.startsWith('ssh-brute-force: '));
      const perHost = alerts.filter((a) => /^failed SSH logins on h\d+$/.test(a.title));
      expect(perHost.length + overflow.length).toBe(alerts.length);
      expect(perHost.length).toBeGreaterThanOrEqual(KEYS_PER_RULE);
      expect(overflow.length).toBeGreaterThanOrEqual(1);
      for (const a of overflow) {
        const n = eventsOf(a.title).toLocaleString('en-US');
        expect(a.title).toBe(`ssh-brute-force: ${n} more events past limits.keys_per_rule`);
        expect(a.message).toContain(`more groups by host (${n} events) past limits.keys_per_rule (5,000 groups held)`);
      }
      // With exactly the cap's groups held, every other host is in the overflow digests: one when relay read the
      // flood within group_wait, more when a loaded machine spread it past that; the counts add up either way.
      if (perHost.length === KEYS_PER_RULE) expect(overflow.reduce((n, a) => n + eventsOf(a.title), 0)).toBe(HOSTS - KEYS_PER_RULE);
      expect(relay.log).toMatch(
        /"limit":"limits.keys_per_rule".*"msg":"aggregate: rule ssh-brute-force reached limits.keys_per_rule \(5000\)/,
      );
      // ssh-login-after-failures counts the same failures per host and address: capped too.
      expect(relay.log).toMatch(/"msg":"sequence: rule ssh-login-after-failures reached limits.keys_per_rule \(5000\)/);
      const rss = peakRssMb(relay.pid);
      console.log(
        `${HOSTS} lines sent in ${sent} ms (${Math.round(HOSTS / (sent / 1000))}/s); ${alerts.length} alerts (${overflow.length} overflow) after ${Date.now() - t0} ms; relay peak RSS ${rss.toFixed(0)} MB`,
      );
      expect(rss).toBeLessThan(200);
    } finally {
      await relay.kill('SIGKILL');
    }
  }, 180_000);
});
