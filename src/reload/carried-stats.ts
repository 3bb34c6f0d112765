// The pipeline's totals across reloads: each reload builds a new Pipeline whose counters start at zero, so
// the counters of the ones before it are added in — /metrics counters never go backwards, and every event is
// counted once.
import type { PipelineStats } from '../pipeline/pipeline.ts';

export function addStats(a: PipelineStats, b: PipelineStats): PipelineStats {
  const overflowed: Record<string, Record<string, number>> = {};
  for (const stage of new Set([...Object.keys(a.overflowed), ...Object.keys(b.overflowed)])) {
    overflowed[stage] = addCounts(a.overflowed[stage] ?? {}, b.overflowed[stage] ?? {});
  }
  return {
    events: a.events + b.events,
    matched: addCounts(a.matched, b.matched),
    alertsByRule: addCounts(a.alertsByRule, b.alertsByRule),
    unmatched: a.unmatched + b.unmatched,
    prefiltered: a.prefiltered + b.prefiltered,
    silenced: a.silenced + b.silenced,
    repeatsHeld: a.repeatsHeld + b.repeatsHeld,
    throttled: a.throttled + b.throttled,
    throttleBypassed: a.throttleBypassed + b.throttleBypassed,
    overflowed,
    alerts: a.alerts + b.alerts,
  };
}

function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum = { ...a };
  for (const [k, n] of Object.entries(b)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}
