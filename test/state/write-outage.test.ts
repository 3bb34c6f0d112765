// The one disk-full hold-and-retry every store in state_dir uses (outbox, state store): an outage is said
// once, reported by health(), retried every 5 s until a write goes through, and its end said once.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { WriteOutage } from '../../src/state/write-outage.ts';
import { captureLog } from '../helpers/capture-log.ts';

const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
const locked = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

function setUp() {
  const clock = new ManualClock(1000);
  const logs = captureLog();
  const tries: number[] = [];
  let refuse: Error | undefined = full;
  const outage: WriteOutage = new WriteOutage(
    {
      clock,
      log: logs.log,
      file: '/state/x.db',
      name: 'x store',
      holds: 'changes wait in memory and are retried',
      healed: 'held changes written',
    },
    () => {
      tries.push(clock.now());
      if (refuse) outage.failed(refuse, { entries: 3 });
      else outage.succeeded({ stored: 3 });
    },
  );
  return { clock, logs, tries, outage, heal: () => (refuse = undefined) };
}

describe('WriteOutage', () => {
  it('says a full disk once, retries every 5 s while it stays full, and says once that writes go through again', () => {
    const { clock, logs, tries, outage, heal } = setUp();
    expect(outage.health()).toEqual({ writable: true });
    outage.failed(full, { entries: 3 });
    expect(outage.health()).toEqual({ writable: false, since: 1000, error: 'database or disk is full' });
    expect(outage.failing && outage.retrying).toBe(true);
    clock.advance(5000);
    clock.advance(5000);
    expect(tries).toEqual([6000, 11000]);
    expect(logs.at('error')).toEqual([
      expect.objectContaining({
        msg: 'x store cannot write: the disk is full; changes wait in memory and are retried every 5s',
        file: '/state/x.db',
        code: 'SQLITE_FULL',
        entries: 3,
      }),
    ]);
    heal();
    clock.advance(5000);
    expect(outage.health()).toEqual({ writable: true });
    expect(outage.retrying).toBe(false);
    expect(logs.at('info')).toEqual([
      expect.objectContaining({
        msg: 'x store writable again; held changes written',
        since: new Date(1000).toISOString(),
        stored: 3,
      }),
    ]);
    clock.advance(60_000);
    expect(tries).toHaveLength(3);
  });

  it('names a failure that is not a full disk without saying the disk is full', () => {
    const { logs, outage } = setUp();
    outage.failed(locked);
    expect(logs.at('error').map((l) => l.msg)).toEqual(['x store cannot write; changes wait in memory and are retried every 5s']);
  });

  it('arms no retry once closed, and a write that went through without an outage says nothing', () => {
    const { clock, logs, tries, outage } = setUp();
    outage.succeeded();
    expect(logs.lines).toHaveLength(0);
    outage.failed(full);
    outage.close();
    expect(clock.pending()).toBe(0);
    outage.failed(full);
    expect(clock.pending()).toBe(0);
    expect(tries).toHaveLength(0);
    expect(outage.health().writable).toBe(false);
  });
});
