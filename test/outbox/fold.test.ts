// delivery.max_queue's fold in the outbox: one rule's rows become one at the place of its first, with
// exact counts; rows in flight and other rules' rows are left as they are; a later fold adds to it.
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/outbox/outbox.ts';
import { alert } from '../delivery/fixtures.ts';

describe("folding a notifier's rows per rule", () => {
  it('folds the noisiest rule behind the rows in flight, keeps other rules in place, and adds later rows to the same fold', () => {
    const outbox = new Outbox(':memory:');
    const add = (n: number, rule: string) =>
      outbox.add([{ alert: alert(n, { rule, count: 2, createdAt: n * 1000 }), notifiers: ['hook'] }], n);
    for (let n = 1; n <= 12; n++) add(n, n === 5 || n === 9 ? 'quiet' : 'noisy');
    const [inFlight] = outbox.head('hook');
    expect(outbox.fold('hook', 4, inFlight!.seq, 'test')).toEqual([{ rule: 'noisy', alerts: 9, rows: 9, newlyFolded: 9 }]);
    const rows = outbox.head('hook', 100);
    expect(rows.map((r) => [r.rule, r.alerts])).toEqual([
      ['noisy', 1],
      ['noisy', 9],
      ['quiet', 1],
      ['quiet', 1],
    ]);
    expect(rows[1]).toMatchObject({ alertId: 'a2', count: 18, title: 'noisy: 9 alerts folded into one (test)' });
    expect(rows[1]!.body).toContain(
      '9 alerts (18 events) of rule noisy for hook, from 1970-01-01T00:00:02.000Z to 1970-01-01T00:00:12.000Z',
    );

    for (let n = 13; n <= 30; n++) add(n, 'noisy');
    expect(outbox.fold('hook', 5, inFlight!.seq, 'test')).toEqual([{ rule: 'noisy', alerts: 27, rows: 19, newlyFolded: 18 }]);
    const again = outbox.head('hook', 100);
    expect(again.map((r) => [r.alertId, r.alerts])).toEqual([
      ['a1', 1],
      ['a2', 27],
      ['a5', 1],
      ['a9', 1],
    ]);
    expect(again[1]!.body.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(10);
    expect(again[1]!.body).toContain('… and 17 more');
    outbox.close();
  });
});
