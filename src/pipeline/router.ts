// Rules applied to events: each rule whose `match:` takes the event, and whose kind (any, frequency, change,
// sequence) lets it through, makes a Hit for the stages after it.
import type { RelayEvent } from '../event.ts';
import type { RuleConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import { compileMatch, type Predicate } from './match.ts';
import { compileTemplate, type Template } from './template.ts';
import { getField } from './fields.ts';
import { keyValues, type Hit } from './hit.ts';
import type { Frequency } from './frequency.ts';
import type { Change } from './change.ts';
import type { Sequence } from './sequence.ts';

const NO_HITS: readonly Hit[] = Object.freeze([]);

export interface CompiledRule {
  readonly config: RuleConfig;
  readonly matches: Predicate;
  readonly title: Template;
  readonly body: Template;
  /** The rule's `key:` values of an event; '' when the rule has no key. */
  readonly keyOf: (event: RelayEvent) => string;
  /** The rule kind's decision: the hit to pass on, or undefined to hold it (below threshold, no change). */
  readonly trigger: (hit: Hit) => Hit | undefined;
}

/** Where the stateful rule kinds keep their per-key state; without them such rules cannot be compiled. */
export interface RuleKinds {
  readonly frequency: Frequency;
  readonly change: Change;
  readonly sequence: Sequence;
}

export function compileRules(rules: readonly RuleConfig[], kinds: RuleKinds): CompiledRule[] {
  const problems: ConfigProblem[] = [];
  const compiled = rules.map((config, i): CompiledRule => {
    const key = config.key ?? [];
    const keyOf = (event: RelayEvent) => keyValues(key, (f) => getField(event, f));
    const matches = compileMatch(config.match, ['rules', i, 'match'], problems);
    // A sequence rule also sees the events that must come before, to count them.
    const before = config.after ? compileMatch(config.after.match, ['rules', i, 'after', 'match'], problems) : undefined;
    return {
      config,
      matches: before ? (e) => matches(e) || before(e) : matches,
      title: compileTemplate(config.title, ['rules', i, 'title'], problems),
      body: compileTemplate(config.body, ['rules', i, 'body'], problems),
      keyOf,
      trigger: triggerFor(config, keyOf, kinds, matches),
    };
  });
  // Config validation already reported these; reaching here means a caller skipped it.
  if (problems.length > 0) throw new RelayError(ErrorCodes.CONFIG, problems.map((p) => p.message).join('; '));
  return compiled;
}

function triggerFor(config: RuleConfig, keyOf: (event: RelayEvent) => string, kinds: RuleKinds, completes: Predicate): (hit: Hit) => Hit | undefined {
  if (config.kind === 'frequency' && config.threshold) return (hit) => kinds.frequency.admit(hit, keyOf(hit.event));
  if (config.kind === 'change' && config.field) return (hit) => kinds.change.admit(hit, keyOf(hit.event));
  if (config.kind === 'sequence' && config.after) return (hit) => kinds.sequence.admit(hit, keyOf(hit.event), completes(hit.event));
  return (hit) => hit;
}

export class Router {
  readonly rules: CompiledRule[];
  readonly matched = new Map<string, number>();
  unmatched = 0;

  constructor(rules: readonly RuleConfig[], kinds: RuleKinds) {
    this.rules = compileRules(rules, kinds);
  }

  /** An event shown to match no rule without routing it (the pre-filter): counted as unmatched. */
  passed(): void {
    this.unmatched++;
  }

  /**
   * The hits of `event`, all stamped with one reading of `now`. Most events of a flood match no rule: they
   * cost neither the clock reading nor an array.
   */
  route(event: RelayEvent, now: () => number): readonly Hit[] {
    let hits: Hit[] | undefined;
    let at = 0;
    for (const rule of this.rules) {
      if (!rule.matches(event)) continue;
      if (hits === undefined) {
        hits = [];
        at = now();
      }
      this.matched.set(rule.config.name, (this.matched.get(rule.config.name) ?? 0) + 1);
      const hit = rule.trigger({ rule, event, at, count: 1, extra: {} });
      if (hit) hits.push(hit);
      if (!rule.config.continue) break;
    }
    if (hits === undefined) this.unmatched++;
    return hits ?? NO_HITS;
  }
}
