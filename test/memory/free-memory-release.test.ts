// relay run trims the allocator on a fixed period, and stops when told to.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { FreeMemoryRelease, RELEASE_INTERVAL_MS } from '../../src/memory/free-memory-release.ts';

describe('FreeMemoryRelease', () => {
  it('releases once per interval from start until stop', () => {
    const clock = new ManualClock();
    let calls = 0;
    const release = new FreeMemoryRelease(clock, () => (calls++, true));
    release.start();
    release.start();
    clock.advance(RELEASE_INTERVAL_MS - 1);
    expect(calls).toBe(0);
    clock.advance(1);
    expect(calls).toBe(1);
    clock.advance(RELEASE_INTERVAL_MS * 3);
    expect(calls).toBe(4);
    release.stop();
    clock.advance(RELEASE_INTERVAL_MS * 5);
    expect(calls).toBe(4);
    expect(clock.pending()).toBe(0);
  });
});
