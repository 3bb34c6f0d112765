// relay's own word when a host on the sudo path stops sending heartbeats: one host_silent when it missed
// three, one host_back when it is heard again, never one per check, and neither repeated by a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { RelayEvent } from '../../../src/event.ts';
import { silentLogger } from '../../../src/log.ts';
import { CHECK_EVERY_MS, SilentHosts } from '../../../src/sources/sudo/silent-hosts.ts';
import { SqliteStateStore } from '../../../src/state/sqlite-state-store.ts';
import { SudoHostsTable } from '../../../src/state/sudo-hosts.ts';

const T0 = Date.parse('2026-05-01T12:00:00Z');
const MINUTE = 60_000;

describe('SilentHosts', () => {
  let dir: string;
  let clock: ManualClock;
  let store: SqliteStateStore;
  let table: SudoHostsTable;
  let watch: SilentHosts;
  let said: RelayEvent[];

  /** relay starting (again) on the same state_dir at the clock's time. */
  const start = () => {
    store = SqliteStateStore.open(dir, clock, silentLogger);
    table = new SudoHostsTable(store, silentLogger);
    watch = new SilentHosts(table, clock, (e) => said.push(e), silentLogger);
    watch.start();
  };
  const stop = () => {
    watch.stop();
    store.close();
  };
  const beat = (host: string, every = 60) =>
    table.heard({ host, every, listener: 'fleet', receivedAt: new Date(clock.now()), peer: '10.0.0.7:51000' });
  const sudo = (host: string) =>
    table.record({ receivedAt: new Date(clock.now()), listener: 'fleet', kind: 'sudo', host, message: '', fields: {} });
  /** Heartbeats every minute for `minutes` minutes, as a live host's syslog-ng sends them. */
  const live = (host: string, minutes: number) => {
    for (let i = 0; i < minutes; i++) {
      clock.advance(MINUTE);
      beat(host);
    }
  };
  const events = () => said.map((e) => [e.fields.event, e.host]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-silent-'));
    clock = new ManualClock(T0);
    said = [];
    start();
  });
  afterEach(() => {
    stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says host_silent once, after three missed heartbeats, and host_back once when one comes again', () => {
    beat('web1');
    live('web1', 5);
    expect(said).toEqual([]);
    clock.advance(3 * MINUTE);
    expect(said).toEqual([]);
    clock.advance(CHECK_EVERY_MS);
    expect(events()).toEqual([['host_silent', 'web1']]);
    const [silent] = said;
    expect(silent).toMatchObject({
      kind: 'relay',
      app: 'relay',
      host: 'web1',
      listener: 'fleet',
      severity: 4,
      fields: { event: 'host_silent', heartbeat_every_s: 60, silent_after_s: 180, last_heard: new Date(T0 + 5 * MINUTE).toISOString() },
    });
    expect(silent!.message).toMatch(/^web1 stopped forwarding on the sudo path: not heard for 18\ds, heartbeat expected every 60s/);
    clock.advance(60 * MINUTE);
    expect(said).toHaveLength(1);
    beat('web1');
    clock.advance(CHECK_EVERY_MS);
    expect(events()).toEqual([
      ['host_silent', 'web1'],
      ['host_back', 'web1'],
    ]);
    expect(said[1]).toMatchObject({ severity: 5, fields: { event: 'host_back', silent_since: new Date(T0 + 5 * MINUTE).toISOString() } });
    live('web1', 10);
    expect(said).toHaveLength(2);
  });

  it('a sudo event proves the path as a heartbeat does; a host that never sent a heartbeat is never called silent', () => {
    beat('web1');
    sudo('db1');
    clock.advance(2 * MINUTE);
    sudo('web1');
    clock.advance(2 * MINUTE);
    expect(said).toEqual([]);
    clock.advance(24 * 60 * MINUTE);
    expect(events()).toEqual([['host_silent', 'web1']]);
  });

  it('keys each host to the interval its own heartbeat declares', () => {
    beat('fast', 1);
    beat('slow', 600);
    clock.advance(3000 + CHECK_EVERY_MS);
    expect(events()).toEqual([['host_silent', 'fast']]);
    clock.advance(30 * MINUTE);
    expect(events()).toEqual([
      ['host_silent', 'fast'],
      ['host_silent', 'slow'],
    ]);
  });

  it('a restart neither repeats host_silent nor calls silent a host relay could not hear while it was down', () => {
    beat('web1');
    clock.advance(4 * MINUTE);
    expect(events()).toEqual([['host_silent', 'web1']]);
    beat('db1');
    stop();
    // relay down for an hour: db1 (heard just before the stop) gets its whole allowance from the new start.
    clock.advance(60 * MINUTE);
    start();
    clock.advance(2 * MINUTE);
    expect(said).toHaveLength(1);
    clock.advance(2 * MINUTE);
    expect(events().slice(1)).toEqual([['host_silent', 'db1']]);
    beat('web1');
    clock.advance(CHECK_EVERY_MS);
    expect(events().slice(2)).toEqual([['host_back', 'web1']]);
  });

  it('stops checking when stopped', () => {
    beat('web1');
    watch.stop();
    expect(clock.pending()).toBe(0);
    watch.start();
  });
});
