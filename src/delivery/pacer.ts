// Keeps one notifier's requests inside its provider's limits before the provider has to answer 429: the
// published limit (a token bucket, e.g. Slack's one message per second per webhook) and what the provider
// says after each request (Discord's X-RateLimit-Remaining / Reset-After: when nothing remains in the
// bucket, the next request waits until it resets). The bucket refills only while no request is under way:
// a provider counts a request from when it arrives, which may be any time before its answer, so spacing
// is measured from the answer. A 429 that still comes is the outbox's Retry-After.
import type { Clock } from '../clock.ts';
import type { Pace, RateLimitState } from '../../notifiers/types.ts';
import { RETRY_AFTER_CAP } from './retry-delay.ts';

export class Pacer {
  private tokens: number;
  private refilledAt: number;
  /** The provider said its bucket is empty until then. */
  private blockedUntil = 0;
  /** Requests acquired and not yet finished. */
  private busy = 0;

  constructor(
    private readonly pace: Pace | undefined,
    private readonly clock: Clock,
  ) {
    this.tokens = pace?.requests ?? 0;
    this.refilledAt = clock.now();
  }

  /** When the next request may go (`now` or earlier: at once). */
  readyAt(now = this.clock.now()): number {
    let at = Math.max(now, this.blockedUntil);
    if (this.pace) {
      this.refill(now);
      if (this.tokens < 1) at = Math.max(at, now + Math.ceil(((1 - this.tokens) * this.pace.perMs) / this.pace.requests));
    }
    return at;
  }

  /** Resolves when a request may go, and counts it as gone. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (let at = this.readyAt(); at > this.clock.now(); at = this.readyAt()) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const timer = this.clock.setTimer(at - this.clock.now(), () => {
          signal?.removeEventListener('abort', stop);
          resolve();
        });
        const stop = (): void => {
          timer.cancel();
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', stop, { once: true });
      });
    }
    if (this.pace) this.tokens -= 1;
    this.busy++;
  }

  /** The request `acquire` let go has its answer (or failed). */
  finished(): void {
    if (this.busy === 0) return;
    this.busy--;
    if (this.busy === 0) this.refilledAt = this.clock.now();
  }

  /** The provider's own account of its bucket, read from the answer to a request. */
  told(state: RateLimitState): void {
    if (!(state.remaining <= 0) || !Number.isFinite(state.resetAfterMs)) return;
    // Bounded like a Retry-After: a garbled header must not park the lane for days.
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + Math.min(Math.max(0, state.resetAfterMs), RETRY_AFTER_CAP));
  }

  private refill(now: number): void {
    const pace = this.pace!;
    if (this.busy > 0) {
      this.refilledAt = now;
      return;
    }
    this.tokens = Math.min(pace.requests, this.tokens + ((now - this.refilledAt) * pace.requests) / pace.perMs);
    this.refilledAt = now;
  }
}
