// A token bucket on an injected clock: `burst` tokens at most, refilled at `count` per `per` ms.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly burst: number, private readonly count: number, private readonly per: number, now: number) {
    this.tokens = burst;
    this.last = now;
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

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.count) / this.per);
    this.last = now;
  }
}
