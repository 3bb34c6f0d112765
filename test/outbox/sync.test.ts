// delivery.sync_interval: outbox commits are not synced one by one; a timer has them made durable (a SQLite
// checkpoint, which syncs the WAL and then copies it into outbox.db, run on another thread) this long
// after the first unsynced commit. With 0, every commit is synced as it returns and no timer runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { describeWithTmpfs, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.ts';
import { alert } from '../delivery/fixtures.ts';

/** Whether outbox.db itself (not its WAL) holds `text`: only a checkpoint writes there. */
const inMainFile = (dir: string, text: string) => readFileSync(join(dir, 'outbox.db')).includes(text);
const WAIT = { timeout: 5000, interval: 5 };

describe('the outbox with a sync interval', () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-sync-'));
    clock = new ManualClock(1000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs what was written sync_interval after the first unsynced commit, then waits for the next commit', async () => {
    const outbox = Outbox.open(dir, { clock, syncInterval: 500 });
    outbox.add([{ alert: alert(1, { title: 'first-unsynced-title' }), notifiers: ['hook'] }], clock.now());
    clock.advance(200);
    outbox.add([{ alert: alert(2, { title: 'second-unsynced-title' }), notifiers: ['hook'] }], clock.now());
    expect(clock.pending()).toBe(1);
    clock.advance(299);
    expect(inMainFile(dir, 'first-unsynced-title')).toBe(false);

    clock.advance(1);
    await vi.waitFor(() => expect(inMainFile(dir, 'second-unsynced-title')).toBe(true), WAIT);
    expect(inMainFile(dir, 'first-unsynced-title')).toBe(true);
    expect(clock.pending()).toBe(0);

    // A delivered row's removal is a commit like any other.
    outbox.remove(outbox.head('hook', 2));
    expect(clock.pending()).toBe(1);
    outbox.close();
    expect(clock.pending()).toBe(0);
  });

  it('with sync_interval 0 syncs every commit as it returns: no timer', () => {
    const outbox = Outbox.open(dir, { clock, syncInterval: 0 });
    outbox.add([{ alert: alert(1), notifiers: ['hook'] }], clock.now());
    outbox.remove(outbox.head('hook'));
    expect(clock.pending()).toBe(0);
    outbox.close();
  });

  it('syncs at close what the timer had not, also while the sync thread is running', async () => {
    const outbox = Outbox.open(dir, { clock, syncInterval: 500 });
    outbox.add([{ alert: alert(1, { title: 'synced-by-the-thread' }), notifiers: ['hook'] }], clock.now());
    clock.advance(500);
    await vi.waitFor(() => expect(inMainFile(dir, 'synced-by-the-thread')).toBe(true), WAIT);
    outbox.add([{ alert: alert(2, { title: 'closed-before-sync' }), notifiers: ['hook'] }], clock.now());
    outbox.close();
    expect(clock.pending()).toBe(0);
    expect(inMainFile(dir, 'closed-before-sync')).toBe(true);
  });
});

describeWithTmpfs('the outbox sync on a full disk', () => {
  let disk: Tmpfs;
  beforeEach(() => {
    disk = mountTmpfs(1024);
  });
  afterEach(() => disk.unmount());

  it('says once that it cannot sync, retries every interval, and says when it synced again', async () => {
    const clock = new ManualClock(1000);
    const logs = captureLog();
    const dir = join(disk.dir, 'state');
    const outbox = Outbox.open(dir, { clock, log: logs.log, syncInterval: 500 });
    outbox.add([{ alert: alert(1, { title: 'held-by-a-full-disk', body: 'x'.repeat(20_000) }), notifiers: ['hook'] }], clock.now());
    const filler = disk.fill();

    // Each failed try sets the timer again: that is when its answer is in.
    for (let tries = 0; tries < 2; tries++) {
      clock.advance(500);
      await vi.waitFor(() => expect(clock.pending()).toBe(1), WAIT);
    }
    expect(logs.at('error').map((l) => l.msg)).toEqual([
      'outbox cannot sync to disk: alerts written since the last sync would not survive a power loss; retried every delivery.sync_interval',
    ]);

    rmSync(filler);
    clock.advance(500);
    await vi.waitFor(() => expect(logs.at('info').map((l) => l.msg)).toEqual(['outbox synced to disk again']), WAIT);
    expect(inMainFile(dir, 'held-by-a-full-disk')).toBe(true);
    expect(clock.pending()).toBe(0);
    outbox.close();
  });
});
