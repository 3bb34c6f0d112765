// A token bucket on an injected clock: `burst` tokens at most, refilled at `count` per `per` ms.

/** What a bucket needs to resume after a restart. */
export interface BucketState {
  tokens: number;
  last: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** `resume`: the state saved before a restart; its tokens are capped by today's `burst`. */
  constructor(
    private readonly burst: number,
    private readonly count: number,
    private readonly per: number,
    now: number,
    resume?: BucketState,
  ) {
    this.tokens = resume ? Math.min(burst, resume.tokens) : burst;
    this.last = resume ? Math.min(now, resume.last) : now;
  }

  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until one token is there (0 when one is). */
  waitFor(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * this.per) / this.count);
  }

  state(): BucketState {
    return { tokens: this.tokens, last: this.last };
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) * this.count) / this.per);
    this.last = Math.max(this.last, now);
  }
}
