// Grouping with Alertmanager's timing, per rule: hits with the same `group_by` values form a group. A new
// group waits `group_wait` to collect its burst, then goes out as one batch; while the group stays open,
// what arrives goes out together every `group_interval`; a group that had nothing new at its interval
// closes. With both at 0 (the default) every hit goes out at once, alone.
import type { Clock, Timer } from '../clock.ts';
import { keyValues, type Batch, type Hit } from './hit.ts';
import { getField, templateView } from './fields.ts';

/** Distinct keys counted per batch; more are lumped together so a flood cannot grow memory. */
const MAX_KEYS = 1000;
const SAMPLES = 3;

interface Group {
  pending: Batch | undefined;
  timer: Timer;
}

export class Aggregate {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly clock: Clock, private readonly next: (batch: Batch) => void) {}

  push(hit: Hit): void {
    const { group_by, group_wait, group_interval } = hit.rule.config;
    const group = keyValues(group_by, (f) => `${f}=${String(getField(hit.event, f) ?? '')}`);
    if (group_wait === 0 && group_interval === 0) {
      this.next(add(undefined, hit, group));
      return;
    }
    const id = `${hit.rule.config.name}\u0000${group}`;
    const open = this.groups.get(id);
    if (open) {
      open.pending = add(open.pending, hit, group);
      return;
    }
    const created: Group = { pending: add(undefined, hit, group), timer: { cancel() {} } };
    this.groups.set(id, created);
    if (group_wait > 0) created.timer = this.clock.setTimer(group_wait, () => this.send(id, group_interval));
    else this.send(id, group_interval);
  }

  /** Send every open group's batch now (shutdown, end of a replay). */
  flush(): void {
    for (const [id, group] of this.groups) {
      group.timer.cancel();
      if (group.pending) this.next(group.pending);
      this.groups.delete(id);
    }
  }

  private send(id: string, interval: number): void {
    const group = this.groups.get(id);
    if (!group) return;
    if (!group.pending || interval === 0) {
      this.groups.delete(id);
      if (group.pending) this.next(group.pending);
      return;
    }
    const batch = group.pending;
    group.pending = undefined;
    group.timer = this.clock.setTimer(interval, () => this.send(id, interval));
    this.next(batch);
  }
}

function add(batch: Batch | undefined, hit: Hit, group: string): Batch {
  const b: Batch = batch ?? {
    rule: hit.rule, group, first: hit, hits: 0, count: 0, byKey: new Map(), otherKeys: 0, samples: [],
    firstAt: hit.at, lastAt: hit.at, severity: undefined,
  };
  b.hits++;
  b.count += hit.count;
  b.lastAt = hit.at;
  if (hit.event.severity !== undefined && (b.severity === undefined || hit.event.severity < b.severity)) b.severity = hit.event.severity;
  if (b.samples.length < SAMPLES) b.samples.push(hit.event.message);
  const key = hit.rule.config.key ? hit.rule.keyOf(hit.event) : hit.rule.title({ ...templateView(hit.event), ...hit.extra });
  if (b.byKey.has(key) || b.byKey.size < MAX_KEYS) b.byKey.set(key, (b.byKey.get(key) ?? 0) + hit.count);
  else b.otherKeys += hit.count;
  return b;
}
