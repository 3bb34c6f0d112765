// A provider's rate-limit bucket as the contract servers enforce it: `requests` per window of `perMs`,
// the window starting at the first request after the last one ended (Discord's per-webhook bucket: 5 per
// 2 s). Time is the test's clock, so a ManualClock drives the provider and relay alike.
import type { Clock } from '../../../src/clock.ts';

export interface BucketOptions {
  clock: Clock;
  requests?: number;
  perMs?: number;
}

export interface BucketAnswer {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms until the window ends and the bucket is full again. */
  resetAfterMs: number;
  /** Epoch ms at which it resets. */
  resetAt: number;
}

export class Bucket {
  /** Requests refused because the bucket was empty. */
  refused = 0;
  private used = 0;
  private resetAt = 0;
  private readonly requests: number;
  private readonly perMs: number;

  constructor(private readonly opts: BucketOptions) {
    this.requests = opts.requests ?? 5;
    this.perMs = opts.perMs ?? 2000;
  }

  take(): BucketAnswer {
    const now = this.opts.clock.now();
    if (now >= this.resetAt) {
      this.used = 0;
      this.resetAt = now + this.perMs;
    }
    const allowed = this.used < this.requests;
    if (allowed) this.used++;
    else this.refused++;
    return { allowed, limit: this.requests, remaining: this.requests - this.used, resetAfterMs: this.resetAt - now, resetAt: this.resetAt };
  }
}
