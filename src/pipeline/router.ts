// Rules applied to events: each rule whose `match:` takes the event makes a Hit, which the rule's kind lets
// through or holds: `any` passes it, `frequency`, `change` and `sequence` ask the stage that keeps their
// per-key state. Compiled rules are data (compiled-rule.ts); the router dispatches on their kind.
import type { RelayEvent } from '../event.ts';
import type { CompiledRule } from './compiled-rule.ts';
import type { Hit } from './hit.ts';
import type { Frequency } from './frequency.ts';
import type { Change } from './change.ts';
import type { Sequence } from './sequence.ts';
import type { Clock } from '../clock.ts';
import { Stage } from './stage.ts';

/** Where the stateful rule kinds keep their per-key state. */
export interface RuleKinds {
  readonly frequency: Frequency;
  readonly change: Change;
  readonly sequence: Sequence;
}

export class Router extends Stage<RelayEvent, Hit> {
  readonly matched = new Map<string, number>();
  unmatched = 0;

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly kinds: RuleKinds,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** An event shown to match no rule without routing it (the pre-filter): counted as unmatched. */
  passed(): void {
    this.unmatched++;
  }

  /**
   * Every hit of `event`, all stamped with one reading of the clock. Most events of a flood match no rule:
   * they cost no clock reading.
   */
  push(event: RelayEvent): void {
    let at = -1;
    for (const rule of this.rules) {
      if (!rule.matches(event)) continue;
      if (at < 0) at = this.clock.now();
      this.matched.set(rule.config.name, (this.matched.get(rule.config.name) ?? 0) + 1);
      const hit = this.trigger(rule, { rule, event, at, count: 1, extra: {} });
      if (hit) this.next.push(hit);
      if (!rule.config.continue) break;
    }
    if (at < 0) this.unmatched++;
  }

  override stop(): void {
    this.kinds.frequency.stop();
    this.kinds.change.stop();
    this.kinds.sequence.stop();
  }

  /** The rule kind's decision: the hit to pass on, or undefined to hold it (below threshold, no change yet). */
  private trigger(rule: CompiledRule, hit: Hit): Hit | undefined {
    switch (rule.config.kind) {
      case 'frequency':
        return this.kinds.frequency.admit(hit, rule.keyOf(hit.event));
      case 'change':
        return this.kinds.change.admit(hit, rule.keyOf(hit.event));
      case 'sequence':
        return this.kinds.sequence.admit(hit, rule.keyOf(hit.event), rule.completes(hit.event));
      default:
        return hit;
    }
  }
}
