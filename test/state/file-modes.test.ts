// Every file relay creates in state_dir holds alert text or who ran what as root: relay's user only, even
// when the directory already exists and the umask is the usual 022.
import { mkdirSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/outbox/outbox.ts';
import { SilenceDb } from '../../src/state/silence-db.ts';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { RecentSudoLog } from '../../src/state/recent-sudo.ts';
import { SqliteStateStore } from '../../src/state/sqlite-state-store.ts';
import { alert } from '../delivery/fixtures.ts';

const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8);

describe('state_dir file modes', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'relay-modes-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates state_dir 0700 and outbox.db, relay.db and state.db (WAL and SHM too) 0600', () => {
    const dir = join(root, 'var');
    const outbox = Outbox.open(dir);
    outbox.add([{ alert: alert(1), notifiers: ['a'] }], 0);
    const silences = SilenceDb.open(dir);
    silences.add({ match: { host: 'x' }, starts: 0, ends: 1, createdBy: 't' }, 0);
    const state = SqliteStateStore.open(dir, new ManualClock(), silentLogger);
    new RecentSudoLog(state).record({
      receivedAt: new Date(0),
      listener: 'sudo',
      kind: 'sudo',
      message: 'm',
      fields: { event: 'accept', user: 'u', command: 'c', id: '1' },
    });
    state.flush();
    expect(mode(dir)).toBe('700');
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'outbox.db',
      'outbox.db-shm',
      'outbox.db-wal',
      'relay.db',
      'relay.db-shm',
      'relay.db-wal',
      'state.db',
      'state.db-shm',
      'state.db-wal',
    ]);
    for (const f of files) expect([f, mode(join(dir, f))]).toEqual([f, '600']);
    outbox.close();
    silences.close();
    state.close();
  });

  it('makes the files 0600 in a state_dir that already exists with wider modes', () => {
    const dir = join(root, 'existing');
    mkdirSync(dir, { mode: 0o755 });
    const outbox = Outbox.open(dir);
    outbox.add([{ alert: alert(1), notifiers: ['a'] }], 0);
    for (const f of ['outbox.db', 'outbox.db-wal', 'outbox.db-shm']) expect([f, mode(join(dir, f))]).toEqual([f, '600']);
    outbox.close();
  });
});
