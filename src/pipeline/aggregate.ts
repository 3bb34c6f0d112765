// Grouping with Alertmanager's timing, per rule: hits with the same `group_by` values form a group. A new
// group waits `group_wait` to collect its burst, then goes out as one batch; while the group stays open,
// what arrives goes out together every `group_interval`; a group that had nothing new at its interval
// closes. With both at 0 (the default) every hit goes out at once, alone.
// Open groups live in the state store with their absolute deadlines, so a restart (or a SIGKILL) resumes
// them where they were. A rule holds at most limits.keys_per_rule groups; hits of further groups share
// the rule's one overflow group, which counts them and says so in its digest.
import type { Clock, Timer } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import type { Batch, Hit } from './hit.ts';
import { keyValues } from './key-values.ts';
import { getField, templateView } from './fields.ts';
import type { KeyLimit } from './key-limit.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { batchFromJson, batchToJson, type BatchJson } from './state-json.ts';
import { Stage } from './stage.ts';

/** Distinct keys counted per batch; more are lumped together so a flood cannot grow memory. */
const MAX_KEYS = 1000;
const SAMPLES = 3;
/** The overflow group's id under its rule; no group_by value can contain it. */
const OVERFLOW = '\u0001overflow';

interface Group {
  readonly rule: CompiledRule;
  /** The overflow group holds no place under the cap. */
  readonly overflow: boolean;
  pending: Batch | undefined;
  /** When the timer fires (epoch ms): end of group_wait, then of each group_interval. */
  deadline: number;
  timer: Timer;
}

interface GroupJson {
  rule: string;
  overflow: boolean;
  deadline: number;
  pending?: BatchJson;
}

export class Aggregate extends Stage<Hit, Batch> {
  private readonly groups = new Map<string, Group>();
  private readonly state: StateNamespace;

  constructor(
    private readonly clock: Clock,
    private readonly limit: KeyLimit,
    store: StateStore,
    rules: ReadonlyMap<string, CompiledRule>,
    log: Logger,
  ) {
    super();
    this.state = store.namespace('aggregate', (id) => {
      const g = this.groups.get(id);
      return (
        g && {
          rule: g.rule.config.name,
          overflow: g.overflow,
          deadline: g.deadline,
          ...(g.pending ? { pending: batchToJson(g.pending) } : {}),
        }
      );
    });
    this.restore(rules, log);
  }

  push(hit: Hit): void {
    const { name, group_by, group_wait, group_interval } = hit.rule.config;
    const group = keyValues(group_by, (f) => `${f}=${String(getField(hit.event, f) ?? '')}`);
    if (group_wait === 0 && group_interval === 0) {
      this.next.push(add(undefined, hit, group));
      return;
    }
    let id = `${name}\u0000${group}`;
    let open = this.groups.get(id);
    const overflow = !open && !this.limit.take(name);
    if (overflow) {
      this.limit.overflow(name, hit.count);
      id = `${name}\u0000${OVERFLOW}`;
      open = this.groups.get(id);
    }
    if (open) {
      open.pending = overflow ? addOverflow(open.pending, hit, group, this.limit.max) : add(open.pending, hit, group);
      this.state.changed(id);
      return;
    }
    const pending = overflow ? addOverflow(undefined, hit, group, this.limit.max) : add(undefined, hit, group);
    const created: Group = { rule: hit.rule, overflow, pending, deadline: this.clock.now() + group_wait, timer: { cancel() {} } };
    this.groups.set(id, created);
    this.state.changed(id);
    if (group_wait > 0) this.arm(id, created, group_wait);
    else this.send(id);
  }

  /** Send every open group's batch now (end of a replay). */
  override flush(): void {
    for (const [id, group] of this.groups) {
      this.close(id, group);
      if (group.pending) this.next.push(group.pending);
    }
  }

  /** Stop: open groups stay in the store as they are and resume at their deadlines on the next start. */
  override stop(): void {
    for (const group of this.groups.values()) group.timer.cancel();
    this.state.save();
  }

  private send(id: string): void {
    const group = this.groups.get(id);
    if (!group) return;
    const interval = group.rule.config.group_interval;
    if (!group.pending || interval === 0) {
      this.close(id, group);
      if (group.pending) this.next.push(group.pending);
      return;
    }
    const batch = group.pending;
    group.pending = undefined;
    group.deadline = this.clock.now() + interval;
    this.arm(id, group, interval);
    this.state.changed(id);
    this.next.push(batch);
  }

  /** In its own function so the timer's closure holds the id only, not the hit that opened the group. */
  private arm(id: string, group: Group, ms: number): void {
    group.timer = this.clock.setTimer(ms, () => this.send(id));
  }

  private close(id: string, group: Group): void {
    group.timer.cancel();
    this.groups.delete(id);
    if (!group.overflow) this.limit.release(group.rule.config.name);
    this.state.changed(id);
  }

  /** Groups from the store, in deadline order; one whose deadline passed while relay was down fires at once. */
  private restore(rules: ReadonlyMap<string, CompiledRule>, log: Logger): void {
    const entries = [...this.state.load()] as [string, GroupJson][];
    entries.sort((a, b) => a[1].deadline - b[1].deadline);
    const now = this.clock.now();
    for (const [id, j] of entries) {
      const rule = rules.get(j.rule);
      if (!rule) {
        this.state.drop(id, j.rule);
        continue;
      }
      const group: Group = {
        rule,
        overflow: j.overflow,
        pending: j.pending && batchFromJson(j.pending, rule),
        deadline: j.deadline,
        timer: { cancel() {} },
      };
      if (!group.overflow) this.limit.hold(j.rule);
      this.groups.set(id, group);
      this.arm(id, group, Math.max(0, j.deadline - now));
    }
    this.state.loaded(log);
  }
}

function add(batch: Batch | undefined, hit: Hit, group: string): Batch {
  if (!batch) {
    // The first sample as a literal: an array grown by push reserves room for 17, and a rule may hold
    // thousands of one-hit groups.
    batch = {
      rule: hit.rule,
      group,
      first: hit,
      hits: 0,
      count: 0,
      byKey: new Map(),
      otherKeys: 0,
      samples: [hit.event.message],
      firstAt: hit.at,
      lastAt: hit.at,
      severity: undefined,
    };
  } else if (batch.samples.length < SAMPLES) {
    batch.samples.push(hit.event.message);
  }
  const b = batch;
  b.hits++;
  b.count += hit.count;
  b.lastAt = hit.at;
  if (hit.event.severity !== undefined && (b.severity === undefined || hit.event.severity < b.severity)) b.severity = hit.event.severity;
  const key = hit.rule.config.key ? hit.rule.keyOf(hit.event) : hit.rule.title({ ...templateView(hit.event), ...hit.extra });
  if (b.byKey.has(key) || b.byKey.size < MAX_KEYS) b.byKey.set(key, (b.byKey.get(key) ?? 0) + hit.count);
  else b.otherKeys += hit.count;
  return b;
}

/** The overflow batch: an ordinary batch of no group that also counts the distinct groups it stands for (bounded). */
function addOverflow(batch: Batch | undefined, hit: Hit, group: string, cap: number): Batch {
  const b = add(batch, hit, '');
  b.overflow ??= { groups: new Set(), more: false, cap };
  if (b.overflow.groups.has(group) || b.overflow.groups.size < MAX_KEYS) b.overflow.groups.add(group);
  else b.overflow.more = true;
  return b;
}
