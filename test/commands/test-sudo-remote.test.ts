// `relay test-sudo --remote [HOST]` on the central relay, from the table the daemon keeps in state_dir: a
// host whose heartbeats come is ok, one whose heartbeats stopped is STOPPED, and one without heartbeats can
// only be QUIET when no sudo event came for --quiet-after.
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

  /** What a running relay with this cap keeps after sudo events (and heartbeats, every 60 s) from these hosts. */
  const table = (cap: number, seen: [host: string, at: number][], beats: [host: string, at: number][] = []) => {
    const store = SqliteStateStore.open(join(dir, 'state'), new ManualClock(), silentLogger);
    const t = new SudoHostsTable(store, silentLogger, cap);
    for (const [host, at] of seen)
      t.record({ receivedAt: new Date(at), listener: 'fleet', kind: 'sudo', host, peer: '10.0.0.7:51000', message: '', fields: {} });
    for (const [host, at] of beats) t.heard({ host, every: 60, listener: 'fleet', receivedAt: new Date(at), peer: '10.0.0.7:51000' });
    store.close();
  };
  const config = () => parseConfig(`state_dir: ${join(dir, 'state')}\n`, 'test.yaml');
  const remote = (opts: { host?: string; quietAfterMs?: number }) =>
    output((out) => testSudoRemote(config(), { quietAfterMs: 24 * HOUR, now: new Date(now), ...opts }, out));

  it('without heartbeats: a host with no sudo event for longer than --quiet-after is QUIET, and exit 1', () => {
    const r = remote({});
    expect(r.code).toBe(1);
    expect(r.text).toContain('2 host(s) on the sudo path: 1 ok, 0 STOPPED, 1 QUIET\n');
    expect(r.text).toMatch(
      /db1\s+QUIET\s+last sudo event 2026-04-30T06:00:00.000Z \(30h ago\), 1 events, no heartbeat, via fleet 10\.0\.0\.7:51000/,
    );
    expect(r.text).toMatch(/web1\s+ok\s+last sudo event .*\(5m ago\)/);
    expect(r.text).toMatch(
      /\nQUIET: no sudo event for more than 24h and no heartbeat, so relay cannot tell an idle host from one that stopped forwarding/,
    );
    expect(r.text).not.toContain('STOPPED:');
    expect(remote({ quietAfterMs: 48 * HOUR }).code).toBe(0);
  });

  it('with heartbeats: ok however long since the last sudo call; STOPPED once three heartbeats are missed', () => {
    table(
      5000,
      [],
      [
        ['db1', now - 20_000],
        ['mail1', now - 14 * 60_000],
        ['idle1', now - 30_000],
      ],
    );
    const r = remote({});
    expect(r.code).toBe(1);
    expect(r.text).toContain('4 host(s) on the sudo path: 3 ok, 1 STOPPED, 0 QUIET\n');
    expect(r.text).toMatch(
      / db1\s+ok\s+last sudo event 2026-04-30T06:00:00.000Z \(30h ago\), 1 events, heartbeat every 60s, last heard 20s ago, via fleet/,
    );
    expect(r.text).toMatch(/ idle1\s+ok\s+last sudo event none, 0 events, heartbeat every 60s, last heard 30s ago/);
    expect(r.text).toMatch(/ mail1\s+STOPPED\s+last sudo event none, 0 events, heartbeat every 60s, last heard 14m ago/);
    expect(r.text).toMatch(
      /\nSTOPPED: its heartbeats stopped \(none for more than 3 of its intervals\): its syslog-ng is down or was reconfigured, or lost its route or certificate to relay; relay alerts it as host_silent\n$/,
    );
  });

  it('with a HOST: exit 0 when ok, 1 when QUIET, STOPPED or never heard, saying which', () => {
    table(5000, [], [['mail1', now - 4 * 60_000]]);
    expect(remote({ host: 'web1', quietAfterMs: HOUR }).code).toBe(0);
    const quiet = remote({ host: 'db1', quietAfterMs: HOUR });
    expect(quiet.code).toBe(1);
    expect(quiet.text).toMatch(/^db1\s+QUIET .*\nQUIET: no sudo event for more than 60m/);
    const stopped = remote({ host: 'mail1' });
    expect(stopped.code).toBe(1);
    expect(stopped.text).toMatch(/^mail1\s+STOPPED .*last heard 4m ago.*\nSTOPPED: its heartbeats stopped/);
    expect(remote({ host: 'mail9' })).toEqual({ code: 1, text: 'mail9: no sudo events or heartbeats received from this host\n' });
  });

  it('says when the table reached its cap', () => {
    rmSync(join(dir, 'state'), { recursive: true });
    table(1, [
      ['db1', now - 3],
      ['db2', now - 2],
      ['db3', now - 1],
      ['web1', now],
    ]);
    expect(remote({ quietAfterMs: HOUR }).text).toContain(
      'the table holds at most 1 hosts and is full; 3 least recently heard host(s) were dropped',
    );
  });

  it('is wired into the CLI', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `state_dir: ${join(dir, 'state')}\n`);
    const r = await runCli(['test-sudo', '--config', file, '--remote', 'db1', '--quiet-after', '1h']);
    expect(r.stdout).toMatch(/^db1\s+QUIET/);
    expect(r.code).toBe(1);
  });
});
