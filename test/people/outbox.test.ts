// A person's alerts in the outbox: their recipient and answer links survive a restart, and neither a
// recovering notifier's digest nor delivery.max_queue's fold ever puts one person's alert together with others.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src/alert.ts';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ErrorCodes, NotifyError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import type { Message, Notifier } from '../../notifiers/types.ts';
import { alert, DELIVERY } from '../delivery/fixtures.ts';
import { WAIT } from './fixture.ts';

const person = (user: string) => ({ user, name: user, email: `${user}@example.com`, handles: {} });
const answers = {
  yes: { url: 'https://relay.example.com/answer?t=y', token: 'y' },
  no: { url: 'https://relay.example.com/answer?t=n', token: 'n' },
  buttons: true,
};

describe('directed rows in the outbox', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keep their recipient and answer links on disk across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-people-outbox-'));
    dirs.push(dir);
    let outbox = Outbox.open(dir);
    outbox.add(
      [
        { alert: alert(1, { recipient: person('alice'), answers }), notifiers: ['hook'] },
        { alert: alert(2), notifiers: ['hook'] },
      ],
      0,
    );
    outbox.close();
    outbox = Outbox.open(dir);
    const [first, second] = outbox.head('hook', 2);
    expect(first).toMatchObject({ recipient: person('alice'), answers });
    expect(second!.recipient).toBeUndefined();
    outbox.close();
  });

  it("max_queue's fold leaves every person's row alone and folds the rest", () => {
    const outbox = new Outbox(':memory:');
    const rows: Alert[] = [];
    for (let i = 1; i <= 8; i++) rows.push(alert(i, i % 2 ? { recipient: person(i % 4 === 1 ? 'alice' : 'bob') } : {}));
    outbox.add(
      rows.map((a) => ({ alert: a, notifiers: ['hook'] })),
      0,
    );
    expect(outbox.fold('hook', 2, 0, 'test').map((f) => f.rows)).toEqual([4]);
    const left = outbox.head('hook', 10);
    expect(left.filter((r) => r.recipient).map((r) => `${r.title} ${r.recipient!.user}`)).toEqual([
      't1 alice',
      't3 bob',
      't5 alice',
      't7 bob',
    ]);
    expect(left.filter((r) => !r.recipient)).toHaveLength(1);
    outbox.close();
  });

  it("a recovering notifier's digest never holds a person's alert: each goes alone, to its person", async () => {
    const clock = new ManualClock(0);
    const outbox = new Outbox(':memory:');
    const sent: Message[] = [];
    let failures = 1;
    const notifier: Notifier = {
      name: 'hook',
      service: 'test',
      maskedUrl: 'test://',
      foldsBacklog: true,
      concurrency: 1,
      async send(message) {
        if (failures-- > 0) throw new NotifyError(ErrorCodes.NOTIFY_FAILED, 'down', { retryable: true });
        sent.push(message);
      },
    };
    const d = new Dispatcher([notifier], { ...DELIVERY, fold_after: 2 }, outbox, clock, silentLogger);
    // t1 (for the channel) fails; t2 waits behind it with alice's t3, bob's t5 and alice's t7 between the rest.
    const directed: Record<number, string> = { 3: 'alice', 5: 'bob', 7: 'alice' };
    for (let i = 1; i <= 8; i++) d.enqueue(alert(i, directed[i] ? { recipient: person(directed[i]!), answers } : {}));
    await vi.waitFor(() => expect(clock.pending()).toBe(1), WAIT);
    clock.advance(60_000);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0), WAIT);
    // The backlog's digest took t1 and t2 only: it stops at the first person's row.
    expect(sent[0]!.title).toBe('2 alerts held while hook was unavailable');
    expect(sent[0]!.body).not.toMatch(/t3|t5|t7/);
    expect(sent.filter((s) => s.recipient).map((s) => `${s.title} ${s.recipient!.user}`)).toEqual(['t3 alice', 't5 bob', 't7 alice']);
    for (const m of sent.filter((s) => s.recipient)) expect(m.answers).toEqual(answers);
    expect(sent.map((s) => s.title).slice(1)).toEqual(['t3', 't4', 't5', 't6', 't7', 't8']);
    await d.drain(0);
    outbox.close();
  });
});
