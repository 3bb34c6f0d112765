// The per-host sudo table: one row per host with its last event, bounded, surviving a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelayEvent } from '../../src/event.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { readSudoHosts, SudoHostsTable } from '../../src/state/sudo-hosts.ts';

function sudoFrom(host: string, at: number): RelayEvent {
  return { receivedAt: new Date(at), listener: 'fleet', kind: 'sudo', host, peer: '127.0.0.1:40000', message: 'accept', fields: { event: 'accept', host } };
}

describe('SudoHostsTable', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-sudo-hosts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last event per host with a count, and reads it back after a restart', () => {
    const { log } = captureLog();
    const t = new SudoHostsTable(dir, log);
    t.record(sudoFrom('web1', 1000));
    t.record(sudoFrom('web2', 2000));
    t.record(sudoFrom('web1', 3000));
    t.flush();
    expect(readSudoHosts(dir)).toEqual({
      cap: 5000,
      evicted: 0,
      hosts: [
        { host: 'web2', lastSeen: new Date(2000).toISOString(), events: 1, listener: 'fleet', peer: '127.0.0.1:40000' },
        { host: 'web1', lastSeen: new Date(3000).toISOString(), events: 2, listener: 'fleet', peer: '127.0.0.1:40000' },
      ],
    });
    const again = new SudoHostsTable(dir, log);
    again.record(sudoFrom('web2', 4000));
    again.flush();
    expect(readSudoHosts(dir).hosts.map((h) => [h.host, h.events])).toEqual([['web1', 2], ['web2', 2]]);
  });

  it('at the cap drops the least recently seen host, counts it and warns once', () => {
    const { log, lines } = captureLog();
    const t = new SudoHostsTable(dir, log, 2);
    t.record(sudoFrom('a', 1));
    t.record(sudoFrom('b', 2));
    t.record(sudoFrom('a', 3));
    t.record(sudoFrom('c', 4));
    t.record(sudoFrom('d', 5));
    t.flush();
    const file = readSudoHosts(dir);
    expect(file.hosts.map((h) => h.host)).toEqual(['c', 'd']);
    expect(file).toMatchObject({ cap: 2, evicted: 2 });
    expect(lines.filter((l) => /sudo host table full/.test(l.msg))).toHaveLength(1);
  });

  it('cannot write (state_dir is not a directory): logs one error, never throws, and starts empty from a damaged file', () => {
    const { log, at } = captureLog();
    const notADir = join(dir, 'file');
    writeFileSync(notADir, 'x');
    const t = new SudoHostsTable(notADir, log);
    t.record(sudoFrom('web1', 1));
    t.flush();
    t.flush();
    expect(at('error').map((l) => l.msg)).toEqual(['cannot write the sudo host table for relay test-sudo --remote; relay goes on without it']);
    writeFileSync(join(dir, 'sudo-hosts.json'), '{not json');
    expect(() => new SudoHostsTable(dir, log)).not.toThrow();
    expect(at('warn').map((l) => l.msg)).toContain('sudo host table unreadable; starting it empty');
  });
});
