// One relay process for a bench scenario: started from the compiled dist/ (what users install) with a
// generated config in a temp dir, read through its own /metrics, measured through /proc, stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface RelayProcess {
  pid: number;
  /** The syslog listener's port (TCP and UDP share it). */
  port: number;
  /** The sum of a Prometheus series over its labels (those whose label set contains `where`, if given), as relay reports it now. */
  metric(name: string, where?: string): Promise<number>;
  /** Peak resident set of the process so far (VmHWM), in kB. */
  peakRssKb(): number;
  rssKb(): number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** `body` is the YAML after `listeners:`, `http:` and `state_dir:` (notifiers, rules, delivery…). */
export async function startRelay(body: string, env: Record<string, string> = {}): Promise<RelayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const [port, http] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'relay.yaml'),
    [
      'listeners:',
      `  - { name: tcp, type: tcp, address: "127.0.0.1:${port}", max_connections_per_peer: 64 }`,
      `  - { name: udp, type: udp, address: "127.0.0.1:${port}", receive_buffer: 8388608 }`,
      `http: { address: "127.0.0.1:${http}" }`,
      `state_dir: ${dir}/state`,
      'log: { level: warn }',
      body,
    ].join('\n'),
  );
  // RELAY_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the relay under a scenario.
  const flags = (process.env.RELAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...flags, join(ROOT, 'bin/relay.js'), 'run', '--config', join(dir, 'relay.yaml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const status = (key: string) =>
    Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN);
  const metrics = async () => (await fetch(`http://127.0.0.1:${http}/metrics`)).text();
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`relay exited ${child.exitCode}: ${stderr}`);
    if (
      await metrics().then(
        () => true,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`relay did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid!,
    port,
    async metric(name, where) {
      const text = await metrics();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
        if (where === undefined || line.slice(name.length, line.lastIndexOf(' ')).includes(where))
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    peakRssKb: () => status('VmHWM'),
    rssKb: () => status('VmRSS'),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until it returns true or `ms` pass; resolves to the time it became true (or undefined). */
export async function waitFor(read: () => Promise<boolean>, ms: number, everyMs = 20): Promise<number | undefined> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await read()) return performance.now();
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}
