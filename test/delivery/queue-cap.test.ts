// delivery.max_queue and max_queue_hard: a flood of one rule cannot bury other rules' alerts, its fold
// counts every alert exactly, and past the hard limit drops are counted, kept and said.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { alert, DELIVERY, startDeliveryRig, type DeliveryRig } from './fixtures.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('delivery.max_queue', () => {
  let rig: DeliveryRig;
  let sink: HttpSink;
  let clock: ManualClock;
  let outbox: Outbox;
  let logs: DeliveryRig['logs'];
  let down: boolean;
  beforeEach(async () => {
    rig = await startDeliveryRig();
    ({ sink, clock, outbox, logs } = rig);
    down = true;
    sink.respond = () => (down ? { status: 503 } : { status: 200 });
  });
  afterEach(() => rig.close());

  it("folds a flooding rule into one message with exact counts while another rule's alerts keep their own messages and their place", async () => {
    const d = new Dispatcher([createNotifier('hook', sink.url())], { ...DELIVERY, max_queue: 100 }, outbox, clock, logs.log);
    d.enqueue(alert(0, { rule: 'noisy', count: 2 }));
    await vi.waitFor(() => expect(clock.pending()).toBe(1)); // failed once, waiting for its retry
    let noisy = 1;
    let events = 2;
    for (let chunk = 1; chunk <= 16; chunk++) {
      for (let i = 0; i < 60; i++, noisy++, events += 2) d.enqueue(alert(noisy, { rule: 'noisy', count: 2 }));
      if (chunk % 3 === 0 && chunk <= 9) d.enqueue(alert(10_000 + chunk, { rule: 'quiet', title: `quiet ${chunk}` }));
      await turn();
    }
    expect(d.stats.foldedByCap).toBeGreaterThan(0);
    expect(outbox.pending().get('hook')).toBeLessThanOrEqual(100);
    expect(logs.at('warn').map((l) => l.msg)).toContain(
      "outbox over delivery.max_queue for this notifier: the noisiest rules' waiting alerts folded into one message each",
    );

    down = false;
    clock.advance(DELIVERY.max_backoff);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    const got = sink.json<{ title: string; message: string }>();
    // The folded flood first (at the place of its first alert), then the quiet rule's alerts on their own.
    expect(got.slice(1, 4).map((m) => m.title)).toEqual(['quiet 3', 'quiet 6', 'quiet 9']);
    const [fold] = got;
    const m = /^noisy: (\d+) alerts folded into one \(more than 100 messages waited for hook, delivery.max_queue\)$/.exec(fold!.title);
    expect(m).not.toBeNull();
    const folded = Number(m![1]);
    expect(fold!.message).toContain(`${folded} alerts (${folded * 2} events) of rule noisy for hook`);
    // Every noisy alert is accounted for exactly once: in the fold or as its own message after it.
    const alone = got.slice(4);
    expect(alone.every((a) => /^t\d+$/.test(a.title))).toBe(true);
    expect(folded + alone.length).toBe(noisy);
    expect(events).toBe(noisy * 2);
    expect(d.stats.sent).toBe(noisy + 3);
    expect(d.stats.foldedByCap).toBe(folded);
    expect(d.capStats('hook')).toMatchObject({ foldedByCap: folded, dropped: 0 });
  });

  it('past max_queue_hard drops new alerts: counted, logged once, kept in outbox.db, and said when the queue shrinks', async () => {
    // One at a time, so the notice is the last message: with more in flight, different keys may overtake.
    const d = new Dispatcher(
      [createNotifier('hook', `${sink.url()}?concurrency=1`)],
      { ...DELIVERY, max_queue: 10, max_queue_hard: 20 },
      outbox,
      clock,
      logs.log,
    );
    // Every alert its own rule: nothing to fold, so only the hard limit holds the queue.
    d.enqueue(alert(0, { rule: 'r0' }));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    for (let i = 1; i < 30; i++) d.enqueue(alert(i, { rule: `r${i}` }));
    await turn();
    expect(d.stats).toMatchObject({ queued: 20, dropped: 10, foldedByCap: 0 });
    expect(d.capStats('hook')).toMatchObject({ dropped: 10 });
    expect(outbox.commands.losses()).toEqual([
      expect.objectContaining({ notifier: 'hook', reason: 'over delivery.max_queue_hard', alerts: 10 }),
    ]);
    expect(logs.at('error').map((l) => l.msg)).toEqual([
      'outbox full for this notifier (delivery.max_queue_hard): new alerts for it are dropped and counted until its queue shrinks',
    ]);

    down = false;
    clock.advance(DELIVERY.max_backoff);
    await sink.waitFor(21);
    const titles = sink.json<{ title: string; message: string }>().map((m) => m.title);
    expect(titles.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
    expect(titles[20]).toBe('10 alerts for hook were dropped: too many waited');
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
  });
});
