// A crash-like stop: the process is killed (SIGKILL) right after enqueue returned, with no drain and no
// close. Everything it enqueued is in outbox.db and goes out from the next process — also when its commits
// were never synced (delivery.sync_interval): the OS has them once the commit returns.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { DELIVERY } from '../delivery/fixtures.ts';

const CHILD = fileURLToPath(new URL('./fixtures/enqueue-and-hang.ts', import.meta.url));

/** Runs the child until it has enqueued, then kills it without warning. */
async function enqueueAndKill(stateDir: string, url: string, count: number, syncInterval = 0): Promise<void> {
  // Node itself with tsx's loader: the tsx CLI would run the script in a grandchild that SIGKILL misses.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, stateDir, url, String(count), String(syncInterval)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('enqueued') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before enqueueing`)));
  });
  child.kill('SIGKILL');
  await exited;
}

describe('a killed relay', () => {
  let dir: string;
  let sink: HttpSink;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-crash-'));
    sink = await new HttpSink().start();
  });
  afterEach(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deliveredAfterRestart(): Promise<void> {
    sink.respond = () => ({ status: 200 });
    const outbox = Outbox.open(dir);
    expect(outbox.pending().get('hook')).toBe(4);
    const clock = new ManualClock(Date.now());
    const dispatcher = new Dispatcher([createNotifier('hook', sink.url())], DELIVERY, outbox, clock, silentLogger);
    clock.advance(DELIVERY.max_backoff);
    await sink.waitFor(4);
    await vi.waitFor(() => expect(dispatcher.stats.queued).toBe(0));
    expect(sink.json().map((b) => b.title)).toEqual(['t1', 't2', 't3', 't4']);
    await dispatcher.drain(0);
    outbox.close();
  }

  it('loses nothing it enqueued: the next process delivers all of it, in order', async () => {
    sink.respond = () => ({ status: 503 });
    await enqueueAndKill(dir, sink.url(), 4);
    await deliveredAfterRestart();
  });

  it('loses nothing it committed without a sync (sync_interval): the next process delivers all of it, in order', async () => {
    sink.respond = () => ({ status: 503 });
    await enqueueAndKill(dir, sink.url(), 4, 3_600_000);
    // Not synced: outbox.db without its WAL does not even hold the table yet.
    const mainFileOnly = join(dir, 'main-only.db');
    copyFileSync(join(dir, 'outbox.db'), mainFileOnly);
    const copy = new Database(mainFileOnly, { readonly: true });
    expect(copy.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox'").all()).toEqual([]);
    copy.close();
    await deliveredAfterRestart();
  });
});
