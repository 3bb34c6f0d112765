// A people-facing notifier that is slow, not failing: what waits behind a send folds into one digest, and a
// person's own alert is never folded with others.
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import type { Message, Notifier } from '../../notifiers/types.ts';
import { alert, DELIVERY } from './fixtures.ts';

const alice = { user: 'alice', name: 'Alice', email: 'alice@example.com', handles: {} };

/** A chat notifier whose every send waits until the test lets it answer. */
function slowChat(): { notifier: Notifier; sent: Message[]; inFlight: () => number; answer: () => void } {
  const sent: Message[] = [];
  const held: (() => void)[] = [];
  return {
    sent,
    inFlight: () => held.length,
    answer: () => held.shift()!(),
    notifier: {
      name: 'chat',
      service: 'test',
      maskedUrl: 'test://',
      foldsBacklog: true,
      concurrency: 1,
      send: (message) =>
        new Promise<void>((resolve) =>
          held.push(() => {
            sent.push(message);
            resolve();
          }),
        ),
    },
  };
}

describe('a slow people-facing notifier', () => {
  it('sends the first alert at once and folds what queued behind it into one digest, without any failure', async () => {
    const outbox = new Outbox(':memory:');
    const chat = slowChat();
    const d = new Dispatcher([chat.notifier], DELIVERY, outbox, new ManualClock(0), silentLogger);
    d.enqueue(alert(0, { notify: ['chat'] }));
    await vi.waitFor(() => expect(chat.inFlight()).toBe(1));
    for (let i = 1; i <= 8; i++) d.enqueue(alert(i, { notify: ['chat'] }));
    chat.answer();
    await vi.waitFor(() => expect(chat.inFlight()).toBe(1));
    chat.answer();
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(chat.sent.map((m) => m.title)).toEqual(['t0', '8 alerts queued while chat was busy']);
    expect(chat.sent[1]!.body).toContain('• t8');
    expect(d.stats).toMatchObject({ sent: 9, folded: 8, retried: 0 });
    await d.drain(0);
    outbox.close();
  });

  it('folds nothing while no more than fold_after wait', async () => {
    const outbox = new Outbox(':memory:');
    const chat = slowChat();
    const d = new Dispatcher([chat.notifier], DELIVERY, outbox, new ManualClock(0), silentLogger);
    d.enqueue(alert(0, { notify: ['chat'] }));
    await vi.waitFor(() => expect(chat.inFlight()).toBe(1));
    for (let i = 1; i < DELIVERY.fold_after; i++) d.enqueue(alert(i, { notify: ['chat'] }));
    for (let i = 0; i < DELIVERY.fold_after; i++) {
      await vi.waitFor(() => expect(chat.inFlight()).toBe(1));
      chat.answer();
    }
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(chat.sent.map((m) => m.title)).toEqual(Array.from({ length: DELIVERY.fold_after }, (_, i) => `t${i}`));
    await d.drain(0);
    outbox.close();
  });

  it("never folds a person's alert: the digest stops before it, and it goes alone to that person", async () => {
    const outbox = new Outbox(':memory:');
    const chat = slowChat();
    const d = new Dispatcher([chat.notifier], DELIVERY, outbox, new ManualClock(0), silentLogger);
    d.enqueue(alert(0, { notify: ['chat'] }));
    await vi.waitFor(() => expect(chat.inFlight()).toBe(1));
    for (let i = 1; i <= 13; i++) d.enqueue(alert(i, { notify: ['chat'], ...(i === 7 ? { recipient: alice } : {}) }));
    for (let i = 0; i < 4; i++) {
      await vi.waitFor(() => expect(chat.inFlight()).toBe(1));
      chat.answer();
    }
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(chat.sent.map((m) => m.title)).toEqual([
      't0',
      '6 alerts queued while chat was busy',
      't7',
      '6 alerts queued while chat was busy',
    ]);
    expect(chat.sent[2]!.recipient?.user).toBe('alice');
    expect(chat.sent[1]!.body).not.toContain('t7');
    expect(chat.sent[3]!.body).not.toContain('t7');
    await d.drain(0);
    outbox.close();
  });
});
