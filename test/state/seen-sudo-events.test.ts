// The record of sudo events already handed on: a resend is dropped in the same run and after a restart on
// the same state_dir; the table stays within its cap (saying so once) and forgets keys older than MAX_AGE.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { SqliteStateStore } from '../../src/state/sqlite-state-store.ts';
import { MAX_AGE, SeenSudoEvents } from '../../src/state/seen-sudo-events.ts';
import { captureLog } from '../helpers/capture-log.ts';

describe('SeenSudoEvents', () => {
  let dir: string;
  const clock = new ManualClock(Date.parse('2026-05-01T10:00:00Z'));
  const open = () => SqliteStateStore.open(dir, clock, captureLog().log);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-seen-sudo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says a key was seen, in this run and after a restart on the same state_dir', () => {
    const store = open();
    const seen = new SeenSudoEvents(store, clock, captureLog().log);
    expect([seen.firstTime('web1\u0000c1/0'), seen.firstTime('web1\u0000c1/1'), seen.firstTime('web1\u0000c1/0')]).toEqual([
      true,
      true,
      false,
    ]);
    store.close();
    const again = open();
    const after = new SeenSudoEvents(again, clock, captureLog().log);
    expect([after.firstTime('web1\u0000c1/1'), after.firstTime('web2\u0000c1/1')]).toEqual([false, true]);
    again.close();
  });

  it('keeps the newest keys at its cap, saying so once, and the store holds no more than the cap', () => {
    const { log, at } = captureLog();
    const store = open();
    const seen = new SeenSudoEvents(store, clock, log, 3);
    for (const n of [1, 2, 3, 4, 5]) {
      seen.firstTime(`k${n}`);
      clock.advance(1);
    }
    expect(seen.size).toBe(3);
    expect(at('warn').map((l) => [l.msg, l.cap])).toEqual([
      ['sudo events already received: table full, the oldest keys make room (a resend of those would alert again)', 3],
    ]);
    store.close();
    const again = open();
    expect([...again.load('sudo-seen').keys()].sort()).toEqual(['k3', 'k4', 'k5']);
    const after = new SeenSudoEvents(again, clock, log, 3);
    expect([after.firstTime('k5'), after.firstTime('k1')]).toEqual([false, true]);
    again.close();
  });

  it('forgets keys older than MAX_AGE, also those loaded at start', () => {
    const store = open();
    const seen = new SeenSudoEvents(store, clock, captureLog().log);
    seen.firstTime('old');
    clock.advance(MAX_AGE / 2);
    seen.firstTime('newer');
    store.close();
    clock.advance(MAX_AGE / 2);
    const again = open();
    const after = new SeenSudoEvents(again, clock, captureLog().log);
    expect(after.size).toBe(1);
    expect([after.firstTime('newer'), after.firstTime('old')]).toEqual([false, true]);
    again.close();
  });
});
