// The set-up file raises vi.waitFor's and vi.waitUntil's default timeout: a condition that needs longer than
// vitest's 1 s default is still waited for, and a timeout a call names is kept.
import { describe, expect, it, vi } from 'vitest';
import { WAIT_TIMEOUT_MS } from './wait-timeout.ts';

const readyAfter = (ms: number) => {
  const at = performance.now() + ms;
  return () => performance.now() >= at;
};

describe('waits that hold on a loaded machine', () => {
  it('vi.waitFor without a timeout waits past 1 s', async () => {
    const ready = readyAfter(1500);
    await vi.waitFor(() => expect(ready()).toBe(true));
  });

  it('vi.waitUntil without a timeout waits past 1 s, also with only an interval named', async () => {
    const ready = readyAfter(1500);
    await expect(vi.waitUntil(ready, { interval: 100 })).resolves.toBe(true);
  });

  it('a timeout the call names is kept: it gives up long before the default', async () => {
    const started = performance.now();
    await expect(vi.waitFor(() => expect(false).toBe(true), { timeout: 200 })).rejects.toThrow();
    await expect(vi.waitUntil(() => false, 200)).rejects.toThrow(/Timed out/);
    expect(performance.now() - started).toBeLessThan(WAIT_TIMEOUT_MS / 2);
  });
});
