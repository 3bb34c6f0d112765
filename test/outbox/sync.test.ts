// delivery.sync_interval: outbox commits are not synced one by one; a timer has them made durable (an
// fsync of the WAL, where every commit is, on libuv's thread pool) this long after the first unsynced
// commit, and the WAL is copied into outbox.db (a checkpoint) only once it is large. With 0, every commit
// is synced as it returns and no timer runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { alert } from '../delivery/fixtures.ts';

/** Whether outbox.db itself (not its WAL) holds `text`: only a checkpoint writes there. */
const inMainFile = (dir: string, text: string) => readFileSync(join(dir, 'outbox.db')).includes(text);
const WAIT = { timeout: 10_000, interval: 5 };

describe('the outbox with a sync interval', () => {
  let dir: string;
  let clock: ManualClock;
  let logs: ReturnType<typeof captureLog>;
  const syncs = () => logs.at('debug').filter((l) => l.msg === 'outbox synced to disk').length;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-sync-'));
    clock = new ManualClock(1000);
    logs = captureLog();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs what was written sync_interval after the first unsynced commit, then waits for the next commit', async () => {
    const outbox = Outbox.open(dir, { clock, log: logs.log, syncInterval: 500 });
    outbox.add([{ alert: alert(1), notifiers: ['hook'] }], clock.now());
    clock.advance(200);
    outbox.add([{ alert: alert(2), notifiers: ['hook'] }], clock.now());
    expect(clock.pending()).toBe(1);
    clock.advance(299);
    expect(syncs()).toBe(0);

    clock.advance(1);
    await vi.waitFor(() => expect(syncs()).toBe(1), WAIT);
    expect(clock.pending()).toBe(0);

    // A delivered row's removal is a commit like any other.
    outbox.remove(outbox.head('hook', 2));
    expect(clock.pending()).toBe(1);
    clock.advance(500);
    await vi.waitFor(() => expect(syncs()).toBe(2), WAIT);
    outbox.close();
  });

  it('copies the WAL into outbox.db only once it has grown past 4 MB', async () => {
    const outbox = Outbox.open(dir, { clock, log: logs.log, syncInterval: 500 });
    outbox.add([{ alert: alert(1, { title: 'waits-in-the-wal' }), notifiers: ['hook'] }], clock.now());
    clock.advance(500);
    await vi.waitFor(() => expect(syncs()).toBe(1), WAIT);
    expect(inMainFile(dir, 'waits-in-the-wal')).toBe(false);

    for (let i = 2; i < 60; i++) outbox.add([{ alert: alert(i, { body: 'x'.repeat(100_000) }), notifiers: ['hook'] }], clock.now());
    clock.advance(500);
    await vi.waitFor(() => expect(syncs()).toBe(2), WAIT);
    expect(inMainFile(dir, 'waits-in-the-wal')).toBe(true);
    outbox.close();
  });

  it('with sync_interval 0 syncs every commit as it returns: no timer', () => {
    const outbox = Outbox.open(dir, { clock, syncInterval: 0 });
    outbox.add([{ alert: alert(1), notifiers: ['hook'] }], clock.now());
    outbox.remove(outbox.head('hook'));
    expect(clock.pending()).toBe(0);
    outbox.close();
  });

  it('syncs at close what the timer had not', () => {
    const outbox = Outbox.open(dir, { clock, syncInterval: 500 });
    outbox.add([{ alert: alert(1, { title: 'closed-before-sync' }), notifiers: ['hook'] }], clock.now());
    outbox.close();
    expect(clock.pending()).toBe(0);
    expect(inMainFile(dir, 'closed-before-sync')).toBe(true);
  });
});
