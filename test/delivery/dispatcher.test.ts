import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import type { ManualClock } from '../../src/clock.ts';
import type { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { alert, DELIVERY, startDeliveryRig, type DeliveryRig } from './fixtures.ts';
import type { Notifier } from '../../notifiers/types.ts';

describe('Dispatcher', () => {
  let rig: DeliveryRig;
  let sink: HttpSink;
  let clock: ManualClock;
  let outbox: Outbox;
  let logs: DeliveryRig['logs'];
  const dispatcher = (config = DELIVERY) => new Dispatcher([createNotifier('hook', sink.url())], config, outbox, clock, logs.log);
  beforeEach(async () => {
    rig = await startDeliveryRig();
    ({ sink, clock, outbox, logs } = rig);
  });
  afterEach(() => rig.close());

  it("waits exactly the provider's Retry-After after a 429, then delivers", async () => {
    const d = dispatcher();
    sink.respond = () => (sink.rejected === 0 ? { status: 429, headers: { 'retry-after': '7' } } : { status: 200 });
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    clock.advance(6999);
    expect(sink.received).toHaveLength(0);
    clock.advance(1);
    await sink.waitFor(1);
    expect(sink.json()[0]).toMatchObject({ title: 't1', message: 'b1' });
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(d.stats).toMatchObject({ sent: 1, retried: 1, dead: 0 });
  });

  it('keeps order within a notifier while retrying the head', async () => {
    const d = dispatcher();
    sink.respond = () => (sink.rejected < 2 ? { status: 503 } : { status: 200 });
    for (let i = 1; i <= 3; i++) d.enqueue(alert(i));
    for (let retry = 0; retry < 2; retry++) {
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      clock.advance(60_000);
    }
    await sink.waitFor(3);
    expect(sink.json().map((b) => b.title)).toEqual(['t1', 't2', 't3']);
  });

  it('with delivery.attempts set, moves an alert to dead after that many tries', async () => {
    const d = dispatcher({ ...DELIVERY, attempts: 4 });
    sink.respond = () => ({ status: 500 });
    d.enqueue(alert(1));
    for (let retry = 1; retry < 4; retry++) {
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      clock.advance(60_000);
    }
    await vi.waitFor(() => expect(d.stats.dead).toBe(1));
    expect(sink.rejected).toBe(4);
    expect(d.stats.queued).toBe(0);
    expect(outbox.dead()[0]).toMatchObject({ alertId: 'a1', lastError: expect.stringContaining('gave up after 4 tries') });
  });

  it('moves an answer that retrying cannot fix (400) to dead at once, logging the masked URL and the answer', async () => {
    const d = dispatcher();
    sink.respond = () => ({ status: 400, body: 'bad payload' });
    d.enqueue(alert(1));
    await vi.waitFor(() => expect(d.stats.dead).toBe(1));
    expect(sink.rejected).toBe(1);
    expect(d.stats.retried).toBe(0);
    expect(clock.pending()).toBe(0);
    expect(outbox.dead()).toHaveLength(1);
    const [error] = logs.at('error');
    expect(error).toMatchObject({ notifier: 'hook', url: expect.stringContaining('127.0.0.1'), alert: 'a1' });
    expect(String(error!.providerAnswer)).toContain('bad payload');
  });

  it('skips notifiers that are not configured (a disabled optional URL)', () => {
    const d = dispatcher();
    d.enqueue(alert(1, { notify: ['elsewhere'] }));
    expect(d.stats.queued).toBe(0);
    expect(outbox.pending().size).toBe(0);
  });

  it('drain leaves what a failing notifier holds in the outbox and says so', async () => {
    const d = dispatcher();
    sink.respond = () => ({ status: 503 });
    d.enqueue(alert(1));
    d.enqueue(alert(2));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    // The retry is due after the grace period, so drain need not wait for it.
    await expect(d.drain(500)).resolves.toBe(2);
    expect(outbox.pending().get('hook')).toBe(2);
    expect(logs.at('warn').map((l) => l.msg)).toContain('2 alerts kept in the outbox for next start');
  });

  it('moves an alert to dead at once when the notifier throws something other than a NotifyError (a bug), logging its stack', async () => {
    const buggy: Notifier = {
      name: 'buggy',
      service: 'test',
      maskedUrl: 'test://',
      foldsBacklog: false,
      concurrency: 1,
      send: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      },
    };
    const d = new Dispatcher([buggy], DELIVERY, outbox, clock, logs.log);
    d.enqueue(alert(1, { notify: ['buggy'] }));
    await vi.waitFor(() => expect(d.stats.dead).toBe(1));
    expect(d.stats).toMatchObject({ retried: 0, queued: 0 });
    expect(clock.pending()).toBe(0);
    expect(outbox.dead()[0]).toMatchObject({ alertId: 'a1', lastError: expect.stringContaining('programming error (not retried)') });
    const [error] = logs.at('error');
    expect(error).toMatchObject({ msg: expect.stringContaining('programming error'), notifier: 'buggy', alert: 'a1' });
    expect(String(error!.stack)).toMatch(/TypeError: Cannot read properties[\s\S]*dispatcher.test.ts/);
  });
});
