// kind: change — alert only when `field`'s value differs from the last value seen for the same key
// (a compliance check going failing → passing). The first value seen per key is the baseline, not a change;
// an event without the field says nothing about the state and is passed over.
// One stage for every change rule: the baselines live in the state store, so a restart does not forget
// them. A rule holds at most limits.keys_per_rule baselines: a new key past that cannot be tracked, and
// its events are counted and said in a warning instead.
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import { getField } from './fields.ts';
import type { Hit } from './hit.ts';
import type { KeyLimit } from './key-limit.ts';

export class Change {
  /** `rule \0 key` → the last value seen. */
  private readonly last = new Map<string, string>();
  private readonly state: StateNamespace;

  constructor(
    private readonly limit: KeyLimit,
    store: StateStore,
    isChangeRule: (rule: string) => boolean,
    log: Logger,
  ) {
    this.state = store.namespace('change', (id) => this.last.get(id));
    for (const [id, value] of this.state.load()) {
      const rule = ruleOf(id);
      if (!isChangeRule(rule)) {
        this.state.drop(id, rule);
        continue;
      }
      this.limit.hold(rule);
      this.last.set(id, value as string);
    }
    this.state.loaded(log);
  }

  admit(hit: Hit, key: string): Hit | undefined {
    const { name, field } = hit.rule.config;
    const raw = getField(hit.event, field!);
    if (raw === undefined || raw === null) return undefined;
    const value = String(raw);
    const id = `${name}\u0000${key}`;
    const previous = this.last.get(id);
    if (previous === undefined && !this.limit.take(name)) {
      this.limit.overflow(name, hit.count);
      return undefined;
    }
    if (previous === value) return undefined;
    this.last.set(id, value);
    this.state.changed(id);
    if (previous === undefined) return undefined;
    return { ...hit, extra: { ...hit.extra, previous, value } };
  }

  /** Stop: the baselines are in the store as they are. */
  stop(): void {
    this.state.save();
  }
}

function ruleOf(id: string): string {
  return id.slice(0, id.indexOf('\u0000'));
}
