// `relay test-sudo --remote [HOST]` on the central relay: hosts that reported sudo events recently are ok,
// the others quiet, from the table the daemon keeps in state_dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { testSudoRemote } from '../../src/commands/test-sudo-remote.ts';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { SqliteStateStore } from '../../src/state/sqlite-state-store.ts';
import { SudoHostsTable } from '../../src/state/sudo-hosts.ts';
import { runCli } from '../helpers/run-cli.ts';

const HOUR = 3_600_000;

function output(run: (out: NodeJS.WritableStream) => number): { code: number; text: string } {
  let text = '';
  const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  return { code: run(out), text };
}

describe('relay test-sudo --remote', () => {
  let dir: string;
  const now = Date.parse('2026-05-01T12:00:00Z');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-remote-'));
    table(5000, [
      ['web1', now - 5 * 60_000],
      ['db1', now - 30 * HOUR],
    ]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What a running relay with this cap keeps after sudo events from these hosts. */
  const table = (cap: number, seen: [host: string, at: number][]) => {
    const store = SqliteStateStore.open(join(dir, 'state'), new ManualClock(), silentLogger);
    const t = new SudoHostsTable(store, silentLogger, cap);
    for (const [host, at] of seen)
      t.record({ receivedAt: new Date(at), listener: 'fleet', kind: 'sudo', host, peer: '10.0.0.7:51000', message: '', fields: {} });
    store.close();
  };
  const config = () => parseConfig(`state_dir: ${join(dir, 'state')}\n`, 'test.yaml');

  it('lists every host, marks the ones silent for longer than --quiet-after, and exits 1 when one is quiet', () => {
    const r = output((out) => testSudoRemote(config(), { quietAfterMs: 24 * HOUR, now: new Date(now) }, out));
    expect(r.code).toBe(1);
    expect(r.text).toContain('2 host(s) reported sudo events; 1 quiet for more than 24h:');
    expect(r.text).toMatch(/db1\s+QUIET\s+last 2026-04-30T06:00:00.000Z \(30h ago\), 1 events, via fleet 10\.0\.0\.7:51000/);
    expect(r.text).toMatch(/web1\s+ok\s+last .*\(5m ago\)/);
    expect(output((out) => testSudoRemote(config(), { quietAfterMs: 48 * HOUR, now: new Date(now) }, out)).code).toBe(0);
  });

  it('with a HOST: exit 0 when it reported recently, 1 when quiet or never seen', () => {
    expect(output((out) => testSudoRemote(config(), { host: 'web1', quietAfterMs: HOUR, now: new Date(now) }, out)).code).toBe(0);
    expect(output((out) => testSudoRemote(config(), { host: 'db1', quietAfterMs: HOUR, now: new Date(now) }, out)).code).toBe(1);
    const never = output((out) => testSudoRemote(config(), { host: 'mail9', quietAfterMs: HOUR, now: new Date(now) }, out));
    expect(never).toEqual({ code: 1, text: 'mail9: no sudo events received from this host\n' });
  });

  it('says when the table reached its cap', () => {
    rmSync(join(dir, 'state'), { recursive: true });
    table(1, [
      ['db1', now - 3],
      ['db2', now - 2],
      ['db3', now - 1],
      ['web1', now],
    ]);
    const r = output((out) => testSudoRemote(config(), { quietAfterMs: HOUR, now: new Date(now) }, out));
    expect(r.text).toContain('the table holds at most 1 hosts and is full; 3 least recently seen host(s) were dropped');
  });

  it('is wired into the CLI', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `state_dir: ${join(dir, 'state')}\n`);
    const r = await runCli(['test-sudo', '--config', file, '--remote', 'db1', '--quiet-after', '1h']);
    expect(r.stdout).toMatch(/^db1\s+QUIET/);
    expect(r.code).toBe(1);
  });
});
