// Rate limits (token buckets) per rule or per notifier. What a limit holds back is not dropped: it is
// counted, and as soon as the bucket has a token again the latest held alert goes out saying how many more
// like it were held ("… and 532 more like this").
import type { Alert } from '../alert.ts';
import type { Clock, Timer } from '../clock.ts';
import type { ThrottleConfig } from '../config/schema.ts';
import { TokenBucket } from './token-bucket.ts';

interface Held {
  alerts: number;
  events: number;
  latest: Alert;
  timer: Timer;
}

export class Throttle {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly held = new Map<string, Held>();
  /** Alerts held back so far (each is also said in a later message). */
  heldBack = 0;

  /**
   * @param limitOf the limit for an alert's bucket name, if any
   * @param bucketOf which bucket an alert draws from (its rule, its notifier)
   * @param what names the limit in messages: "rule auth-failure", "notifier main"
   */
  constructor(
    private readonly limitOf: (name: string) => ThrottleConfig | undefined,
    private readonly bucketOf: (alert: Alert) => string,
    private readonly what: (name: string) => string,
    private readonly clock: Clock,
    private readonly next: (alert: Alert) => void,
  ) {}

  push(alert: Alert): void {
    const name = this.bucketOf(alert);
    const limit = this.limitOf(name);
    if (!limit) return this.next(alert);
    const held = this.held.get(name);
    // Once something is held, later alerts queue behind it so the fold keeps the latest.
    if (held) {
      held.alerts++;
      held.events += alert.count;
      held.latest = alert;
      this.heldBack++;
      return;
    }
    const bucket = this.bucket(name, limit);
    if (bucket.take(this.clock.now())) return this.next(alert);
    this.heldBack++;
    this.held.set(name, { alerts: 1, events: alert.count, latest: alert, timer: this.clock.setTimer(bucket.waitFor(this.clock.now()), () => this.release(name)) });
  }

  /** Send what every limit holds, limits notwithstanding (shutdown, end of a replay). */
  flush(): void {
    for (const [name, held] of this.held) {
      held.timer.cancel();
      this.held.delete(name);
      this.next(this.fold(name, held));
    }
  }

  private release(name: string): void {
    const held = this.held.get(name)!;
    const bucket = this.buckets.get(name)!;
    const now = this.clock.now();
    if (!bucket.take(now)) {
      held.timer = this.clock.setTimer(Math.max(1, bucket.waitFor(now)), () => this.release(name));
      return;
    }
    this.held.delete(name);
    this.next(this.fold(name, held));
  }

  private fold(name: string, held: Held): Alert {
    if (held.alerts === 1) return held.latest;
    return {
      ...held.latest,
      count: held.events,
      body: `${held.latest.body}\n\n… and ${held.alerts - 1} more like this (${held.events} events), held back by ${this.what(name)}'s rate limit`,
    };
  }

  private bucket(name: string, limit: ThrottleConfig): TokenBucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = new TokenBucket(limit.burst ?? limit.rate.count, limit.rate.count, limit.rate.per, this.clock.now());
      this.buckets.set(name, b);
    }
    return b;
  }
}
