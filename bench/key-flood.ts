// Ingest rate and peak RSS of `relay run` under a flood of failed logins through the shipped rules
// (auth-failure groups by host, group_wait raised to 1h so nothing is sent during the flood), from one host
// or each line from a different host. A last line matching a rule of its own alerts at a local sink: relay
// reads a connection in order, so when it arrives every line before it went through the pipeline.
//   npx tsx bench/key-flood.ts [LINES=500000] [distinct|same] [RELAY_ROOT=.]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

const lines = Number(process.argv[2] ?? 500_000);
const distinct = (process.argv[3] ?? 'distinct') === 'distinct';
const root = resolve(process.argv[4] ?? '.');

let alerted: () => void = () => {};
const sink = createServer((req, res) => req.resume().on('end', () => (res.end('ok'), alerted())));
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const port = await new Promise<number>((r) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address() as net.AddressInfo;
    probe.close(() => r(free));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'relay-key-flood-'));
const doc = parseDocument(readFileSync(join(root, 'config.yaml'), 'utf8'));
doc.set('listeners', [{ name: 'tcp', type: 'tcp', address: `127.0.0.1:${port}` }]);
doc.set('notifiers', { console: '', main: '', sink: `json://127.0.0.1:${(sink.address() as net.AddressInfo).port}/hook` });
doc.set('state_dir', join(dir, 'state'));
const rules = doc.get('rules') as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] };
rules.items.find((r) => r.get('name') === 'auth-failure')!.set('group_wait', '1h');
rules.items.unshift(doc.createNode({ name: 'end-of-flood', match: { app: 'end-of-flood' }, notify: ['sink'], continue: false }) as never);
writeFileSync(join(dir, 'config.yaml'), doc.toString());

const relay = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'run', '--config', join(dir, 'config.yaml')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'pipe'],
});
let log = '';
await new Promise<void>((r) => relay.stderr.on('data', (d: Buffer) => ((log += d), log.includes('"msg":"listening"') && r())));
const mb = (field: string) =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${relay.pid}/status`, 'utf8'))![1]) / 1024);
const idle = mb('VmRSS');

const t0 = performance.now();
const done = new Promise<void>((r) => (alerted = r));
const s = net.connect({ host: '127.0.0.1', port });
await new Promise((r) => s.once('connect', r));
for (let i = 0; i < lines; i += 1000) {
  let chunk = '';
  for (let j = i; j < Math.min(lines, i + 1000); j++) {
    chunk += `<38>1 2026-11-23T10:00:00Z ${distinct ? `h${j}` : 'web1'} sshd 4242 - - Failed password for root from 203.0.113.${(j % 254) + 1} port 22 ssh2\n`;
  }
  if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
}
s.end('<13>1 2026-11-23T10:00:00Z web1 end-of-flood - - - done\n');
await done;
const ms = performance.now() - t0;
console.log(
  `${lines} lines from ${distinct ? 'distinct hosts' : 'one host'}: ${Math.round(lines / (ms / 1000))} lines/s through the pipeline; RSS idle ${idle} MB, peak ${mb('VmHWM')} MB`,
);
relay.kill('SIGKILL');
sink.close();
rmSync(dir, { recursive: true, force: true });
