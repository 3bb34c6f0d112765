// state_dir's disk fills: the outbox keeps what it cannot store in a bounded memory buffer, says so once,
// reports itself unwritable, and when space returns stores everything in order, once; what did not fit is
// counted and said to the notifiers concerned. Silence counts wait in memory too.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { SilenceDb } from '../../src/state/silence-db.ts';
import { readRecentSudo, RecentSudoLog } from '../../src/state/recent-sudo.ts';
import { SqliteStateStore } from '../../src/state/sqlite-state-store.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { describeWithTmpfs, mountTmpfs, type Tmpfs } from '../helpers/tmpfs.ts';
import { alert, DELIVERY } from '../delivery/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';

const long = (n: number) => alert(n, { title: `t${n}`, body: 'x'.repeat(500) });

describeWithTmpfs('a full disk under state_dir', () => {
  let disk: Tmpfs;
  let clock: ManualClock;
  let logs: ReturnType<typeof captureLog>;
  let sink: HttpSink;
  beforeEach(async () => {
    disk = mountTmpfs(2048);
    clock = new ManualClock(1000);
    logs = captureLog();
    sink = await new HttpSink().start();
  });
  afterEach(async () => {
    await sink.stop();
    disk.unmount();
  });

  it('buffers alerts in memory up to memory_buffer, says it once, and stores them in order once space returns', async () => {
    const outbox = Outbox.open(join(disk.dir, 'state'), { clock, log: logs.log, memoryBuffer: 50 });
    // One at a time, so the arrival order at the sink is the outbox's order.
    const d = new Dispatcher([createNotifier('hook', `${sink.url()}?concurrency=1`)], DELIVERY, outbox, clock, logs.log);
    d.enqueue(long(0));
    await sink.waitFor(1);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    const filler = disk.fill();

    for (let i = 1; i <= 80; i++) d.enqueue(long(i));
    await vi.waitFor(() => expect(d.stats.buffered).toBe(50));
    expect(d.stats.lost).toBe(30);
    expect(d.notifierStats().get('hook')).toMatchObject({ lost: 30 });
    expect(outbox.health()).toEqual({ writable: false, since: 1000, error: 'database or disk is full' });
    expect(logs.at('error').map((l) => l.msg)).toEqual([
      'outbox cannot write: the disk is full; new alerts wait in memory (delivery.memory_buffer) and writes are retried every 5s',
      'outbox memory buffer full while the disk refuses writes: further alerts are lost (counted, and said when the disk takes writes again)',
    ]);
    clock.advance(5000); // still full: retried, not said again
    expect(logs.at('error')).toHaveLength(2);

    rmSync(filler);
    clock.advance(5000);
    expect(outbox.health()).toEqual({ writable: true });
    await sink.waitFor(52);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    const titles = sink.json<{ title: string; message: string }>().map((m) => m.title);
    expect(titles).toEqual([...Array.from({ length: 51 }, (_, i) => `t${i}`), '30 alerts were lost while state_dir was full']);
    expect(sink.json<{ message: string }>()[51]!.message).toContain('memory buffer (delivery.memory_buffer: 50)');
    expect(outbox.commands.losses()).toEqual([expect.objectContaining({ notifier: 'hook', alerts: 30 })]);
    await d.drain(0);
    outbox.close();
  });

  it('never sends an alert twice when the disk refuses to record that it was sent', async () => {
    const outbox = Outbox.open(join(disk.dir, 'state'), { clock, log: logs.log });
    const d = new Dispatcher([createNotifier('hook', sink.url())], DELIVERY, outbox, clock, logs.log);
    // Held behind a first delivery that fails once, so the rows are on disk before the disk fills.
    sink.respond = () => (sink.rejected === 0 ? { status: 503 } : { status: 200 });
    for (let i = 1; i <= 5; i++) d.enqueue(long(i));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    const filler = disk.fill();
    clock.advance(DELIVERY.max_backoff);
    await sink.waitFor(5);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(outbox.health().writable).toBe(false);
    expect(outbox.pending().size).toBe(0);
    rmSync(filler);
    clock.advance(5000);
    expect(outbox.health()).toEqual({ writable: true });
    await d.drain(0);
    outbox.close();
    // Reopened: the sends the disk could not record at the time are recorded now; nothing goes out again.
    const again = Outbox.open(join(disk.dir, 'state'));
    expect(again.pending().size).toBe(0);
    again.close();
    expect(sink.json().map((m) => m.title)).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it('keeps recent sudo events the disk refuses in the state store, says it once, and writes them once space returns', () => {
    const state = join(disk.dir, 'state');
    const store = SqliteStateStore.open(state, clock, logs.log);
    const recent = new RecentSudoLog(store);
    const filler = disk.fill();
    const event = {
      receivedAt: new Date(0),
      listener: 'sudo',
      kind: 'sudo' as const,
      message: 'm',
      fields: { event: 'accept', user: 'u', command: 'c', id: '1' },
    };
    for (let i = 0; i < 3; i++) {
      recent.record(event);
      store.flush();
    }
    expect(logs.at('error').map((l) => l.msg)).toEqual([
      'state store cannot write: the disk is full; changes are held in memory and retried every 5s',
    ]);
    expect(store.health().writable).toBe(false);
    rmSync(filler);
    clock.advance(5000);
    expect(store.health()).toEqual({ writable: true });
    recent.record(event);
    store.flush();
    expect(readRecentSudo(state)).toHaveLength(4);
    store.close();
  });

  it('relay silence add on a full disk says so in one line, without a stack', async () => {
    const state = join(disk.dir, 'state');
    SilenceDb.open(state).close();
    const config = join(disk.dir, 'config.yaml');
    writeFileSync(config, `state_dir: ${state}\n`);
    disk.fill();
    const r = await runCli(['silence', 'add', '--match', 'host=web1', '--for', '1h', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/^relay: using config .*\n/m, '')).toMatch(
      /^relay: cannot write to state_dir: the disk is full \(SQLITE_[A-Z_]+\); free some space and try again\n$/,
    );
  });

  it('keeps silence counts the disk refuses in memory, says it once, and saves them with the next write', () => {
    const db = SilenceDb.open(join(disk.dir, 'state'), logs.log);
    const id = db.add({ match: { host: 'a' }, starts: 0, ends: 4e12, createdBy: 't' }, 0);
    const filler = disk.fill();
    for (let i = 0; i < 3; i++) db.addCounts(new Map([[id, 2]]));
    expect(logs.at('error').map((l) => l.msg)).toEqual([
      'cannot save silence counts: the disk is full; they are kept in memory and saved with the next write',
    ]);
    rmSync(filler);
    db.addCounts(new Map([[id, 1]]));
    expect(db.all()[0]!.silenced).toBe(7);
    db.close();
  });
});
