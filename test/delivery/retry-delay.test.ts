import { describe, expect, it } from 'vitest';
import { retryDelay, RETRY_AFTER_CAP } from '../../src/delivery/retry-delay.ts';
import { ErrorCodes, NotifyError } from '../../src/errors.ts';

const config = { backoff: 1000, max_backoff: 60_000 };
const rateLimited = (retryAfterMs: number) => new NotifyError(ErrorCodes.NOTIFY_RATE_LIMIT, '429', { retryable: true, retryAfterMs });

describe('retryDelay', () => {
  it.each([
    ['a short Retry-After, exactly', 7000, 7000],
    ['a Retry-After beyond max_backoff (the provider knows best)', 1_800_000, 1_800_000],
    ['a Retry-After beyond an hour, capped at an hour', 86_400_000, RETRY_AFTER_CAP],
  ])('waits %s', (_, hint, expected) => {
    expect(retryDelay(1, rateLimited(hint), config)).toBe(expected);
  });

  it('without a hint, doubles from backoff with ±20% jitter and never exceeds max_backoff', () => {
    for (const [tries, base] of [
      [1, 1000],
      [2, 2000],
      [4, 8000],
    ] as const) {
      const delay = retryDelay(tries, new Error('ECONNREFUSED'), config);
      expect(delay).toBeGreaterThanOrEqual(base * 0.8);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
    for (const tries of [7, 100, 10_000]) expect(retryDelay(tries, new Error('down'), config)).toBeLessThanOrEqual(60_000);
    expect(retryDelay(10_000, new Error('down'), { backoff: 0, max_backoff: 0 })).toBe(0);
  });
});
