// kind: frequency — alert when `threshold.count` matching events arrive within `threshold.within` per key
// (e.g. 5 failed sudo passwords by one user in 60 s). Each alert stands for the events that crossed the
// threshold; the window then starts afresh, so a sustained attack alerts once per `count` events.
// One stage for every frequency rule: the windows live in the state store, so a restart keeps counting.
// A rule holds at most limits.keys_per_rule windows; events of further keys count into the rule's one
// shared overflow window, whose alert says so.
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import type { Hit } from './hit.ts';
import type { KeyLimit } from './key-limit.ts';

const SWEEP_EVERY = 1000;
/** The overflow window's key under its rule; no key value can contain it. */
const OVERFLOW = '\u0001overflow';

interface Window {
  readonly rule: string;
  readonly within: number;
  /** Clock times of the events in the window, oldest first. */
  times: number[];
}

export class Frequency {
  /** `rule \0 key` → its window. */
  private readonly windows = new Map<string, Window>();
  private readonly state: StateNamespace;
  private seen = 0;

  /** @param ruleWithin a frequency rule's `threshold.within`, undefined when there is no such frequency rule */
  constructor(
    private readonly limit: KeyLimit,
    store: StateStore,
    ruleWithin: (rule: string) => number | undefined,
    log: Logger,
  ) {
    this.state = store.namespace('frequency', (id) => {
      const w = this.windows.get(id);
      return w && { rule: w.rule, times: w.times };
    });
    for (const [id, raw] of this.state.load()) {
      const j = raw as { rule: string; times: number[] };
      const within = ruleWithin(j.rule);
      if (within === undefined) {
        this.state.drop(id, j.rule);
        continue;
      }
      if (!id.endsWith(OVERFLOW)) this.limit.hold(j.rule);
      this.windows.set(id, { rule: j.rule, within, times: j.times });
    }
    this.state.loaded(log);
  }

  admit(hit: Hit, key: string): Hit | undefined {
    const { name, threshold } = hit.rule.config;
    const { count, within } = threshold!;
    if (++this.seen % SWEEP_EVERY === 0) this.sweep(hit.at);
    let id = `${name}\u0000${key}`;
    let w = this.windows.get(id);
    const overflow = !w && !this.limit.take(name);
    if (overflow) {
      this.limit.overflow(name, hit.count);
      id = `${name}\u0000${OVERFLOW}`;
      w = this.windows.get(id);
    }
    if (!w) this.windows.set(id, (w = { rule: name, within, times: [] }));
    const since = hit.at - within;
    w.times = w.times.filter((t) => t > since);
    w.times.push(hit.at);
    this.state.changed(id);
    if (w.times.length < count) return undefined;
    this.close(id, w);
    return { ...hit, count: w.times.length, extra: { ...hit.extra, within, ...(overflow ? { overflow: 'limits.keys_per_rule' } : {}) } };
  }

  /** Stop: the windows are in the store as they are. */
  stop(): void {
    this.state.save();
  }

  private close(id: string, w: Window): void {
    this.windows.delete(id);
    if (!id.endsWith(OVERFLOW)) this.limit.release(w.rule);
    this.state.changed(id);
  }

  /** Keys that went quiet would otherwise stay in memory (and hold a place under the cap) for ever. */
  private sweep(now: number): void {
    for (const [id, w] of this.windows) if (w.times[w.times.length - 1]! <= now - w.within) this.close(id, w);
  }
}
