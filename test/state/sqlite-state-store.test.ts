import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SqliteStateStore } from '../../src/state/sqlite-state-store.ts';
import { openSqlite } from '../../src/state/sqlite-file.ts';
import { captureLog } from '../helpers/capture-log.ts';

const dirs: string[] = [];
function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'relay-state-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SqliteStateStore', () => {
  it("writes the changes of one turn, each key's value at the end of the turn, and reads them back in a new process-like open", async () => {
    const dir = stateDir();
    const { log } = captureLog();
    const store = SqliteStateStore.open(dir, new ManualClock(), log);
    const groups = new Map<string, unknown>();
    const aggregate = store.namespace('aggregate', (key) => groups.get(key));
    const dedupe = store.namespace('dedupe', (key) => (key === 'k' ? [1, 'x'] : undefined));
    groups.set('r1 host=a', { count: 1 });
    aggregate.changed('r1 host=a');
    groups.set('r1 host=a', { count: 2 });
    aggregate.changed('r1 host=a');
    groups.set('r1 host=b', { count: 1 });
    aggregate.changed('r1 host=b');
    groups.delete('r1 host=b');
    aggregate.changed('r1 host=b');
    dedupe.changed('k');
    await new Promise((resolve) => setImmediate(resolve));
    const again = SqliteStateStore.open(dir, new ManualClock(), log);
    expect([...again.load('aggregate')]).toEqual([['r1 host=a', { count: 2 }]]);
    expect(again.load('dedupe').get('k')).toEqual([1, 'x']);
    expect(again.load('nothing').size).toBe(0);
    again.close();
    store.close();
  });

  it('saves a namespace changed in this turn before it is loaded, so a new owner reads its latest entries', () => {
    const dir = stateDir();
    const { log } = captureLog();
    const store = SqliteStateStore.open(dir, new ManualClock(), log);
    let value = 1;
    const before = store.namespace('throttle', () => value);
    before.changed('k');
    value = 2;
    expect(
      store
        .namespace('throttle', () => undefined)
        .load()
        .get('k'),
    ).toBe(2);
    store.close();
  });

  it('creates its files readable by its owner only', async () => {
    const dir = stateDir();
    const { log } = captureLog();
    const store = SqliteStateStore.open(dir, new ManualClock(), log);
    store.namespace('a', () => 1).changed('b');
    store.flush();
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    store.close();
  });

  it('names a damaged file and the repair instead of a stack trace', () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'state.db'), 'this is not a database, it is forty bytes or more of text');
    const { log } = captureLog();
    expect(() => SqliteStateStore.open(dir, new ManualClock(), log)).toThrow(/state\.db is damaged \(SQLITE_NOTADB.*relay repair/);
  });

  it('holds changes when a write fails, reports itself unwritable, and writes them when the disk takes them again', () => {
    const dir = stateDir();
    const clock = new ManualClock(1000);
    const { log, lines } = captureLog();
    const store = SqliteStateStore.open(dir, clock, log);
    // Another connection holds the write lock: the same path through the code as a full disk, without one.
    const blocker = openSqlite(join(dir, 'state.db'), { synchronous: 'NORMAL', repair: '' });
    blocker.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    (store as unknown as { db: { pragma(s: string): void } }).db.pragma('busy_timeout = 0');
    store.namespace('throttle', () => ({ held: 3 })).changed('k');
    store.flush();
    expect(store.health()).toMatchObject({ writable: false, since: 1000 });
    expect(lines.filter((l) => /state store cannot write/.test(l.msg))).toHaveLength(1);
    expect(store.load('throttle').get('k')).toEqual({ held: 3 });
    clock.advance(5000);
    expect(store.health().writable).toBe(false);
    expect(lines.filter((l) => /state store cannot write/.test(l.msg))).toHaveLength(1);
    blocker.exec('COMMIT');
    clock.advance(5000);
    expect(store.health()).toEqual({ writable: true });
    expect(lines.some((l) => /writable again/.test(l.msg))).toBe(true);
    blocker.close();
    store.close();
    const again = SqliteStateStore.open(dir, clock, log);
    expect(again.load('throttle').get('k')).toEqual({ held: 3 });
    again.close();
    expect(readFileSync(join(dir, 'state.db')).length).toBeGreaterThan(0);
  });
});
