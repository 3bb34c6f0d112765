import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { Pacer } from '../../src/delivery/pacer.ts';

describe('Pacer', () => {
  it('lets a published limit through in a burst, then one per interval measured from the last answer', async () => {
    const clock = new ManualClock(0);
    const p = new Pacer({ requests: 2, perMs: 2000 }, clock);
    await p.acquire();
    p.finished();
    await p.acquire();
    expect(p.readyAt()).toBe(1000);
    clock.advance(300); // the answer takes 300 ms: the bucket does not refill meanwhile
    p.finished();
    expect(p.readyAt()).toBe(1300);
    clock.advance(1000);
    expect(p.readyAt()).toBe(1300);
  });

  it('holds until the reset the provider announced when its bucket is empty, and ignores what still remains', () => {
    const clock = new ManualClock(0);
    const p = new Pacer(undefined, clock);
    p.told({ remaining: 3, resetAfterMs: 2000 });
    expect(p.readyAt()).toBe(0);
    p.told({ remaining: 0, resetAfterMs: 1500 });
    expect(p.readyAt()).toBe(1500);
    p.told({ remaining: Number.NaN, resetAfterMs: 9000 });
    expect(p.readyAt()).toBe(1500);
  });

  it('bounds an absurd reset like a Retry-After', () => {
    const clock = new ManualClock(0);
    const p = new Pacer(undefined, clock);
    p.told({ remaining: 0, resetAfterMs: 10 ** 12 });
    expect(p.readyAt()).toBe(3_600_000);
  });

  it('acquire waits on the clock and gives up when aborted', async () => {
    const clock = new ManualClock(0);
    const p = new Pacer({ requests: 1, perMs: 1000 }, clock);
    await p.acquire();
    p.finished();
    const ac = new AbortController();
    const waiting = p.acquire(ac.signal);
    expect(clock.pending()).toBe(1);
    ac.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow('shutdown');
    const next = p.acquire();
    clock.advance(1000);
    await next;
  });
});
