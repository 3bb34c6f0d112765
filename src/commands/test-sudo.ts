// `relay test-sudo`: proves the sudo path on this host — runs one harmless sudo call, waits for the running
// relay to receive it, and shows the last sudo events relay received; when nothing arrives, says which link
// of the chain (plugin loaded, relay listening, spool) is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, watch } from 'node:fs';
import { connect } from 'node:net';
import type { Config, UnixListenerConfig } from '../config/schema.ts';
import { readRecentSudo, type RecentSudoEvent } from '../state/recent-sudo.ts';

export interface TestSudoOptions {
  run: boolean;
  timeoutMs: number;
}

const PROBE = ['-n', '-u', 'nobody', '/bin/true'];

export async function testSudo(config: Config, opts: TestSudoOptions, out: NodeJS.WritableStream): Promise<number> {
  const listeners = config.listeners.filter((l): l is UnixListenerConfig => l.type === 'unix' && l.format === 'sudo');
  if (listeners.length === 0) {
    out.write('no listener with `format: sudo` in the config: relay is not taking sudo events\n');
    return 2;
  }
  let seen = true;
  if (opts.run) {
    const since = Date.now();
    // RELAY_PROBE=1: the plugin marks the call `probe`, which the shipped rules send to no notifier.
    const r = spawnSync('sudo', PROBE, {
      env: { ...process.env, RELAY_PROBE: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    out.write(`ran: sudo ${PROBE.join(' ')} → ${r.error ? r.error.message : `exit ${r.status}`} in ${Date.now() - since} ms\n`);
    seen = await waitForEvent(config.state_dir, since - 1000, opts.timeoutMs);
    out.write(seen ? 'relay received it\n' : `relay did not report it within ${opts.timeoutMs} ms\n`);
  }
  const recent = readRecentSudo(config.state_dir);
  out.write(
    recent.length === 0 ? 'no sudo events received yet\n' : `last sudo events received:\n${recent.slice(-10).map(line).join('\n')}\n`,
  );
  if (seen && recent.length > 0) return 0;
  for (const l of listeners) out.write(await diagnose(l));
  return 1;
}

function line(e: RecentSudoEvent): string {
  return `  ${e.receivedAt}  ${String(e.event).padEnd(10)} ${String(e.user ?? '?')} ${String(e.command ?? '')}  (${e.host ?? '?'}, via ${e.listener}${e.peer ? ' ' + e.peer : ''})`;
}

/** Resolves true once the daemon wrote an event received at or after `since`, false after `timeoutMs`. */
function waitForEvent(stateDir: string, since: number, timeoutMs: number): Promise<boolean> {
  const fresh = () => readRecentSudo(stateDir).some((e) => Date.parse(e.receivedAt) >= since);
  if (fresh()) return Promise.resolve(true);
  if (!existsSync(stateDir)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const watcher = watch(stateDir, () => {
      if (fresh()) done(true);
    });
    const timer = setTimeout(() => done(false), timeoutMs);
    function done(ok: boolean) {
      clearTimeout(timer);
      watcher.close();
      resolve(ok);
    }
  });
}

async function diagnose(l: UnixListenerConfig): Promise<string> {
  const notes: string[] = [];
  const loaded = spawnSync('sudo', ['-V'], { encoding: 'utf8' }).stdout?.includes('relay_audit');
  notes.push(loaded ? 'sudo loads relay_audit' : 'sudo does not load relay_audit: see sudo-plugin/README.md (sudo -V | grep relay_audit)');
  const listening = await new Promise<boolean>((resolve) => {
    const s = connect(l.address);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
  notes.push(
    listening ? `relay listens on ${l.address}` : `nothing is listening on ${l.address}: is \`relay run\` running with this config?`,
  );
  if (l.spool && existsSync(l.spool)) {
    notes.push(
      `the spool ${l.spool} holds ${statSync(l.spool).size} bytes: events the plugin could not send (relay collects them every ${l.spool_interval / 1000} s)`,
    );
  }
  return notes.map((n) => `- ${n}\n`).join('');
}
