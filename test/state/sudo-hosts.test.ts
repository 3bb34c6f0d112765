// The per-host sudo table: one entry per host in the state store with its last event and its last heartbeat,
// bounded, surviving a restart, and read by another process (`relay test-sudo --remote`) without writing
// anything.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { RelayEvent } from '../../src/event.ts';
import { SqliteStateStore } from '../../src/state/sqlite-state-store.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { readSudoHosts, SudoHostsTable } from '../../src/state/sudo-hosts.ts';

function sudoFrom(host: string, at: number): RelayEvent {
  return {
    receivedAt: new Date(at),
    listener: 'fleet',
    kind: 'sudo',
    host,
    peer: '127.0.0.1:40000',
    message: 'accept',
    fields: { event: 'accept', host },
  };
}

const at = (ms: number) => new Date(ms).toISOString();

describe('SudoHostsTable', () => {
  let dir: string;
  const open = () => SqliteStateStore.open(dir, new ManualClock(), captureLog().log);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-sudo-hosts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last event per host with a count, and reads it back after a restart', () => {
    const { log } = captureLog();
    const store = open();
    const t = new SudoHostsTable(store, log);
    t.record(sudoFrom('web1', 1000));
    t.record(sudoFrom('web2', 2000));
    t.record(sudoFrom('web1', 3000));
    store.flush();
    expect(readSudoHosts(dir)).toEqual({
      cap: 5000,
      evicted: 0,
      hosts: [
        { host: 'web2', lastHeard: at(2000), lastSeen: at(2000), events: 1, listener: 'fleet', peer: '127.0.0.1:40000' },
        { host: 'web1', lastHeard: at(3000), lastSeen: at(3000), events: 2, listener: 'fleet', peer: '127.0.0.1:40000' },
      ],
    });
    store.close();
    const again = open();
    new SudoHostsTable(again, log).record(sudoFrom('web2', 4000));
    again.close();
    expect(readSudoHosts(dir).hosts.map((h) => [h.host, h.events])).toEqual([
      ['web1', 2],
      ['web2', 2],
    ]);
  });

  it('keeps heartbeats apart from sudo events: both make a host heard, only sudo events count as its last event', () => {
    const store = open();
    const t = new SudoHostsTable(store, captureLog().log);
    t.heard({ host: 'web1', every: 60, listener: 'fleet-tls', receivedAt: new Date(1000), peer: '10.0.0.7:51000' });
    t.record(sudoFrom('web1', 2000));
    t.heard({ host: 'web1', every: 30, listener: 'fleet', receivedAt: new Date(3000) });
    t.heard({ host: 'db1', every: 60, listener: 'fleet', receivedAt: new Date(4000) });
    store.close();
    expect(readSudoHosts(dir).hosts).toEqual([
      { host: 'web1', lastHeard: at(3000), lastSeen: at(2000), events: 1, lastHeartbeat: at(3000), heartbeatEvery: 30, listener: 'fleet' },
      { host: 'db1', lastHeard: at(4000), events: 0, lastHeartbeat: at(4000), heartbeatEvery: 60, listener: 'fleet' },
    ]);
  });

  it('reads entries written before heartbeats existed as last heard at their last sudo event', () => {
    const store = open();
    store.namespace('sudo-hosts', () => ({ host: 'old1', lastSeen: at(5000), events: 3, listener: 'fleet' })).changed('old1');
    store.close();
    expect(readSudoHosts(dir).hosts).toEqual([{ host: 'old1', lastHeard: at(5000), lastSeen: at(5000), events: 3, listener: 'fleet' }]);
  });

  it('at the cap drops the least recently seen host, counts it and warns once', () => {
    const { log, lines } = captureLog();
    const store = open();
    const t = new SudoHostsTable(store, log, 2);
    t.record(sudoFrom('a', 1));
    t.record(sudoFrom('b', 2));
    t.record(sudoFrom('a', 3));
    t.record(sudoFrom('c', 4));
    t.record(sudoFrom('d', 5));
    store.close();
    const table = readSudoHosts(dir);
    expect(table.hosts.map((h) => h.host)).toEqual(['c', 'd']);
    expect(table).toMatchObject({ cap: 2, evicted: 2 });
    expect(lines.filter((l) => /sudo host table full/.test(l.msg))).toHaveLength(1);
  });

  it('reads as an empty table, creating no file, before relay has written one', () => {
    expect(readSudoHosts(dir)).toEqual({ cap: 5000, evicted: 0, hosts: [] });
    expect(existsSync(join(dir, 'state.db'))).toBe(false);
  });
});
