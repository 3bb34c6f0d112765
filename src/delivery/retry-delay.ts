// How long a lane waits before trying a failed delivery again.
import type { DeliveryConfig } from '../config/schema.ts';
import { NotifyError } from '../errors.ts';

/**
 * The most a provider's Retry-After can hold a lane. The hint is honoured even beyond max_backoff (the
 * provider knows its own limits), but a garbled or hostile value must not park alerts for days.
 */
export const RETRY_AFTER_CAP = 3_600_000;

/** `tries`: failed tries so far, this one included (1 after the first failure). */
export function retryDelay(tries: number, e: unknown, config: Pick<DeliveryConfig, 'backoff' | 'max_backoff'>): number {
  if (e instanceof NotifyError && e.retryAfterMs !== undefined) return Math.min(Math.max(0, e.retryAfterMs), RETRY_AFTER_CAP);
  // The exponent is bounded so a long outage cannot overflow to Infinity (or NaN with a zero backoff).
  const base = config.backoff * 2 ** Math.min(tries - 1, 30);
  // ±20% jitter so lanes (and relays) that failed together do not retry in lockstep.
  return Math.min(config.max_backoff, Math.round(base * (0.8 + Math.random() * 0.4)));
}
