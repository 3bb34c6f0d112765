// kind: sequence — alert on an event only when at least `after.count` events matching `after.match` came
// before it within `after.within`, for the same key (a successful login from an address that just failed
// to log in many times). The events before are counted, never alerted on by this rule; the completing event
// is the alert, and the count for its key starts afresh.
// One stage for every sequence rule: the counts live in the state store, so a restart keeps counting. A rule
// holds at most limits.keys_per_rule keys; events before of further keys count in the rule's one shared
// overflow entry. A completing event of a key that may have had its events before counted there alerts when
// the shared count could reach the threshold, saying so: past the cap relay cannot tell the keys apart, and
// an alert that may be too many is better than a compromise hidden by a flood.
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import type { Hit } from './hit.ts';
import type { KeyLimit } from './key-limit.ts';

const SWEEP_EVERY = 1000;
/** The overflow entry's key under its rule; no key value can contain it. */
const OVERFLOW = '\u0001overflow';

export interface After {
  readonly count: number;
  readonly within: number;
}

interface Before {
  readonly rule: string;
  readonly within: number;
  /** Times of the last `count` events before (enough to know whether the threshold is met in the window). */
  times: number[];
  /** All events before since the key's count started, for the message. */
  total: number;
  first: number;
}

export class Sequence {
  /** `rule \0 key` → its events before. */
  private readonly before = new Map<string, Before>();
  private readonly state: StateNamespace;
  private seen = 0;

  /** @param ruleAfter a sequence rule's `after` count and window, undefined when there is no such sequence rule */
  constructor(
    private readonly limit: KeyLimit,
    store: StateStore,
    ruleAfter: (rule: string) => After | undefined,
    log: Logger,
  ) {
    this.state = store.namespace('sequence', (id) => {
      const b = this.before.get(id);
      return b && { rule: b.rule, times: b.times, total: b.total, first: b.first };
    });
    for (const [id, raw] of this.state.load()) {
      const j = raw as { rule: string; times: number[]; total: number; first: number };
      const after = ruleAfter(j.rule);
      if (!after) {
        this.state.drop(id, j.rule);
        continue;
      }
      if (!id.endsWith(OVERFLOW)) this.limit.hold(j.rule);
      // The rule's count may have been lowered since: the last `count` times are all that is needed.
      this.before.set(id, { rule: j.rule, within: after.within, times: j.times.slice(-after.count), total: j.total, first: j.first });
    }
    this.state.loaded(log);
  }

  /** `completes`: the event matched the rule's `match` (else it matched `after.match`: one of the events before). */
  admit(hit: Hit, key: string, completes: boolean): Hit | undefined {
    const { name, after } = hit.rule.config;
    const { count, within } = after!;
    const since = hit.at - within;
    if (++this.seen % SWEEP_EVERY === 0) this.sweep(hit.at);
    const id = `${name}\u0000${key}`;
    const sharedId = `${name}\u0000${OVERFLOW}`;
    const own = this.current(id, since);
    if (!completes) {
      let target = id;
      if (!own && !this.limit.take(name)) {
        this.limit.overflow(name, hit.count);
        target = sharedId;
      }
      this.count(target, hit, within, count, since);
      return undefined;
    }
    const shared = this.current(sharedId, since);
    const mine = own ? inWindow(own, since) : 0;
    if (own && mine >= count) {
      this.close(id, own);
      return { ...hit, extra: { ...hit.extra, before: own.total, before_first: new Date(own.first).toISOString(), within } };
    }
    // This key's events before may be among the shared ones: it could have reached the threshold.
    const sharedIn = shared ? inWindow(shared, since) : 0;
    if (!shared || sharedIn === 0 || mine + sharedIn < count) return undefined;
    const first = Math.min(shared.first, own?.first ?? Infinity);
    return {
      ...hit,
      extra: {
        ...hit.extra,
        before: (own?.total ?? 0) + shared.total,
        before_shared: shared.total,
        before_first: new Date(first).toISOString(),
        within,
        overflow: 'limits.keys_per_rule',
      },
    };
  }

  /** Stop: the counts are in the store as they are. */
  stop(): void {
    this.state.save();
  }

  /** The entry under `id`, unless all its events before left the window (then it is closed). */
  private current(id: string, since: number): Before | undefined {
    const b = this.before.get(id);
    if (b && b.times[b.times.length - 1]! <= since) {
      this.close(id, b);
      return undefined;
    }
    return b;
  }

  private count(id: string, hit: Hit, within: number, count: number, since: number): void {
    let b = this.current(id, since);
    if (!b) this.before.set(id, (b = { rule: hit.rule.config.name, within, times: [], total: 0, first: hit.at }));
    b.times.push(hit.at);
    if (b.times.length > count) b.times.shift();
    b.total += hit.count;
    this.state.changed(id);
  }

  private close(id: string, b: Before): void {
    this.before.delete(id);
    if (!id.endsWith(OVERFLOW)) this.limit.release(b.rule);
    this.state.changed(id);
  }

  /** Keys that went quiet would otherwise stay in memory (and hold a place under the cap) for ever. */
  private sweep(now: number): void {
    for (const [id, b] of this.before) if (b.times[b.times.length - 1]! <= now - b.within) this.close(id, b);
  }
}

/** How many of the kept times fall in the window (at most the rule's count: only that many are kept). */
function inWindow(b: Before, since: number): number {
  return b.times.filter((t) => t > since).length;
}
