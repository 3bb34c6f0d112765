// The project's bar: a notifier that answers 429 or 500 for an hour — relay keeps running, says what
// happened, and delivers later; what piled up meanwhile arrives as one digest, with counts that add up.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { alert, DELIVERY, startDeliveryRig, type DeliveryRig } from './fixtures.ts';

const HOUR = 3_600_000;

describe('Dispatcher during an outage', () => {
  let rig: DeliveryRig;
  let sink: HttpSink;
  let clock: ManualClock;
  let outbox: Outbox;
  let logs: DeliveryRig['logs'];
  let d: Dispatcher;
  let down: boolean;
  beforeEach(async () => {
    rig = await startDeliveryRig();
    ({ sink, clock, outbox, logs } = rig);
    down = true;
    // A people-facing service (Gotify's POST /message {title, message}): backlogs fold into digests for it.
    d = new Dispatcher([createNotifier('hook', `gotify://127.0.0.1:${sink.port}/TOKEN`)], DELIVERY, outbox, clock, logs.log);
  });
  afterEach(() => rig.close());

  /** The lane has had its answer and sleeps until its next try. */
  const waiting = () => vi.waitFor(() => expect(clock.pending()).toBe(1));

  it('honours an hour-long Retry-After beyond max_backoff, then delivers everything in order', async () => {
    sink.respond = () => (down ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 });
    d.enqueue(alert(1));
    await waiting();
    for (let i = 2; i <= DELIVERY.fold_after; i++) d.enqueue(alert(i));
    clock.advance(HOUR - 1);
    expect(sink.rejected).toBe(1);
    down = false;
    clock.advance(1);
    await sink.waitFor(DELIVERY.fold_after);
    expect(sink.json().map((b) => b.title)).toEqual(['t1', 't2', 't3', 't4', 't5']);
    await vi.waitFor(() => expect(d.stats).toMatchObject({ queued: 0, sent: 5, dead: 0, folded: 0, retried: 1 }));
  });

  it('folds more than fold_after alerts held behind a 429 into one digest whose count is the number held', async () => {
    sink.respond = () => (down ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 });
    d.enqueue(alert(1));
    await waiting();
    for (let i = 2; i <= 12; i++) d.enqueue(alert(i, { rule: i % 2 ? 'odd' : 'even' }));
    down = false;
    clock.advance(HOUR);
    await sink.waitFor(1);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    const [digest] = sink.json<{ title: string; message: string }>();
    expect(sink.received).toHaveLength(1);
    expect(digest!.title).toBe('12 alerts held while hook was unavailable');
    for (let i = 1; i <= 12; i++) expect(digest!.message).toContain(`• t${i} — b${i}`);
    expect(d.stats).toMatchObject({ sent: 12, folded: 12, dead: 0 });
    // Back to normal: the next alert goes out on its own.
    d.enqueue(alert(13));
    await sink.waitFor(2);
    expect(sink.json()[1]).toMatchObject({ title: 't13' });
  });

  it('never folds for a generic webhook read by a program: each held alert arrives as its own message', async () => {
    const json = new Dispatcher([createNotifier('machine', sink.url())], DELIVERY, outbox, clock, logs.log);
    sink.respond = () => (down ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 });
    json.enqueue(alert(1, { notify: ['machine'] }));
    await waiting();
    for (let i = 2; i <= 12; i++) json.enqueue(alert(i, { notify: ['machine'] }));
    down = false;
    clock.advance(HOUR);
    await sink.waitFor(12);
    // Several in flight: alerts of different keys may overtake one another, but each arrives alone.
    expect(
      sink
        .json()
        .map((b) => b.title)
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `t${i + 1}`).sort());
    await vi.waitFor(() => expect(json.stats).toMatchObject({ queued: 0, sent: 12, folded: 0 }));
  });

  it('lists a bounded number of alerts in a digest and counts the rest by rule, so nothing goes unmentioned', async () => {
    sink.respond = () => (down ? { status: 503 } : { status: 200 });
    d.enqueue(alert(0));
    await waiting();
    for (let i = 1; i < 50; i++) d.enqueue(alert(i, { rule: i < 40 ? 'noisy' : 'quiet' }));
    down = false;
    clock.advance(DELIVERY.max_backoff);
    await sink.waitFor(1);
    const [digest] = sink.json<{ title: string; message: string }>();
    expect(digest!.title).toBe('50 alerts held while hook was unavailable');
    expect(digest!.message).toContain('… and 30 more: noisy ×20, quiet ×10');
  });

  it('keeps retrying 500s for longer than many max_backoff periods and delivers after recovery', async () => {
    sink.respond = () => (down ? { status: 500, body: 'upstream down' } : { status: 200 });
    d.enqueue(alert(1));
    for (let retry = 0; retry < 30; retry++) {
      await waiting();
      clock.advance(DELIVERY.max_backoff);
    }
    await waiting();
    expect(sink.rejected).toBe(31);
    expect(d.stats).toMatchObject({ queued: 1, dead: 0 });
    down = false;
    clock.advance(DELIVERY.max_backoff);
    await sink.waitFor(1);
    await vi.waitFor(() => expect(d.stats).toMatchObject({ queued: 0, sent: 1, retried: 31 }));
    // Said what happened without a line per retry: one warning at the start, a reminder every 10 minutes
    // of the 30-minute outage, and one line when it recovered.
    const warns = logs.at('warn');
    expect(warns.map((l) => l.msg)).toEqual([
      'notifier failing; alerts are kept in the outbox and retried',
      ...Array(3).fill('notifier still failing'),
    ]);
    expect(warns[0]).toMatchObject({
      notifier: 'hook',
      url: expect.stringContaining('127.0.0.1'),
      providerAnswer: expect.stringContaining('upstream down'),
    });
    expect(logs.at('info')).toEqual([expect.objectContaining({ msg: 'notifier recovered', failures: 31 })]);
  });

  it('moves an alert still undelivered after max_age to dead with an error', async () => {
    sink.respond = () => ({ status: 503 });
    const maxAge = 10 * 60_000;
    d = new Dispatcher([createNotifier('hook2', sink.url())], { ...DELIVERY, max_age: maxAge }, outbox, clock, logs.log);
    d.enqueue(alert(1, { notify: ['hook2'] }));
    await waiting();
    clock.advance(maxAge);
    await vi.waitFor(() => expect(d.stats).toMatchObject({ dead: 1, queued: 0 }));
    expect(outbox.dead()[0]).toMatchObject({
      alertId: 'a1',
      lastError: expect.stringMatching(/not delivered within delivery.max_age \(10m\); last error: .*503/),
    });
    expect(logs.at('error')).toEqual([
      expect.objectContaining({ msg: 'alerts not delivered within delivery.max_age, moved to dead', notifier: 'hook2', alerts: 1 }),
    ]);
    expect(clock.pending()).toBe(0);
  });
});
