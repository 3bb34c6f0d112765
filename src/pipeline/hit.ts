// What flows between the stages after the router: a Hit (one rule's view of one event) and a Batch (the
// hits an aggregation group collected before it was sent). Alerts (src/alert.ts) come out of render.ts.
import type { RelayEvent } from '../event.ts';
import type { CompiledRule } from './compiled-rule.ts';

export interface Hit {
  readonly rule: CompiledRule;
  readonly event: RelayEvent;
  /** Clock time the router saw it. */
  readonly at: number;
  /** Events it stands for: 1, or the threshold count of a frequency rule. */
  readonly count: number;
  /** More names for templates: `previous`/`value` (change), `within` (frequency). */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface Batch {
  readonly rule: CompiledRule;
  /** `host=web1 app=sshd`: the group_by values, '' without group_by. */
  readonly group: string;
  /** The first hit: its event is the one titles and bodies are rendered from. */
  readonly first: Hit;
  hits: number;
  /** Events in all hits. */
  count: number;
  /** Events per alert key (rule `key:` values, else the rendered title), bounded; the rest in `otherKeys`. */
  readonly byKey: Map<string, number>;
  otherKeys: number;
  readonly samples: string[];
  firstAt: number;
  lastAt: number;
  /** Most severe (lowest) severity seen. */
  severity: number | undefined;
  /** Only on a rule's overflow batch: the hits whose group found no place under limits.keys_per_rule. */
  overflow?: OverflowGroups;
}

export interface OverflowGroups {
  /** The distinct groups it collected, bounded; `more` when there were more than it keeps. */
  readonly groups: Set<string>;
  more: boolean;
  /** limits.keys_per_rule when it was filled. */
  readonly cap: number;
}
