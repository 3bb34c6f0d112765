// kind: frequency — alert when `threshold.count` matching events arrive within `threshold.within` per key
// (e.g. 5 failed sudo passwords by one user in 60 s). Each alert stands for the events that crossed the
// threshold; the window then starts afresh, so a sustained attack alerts once per `count` events.
import type { Hit } from './hit.ts';

const SWEEP_EVERY = 1000;

export class Frequency {
  private readonly windows = new Map<string, number[]>();
  private seen = 0;

  constructor(private readonly count: number, private readonly within: number) {}

  admit(hit: Hit, key: string): Hit | undefined {
    const since = hit.at - this.within;
    const times = (this.windows.get(key) ?? []).filter((t) => t > since);
    times.push(hit.at);
    if (++this.seen % SWEEP_EVERY === 0) this.sweep(since);
    if (times.length < this.count) {
      this.windows.set(key, times);
      return undefined;
    }
    this.windows.delete(key);
    return { ...hit, count: times.length, extra: { ...hit.extra, within: this.within } };
  }

  /** Keys that went quiet would otherwise stay in memory for ever. */
  private sweep(since: number): void {
    for (const [key, times] of this.windows) if (times[times.length - 1]! <= since) this.windows.delete(key);
  }
}
