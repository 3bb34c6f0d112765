import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { startSlowWebhook, type SlowWebhook } from '../helpers/slow-webhook.ts';
import { alert, DELIVERY } from './fixtures.ts';
import { silentLogger } from '../../src/log.ts';

const KEYS = 8;
const ALERTS = 240;

describe('a webhook read by a program, answering slowly', () => {
  let hook: SlowWebhook;
  let outbox: Outbox;
  let clock: ManualClock;
  beforeEach(async () => {
    // The key is the title's prefix: `k3 #17` is the 17th alert of key k3.
    hook = await startSlowWebhook(20, (body) => body.title!.split(' ')[0]!);
    outbox = new Outbox(':memory:');
    clock = new ManualClock(0);
  });
  afterEach(async () => {
    await hook.stop();
    outbox.close();
  });

  const burst = (d: Dispatcher): void => {
    for (let i = 0; i < ALERTS; i++) d.enqueue(alert(i, { key: `k${i % KEYS}`, title: `k${i % KEYS} #${Math.floor(i / KEYS)}` }));
  };

  const perKeyInOrder = (): boolean => {
    const seen = new Map<string, number>();
    return hook.received.every((b) => {
      const [key, n] = b.title!.split(' #') as [string, string];
      const ok = Number(n) === (seen.get(key) ?? 0);
      seen.set(key, Number(n) + 1);
      return ok;
    });
  };

  it('sends several at once, growing while latency holds, one per key at a time and in order per key', async () => {
    const d = new Dispatcher([createNotifier('hook', hook.url())], DELIVERY, outbox, clock, silentLogger);
    burst(d);
    await hook.waitFor(ALERTS);
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(hook.maxInFlight).toBeGreaterThan(1);
    expect(hook.maxInFlight).toBeLessThanOrEqual(KEYS);
    expect(hook.keyOverlaps).toBe(0);
    expect(perKeyInOrder()).toBe(true);
    expect(d.stats).toMatchObject({ sent: ALERTS, retried: 0, dead: 0, folded: 0 });
    expect(d.notifierStats().get('hook')).toMatchObject({ sent: ALERTS, concurrency: expect.any(Number) });
    expect(d.notifierStats().get('hook')!.concurrency).toBeGreaterThan(1);
    await d.drain(0);
  });

  it('stays within `concurrency`', async () => {
    const d = new Dispatcher([createNotifier('hook', hook.url('?concurrency=2'))], DELIVERY, outbox, clock, silentLogger);
    burst(d);
    await hook.waitFor(ALERTS);
    expect(hook.maxInFlight).toBe(2);
    expect(perKeyInOrder()).toBe(true);
    await d.drain(0);
  });

  it('halves when the receiver pushes back with 503s, retries them, and still keeps order per key', async () => {
    hook.refuse = (inFlight) => (inFlight > 3 ? 503 : undefined);
    const d = new Dispatcher(
      [createNotifier('hook', hook.url())],
      { ...DELIVERY, backoff: 10, max_backoff: 10 },
      outbox,
      clock,
      silentLogger,
    );
    burst(d);
    // Refused sends wait their backoff on the manual clock: move it while the lane waits.
    await vi.waitFor(
      () => {
        clock.advance(10);
        expect(hook.received).toHaveLength(ALERTS);
      },
      { timeout: 20_000, interval: 5 },
    );
    await vi.waitFor(() => expect(d.stats.queued).toBe(0));
    expect(d.stats.retried).toBeGreaterThan(0);
    expect(d.stats).toMatchObject({ sent: ALERTS, dead: 0 });
    expect(hook.keyOverlaps).toBe(0);
    expect(perKeyInOrder()).toBe(true);
    await d.drain(0);
  });
});
