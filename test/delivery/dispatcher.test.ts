import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ManualClock } from '../../src/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import type { Alert } from '../../src/alert.ts';
import { HttpSink } from '../helpers/http-sink.ts';

const DELIVERY = { attempts: 4, backoff: 1000, max_backoff: 60_000, timeout: 5000, shutdown_grace: 1000 };

function alert(n: number): Alert {
  return { id: `a${n}`, rule: 'r', notify: ['hook'], title: `t${n}`, body: `b${n}`, type: 'info', key: `k${n}`, createdAt: 0, count: 1 };
}

describe('Dispatcher', () => {
  let sink: HttpSink;
  let clock: ManualClock;
  let dispatcher: Dispatcher;
  beforeEach(async () => {
    sink = await new HttpSink().start();
    clock = new ManualClock(0);
    dispatcher = new Dispatcher([createNotifier('hook', sink.url())], DELIVERY, clock, silentLogger);
  });
  afterEach(() => sink.stop());

  it("waits exactly the provider's Retry-After after a 429, then delivers", async () => {
    sink.respond = () => (sink.rejected === 0 ? { status: 429, headers: { 'retry-after': '7' } } : { status: 200 });
    dispatcher.enqueue(alert(1));
    await vi.waitFor(() => expect(clock.pending()).toBe(1));
    clock.advance(6999);
    expect(sink.received).toHaveLength(0);
    clock.advance(1);
    await sink.waitFor(1);
    expect(sink.json()[0]).toMatchObject({ title: 't1', message: 'b1' });
    await vi.waitFor(() => expect(dispatcher.stats.queued).toBe(0));
    expect(dispatcher.stats).toMatchObject({ sent: 1, retried: 1, failed: 0 });
  });

  it('keeps order within a notifier while retrying the head', async () => {
    sink.respond = () => (sink.rejected < 2 ? { status: 503 } : { status: 200 });
    for (let i = 1; i <= 3; i++) dispatcher.enqueue(alert(i));
    for (let retry = 0; retry < 2; retry++) {
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      clock.advance(60_000);
    }
    await sink.waitFor(3);
    expect(sink.json().map((b) => b.title)).toEqual(['t1', 't2', 't3']);
  });

  it('gives up after the configured attempts and counts the failure', async () => {
    sink.respond = () => ({ status: 500 });
    dispatcher.enqueue(alert(1));
    for (let retry = 1; retry < DELIVERY.attempts; retry++) {
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      clock.advance(60_000);
    }
    await vi.waitFor(() => expect(dispatcher.stats.failed).toBe(1));
    expect(sink.rejected).toBe(DELIVERY.attempts);
    expect(dispatcher.stats.queued).toBe(0);
  });

  it('does not retry an answer that retrying cannot fix (400)', async () => {
    sink.respond = () => ({ status: 400, body: 'bad payload' });
    dispatcher.enqueue(alert(1));
    await vi.waitFor(() => expect(dispatcher.stats.failed).toBe(1));
    expect(sink.rejected).toBe(1);
    expect(dispatcher.stats.retried).toBe(0);
  });
});
