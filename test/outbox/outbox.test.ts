import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Outbox } from '../../src/outbox/outbox.ts';
import { alert } from '../delivery/fixtures.ts';

describe('Outbox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every field of a pending alert across a reopen of the file, in order, per notifier', () => {
    const first = Outbox.open(dir);
    first.add(
      [{ alert: alert(1, { severity: 3, type: 'failure', count: 4, createdAt: 111, notify: ['a', 'b'] }), notifiers: ['a', 'b'] }],
      1000,
    );
    first.add([{ alert: alert(2), notifiers: ['a'] }], 2000);
    first.close();
    const again = Outbox.open(dir);
    expect(again.pending()).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(again.head('a', 10)).toEqual([
      expect.objectContaining({
        alertId: 'a1',
        notifier: 'a',
        title: 't1',
        body: 'b1',
        type: 'failure',
        severity: 3,
        rule: 'r',
        key: 'k1',
        count: 4,
        createdAt: 111,
        enqueuedAt: 1000,
        attempts: 0,
        nextAttemptAt: 1000,
      }),
      expect.objectContaining({ alertId: 'a2', enqueuedAt: 2000 }),
    ]);
    again.close();
  });

  it('reads a light head of what a lane decides on, and whole rows only by seq, leaving out rows no longer pending', () => {
    const outbox = new Outbox(':memory:');
    outbox.add(
      [1, 2, 3].map((i) => ({ alert: alert(i), notifiers: ['a'] })),
      1000,
    );
    const [first, second, third] = outbox.head('a', 3);
    outbox.retryLater([second!], 5000, 'HTTP 503');
    const heads = outbox.heads('a', 2);
    expect(heads).toEqual([
      { seq: first!.seq, rule: 'r', key: 'k1', attempts: 0, nextAttemptAt: 1000, enqueuedAt: 1000 },
      { seq: second!.seq, rule: 'r', key: 'k2', attempts: 1, nextAttemptAt: 5000, enqueuedAt: 1000 },
    ]);
    outbox.remove([first!]);
    expect(outbox.rows([third!.seq, first!.seq, second!.seq])).toEqual([
      third,
      { ...second, attempts: 1, nextAttemptAt: 5000, lastError: 'HTTP 503' },
    ]);
    outbox.close();
  });

  it('hands over the rows a small commit wrote, whole and as a read returns them, once', () => {
    const outbox = new Outbox(':memory:');
    const recipient = { user: 'ana', name: 'Ana', email: 'ana@example.org', handles: {} };
    outbox.add(
      [
        {
          alert: alert(1, {
            severity: 2,
            recipient,
            answers: { yes: { url: 'https://x/y', token: 'ty' }, no: { url: 'https://x/n', token: 'tn' }, buttons: false },
          }),
          notifiers: ['a', 'b'],
        },
        { alert: alert(2), notifiers: ['a'], alerts: 3, reroutedFrom: 'c' },
      ],
      1000,
    );
    const written = outbox.takeWritten();
    expect(written.map((r) => [r.alertId, r.notifier])).toEqual([
      ['a1', 'a'],
      ['a1', 'b'],
      ['a2', 'a'],
    ]);
    expect(written).toEqual(outbox.rows(written.map((r) => r.seq)));
    expect(outbox.takeWritten()).toEqual([]);
    // Added before: no new row, nothing handed over.
    outbox.add([{ alert: alert(2), notifiers: ['a'] }], 2000);
    expect(outbox.takeWritten()).toEqual([]);
    outbox.close();
  });

  it('hands over nothing of a commit too large for it: those rows are read as a backlog', () => {
    const outbox = new Outbox(':memory:');
    outbox.add(
      Array.from({ length: 17 }, (_, i) => ({ alert: alert(i), notifiers: ['a'] })),
      1000,
    );
    expect(outbox.takeWritten()).toEqual([]);
    expect(outbox.pending()).toEqual(new Map([['a', 17]]));
    outbox.close();
  });

  it('adds an alert once per notifier, however often it is handed over', () => {
    const outbox = new Outbox(':memory:');
    expect(outbox.add([{ alert: alert(1), notifiers: ['a'] }], 0)).toEqual([['a']]);
    expect(
      outbox.add(
        [
          { alert: alert(1), notifiers: ['a', 'b'] },
          { alert: alert(2), notifiers: ['a'] },
        ],
        0,
      ),
    ).toEqual([['b'], ['a']]);
    expect(outbox.pending()).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    outbox.close();
  });

  it('counts tries and remembers the last error and the next try time', () => {
    const outbox = new Outbox(':memory:');
    outbox.add([{ alert: alert(1), notifiers: ['a'] }], 0);
    const [row] = outbox.head('a');
    outbox.retryLater([row!], 5000, 'HTTP 503');
    outbox.retryLater([row!], 9000, 'HTTP 429');
    expect(outbox.head('a')[0]).toMatchObject({ attempts: 2, nextAttemptAt: 9000, lastError: 'HTTP 429' });
    outbox.close();
  });

  it('keeps dead rows for inspection, out of the lane, bounded to the newest 1000', () => {
    const outbox = new Outbox(':memory:');
    for (let i = 0; i < 1005; i++) outbox.add([{ alert: alert(i), notifiers: ['a'] }], i);
    for (const row of outbox.head('a', 2000)) outbox.bury([row], `rejected ${row.alertId}`, row.enqueuedAt);
    expect(outbox.pending().size).toBe(0);
    const dead = outbox.dead(2000);
    expect(dead).toHaveLength(1000);
    expect(dead[0]).toMatchObject({ alertId: 'a1004', lastError: 'rejected a1004' });
    expect(dead.at(-1)).toMatchObject({ alertId: 'a5' });
    outbox.close();
  });

  it('opens an outbox.db written before folding and fallbacks, keeping its rows', () => {
    const file = join(dir, 'outbox.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, notifier TEXT NOT NULL,
      title TEXT NOT NULL, body TEXT NOT NULL, type TEXT NOT NULL, severity INTEGER, rule TEXT NOT NULL,
      key TEXT NOT NULL, count INTEGER NOT NULL, created_at INTEGER NOT NULL, enqueued_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
      state TEXT NOT NULL DEFAULT 'pending', dead_at INTEGER, UNIQUE (alert_id, notifier));
      INSERT INTO outbox (alert_id, notifier, title, body, type, rule, key, count, created_at, enqueued_at, next_attempt_at)
        VALUES ('a1', 'hook', 't1', 'b1', 'info', 'r', 'k1', 3, 0, 0, 0)`);
    old.close();
    const outbox = Outbox.open(dir);
    expect(outbox.head('hook')).toEqual([expect.objectContaining({ alertId: 'a1', count: 3, alerts: 1 })]);
    expect(outbox.head('hook')[0]).not.toHaveProperty('reroutedFrom');
    outbox.close();
  });
});
