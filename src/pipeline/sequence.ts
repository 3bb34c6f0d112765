// kind: sequence — alert on an event only when at least `after.count` events matching `after.match` came
// before it within `after.within`, for the same key (a successful login from an address that just failed
// to log in many times). The events before are counted, never alerted on by this rule; the completing event
// is the alert, and the count for its key starts afresh.
import type { Hit } from './hit.ts';

const SWEEP_EVERY = 1000;

interface Before {
  /** Times of the last `count` events before (enough to know whether the threshold is met in the window). */
  times: number[];
  /** All events before since the key's count started, for the message. */
  total: number;
  first: number;
}

export class Sequence {
  private readonly before = new Map<string, Before>();
  private seen = 0;

  constructor(private readonly count: number, private readonly within: number) {}

  /** `completes`: the event matched the rule's `match` (else it matched `after.match`: one of the events before). */
  admit(hit: Hit, key: string, completes: boolean): Hit | undefined {
    const since = hit.at - this.within;
    if (++this.seen % SWEEP_EVERY === 0) this.sweep(since);
    let state = this.before.get(key);
    if (state && state.times[state.times.length - 1]! <= since) {
      this.before.delete(key);
      state = undefined;
    }
    if (!completes) {
      if (!state) this.before.set(key, (state = { times: [], total: 0, first: hit.at }));
      state.times.push(hit.at);
      if (state.times.length > this.count) state.times.shift();
      state.total++;
      return undefined;
    }
    if (!state || state.times.length < this.count || state.times[0]! <= since) return undefined;
    this.before.delete(key);
    return { ...hit, extra: { ...hit.extra, before: state.total, before_first: new Date(state.first).toISOString(), within: this.within } };
  }

  /** Keys that went quiet would otherwise stay in memory for ever. */
  private sweep(since: number): void {
    for (const [key, s] of this.before) if (s.times[s.times.length - 1]! <= since) this.before.delete(key);
  }
}
