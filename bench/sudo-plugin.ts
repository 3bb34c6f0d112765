// Wall time the relay_audit plugin adds to `sudo -u nobody /bin/true`: alternating runs with and
// without the plugin line in sudo.conf (a listener reading the events), medians compared.
// Run as root: npx tsx bench/sudo-plugin.ts [runs per side, default 200]. sudo.conf is restored after.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLineServer } from '../test/sudo-plugin/line-server.ts';
import { installPlugin, runSudo } from '../test/sudo-plugin/plugin-install.ts';
import { SudoConfGuard } from '../test/sudo-plugin/sudo-conf-guard.ts';

const runs = Number(process.argv[2] ?? 200);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timeOnce(): Promise<number> {
  // A self-check, not an incident: marked so a relay reading these events sends them nowhere.
  const r = await runSudo(['-u', 'nobody', '/bin/true'], { env: { RELAY_PROBE: '1' } });
  if (r.status !== 0) throw new Error(`sudo failed: ${r.stderr}`);
  return r.ms;
}

const guard = new SudoConfGuard();
// Ctrl-C must still restore sudo.conf: turn the signal into a normal exit so the guard's hook runs.
process.on('SIGINT', () => process.exit(130));
const dir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
const socket = join(dir, 'sudo.sock');
const spool = join(dir, 'spool.jsonl');
const server = await startLineServer(socket);
try {
  installPlugin(dir, { socket, spool, timeout_ms: 50 });
  const withPlugin = readFileSync(guard.path);
  // Same file, explicit sudoers lines included, minus only our line: the difference is the plugin.
  const without = withPlugin.toString('utf8').replace(/^Plugin relay_audit .*\n/m, '');
  const times = { with: [] as number[], without: [] as number[] };
  for (let i = 0; i < 10; i++) await timeOnce(); // warm the page cache
  for (let i = 0; i < runs; i++) {
    writeFileSync(guard.path, withPlugin);
    times.with.push(await timeOnce());
    writeFileSync(guard.path, without);
    times.without.push(await timeOnce());
  }
  await server.waitFor(() => true, 2 * (runs + 10), 2000).catch(() => undefined);
  const a = median(times.with);
  const b = median(times.without);
  console.log(`sudo -u nobody /bin/true, ${runs} alternating runs each`);
  console.log(`  median without plugin: ${b.toFixed(2)} ms`);
  console.log(`  median with plugin:    ${a.toFixed(2)} ms`);
  console.log(`  added (median):        ${(a - b).toFixed(2)} ms`);
  console.log(`  events received:       ${server.received.length} (spooled: ${existsSync(spool) ? 'some' : 'none'})`);
} finally {
  guard.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
