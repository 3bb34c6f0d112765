// Per rule and per pipeline stage: what matched, what became alerts, and what a stage held back or muted
// (each of those is said later in a message or counted, never silently dropped).
import type { Registry } from 'prom-client';
import type { RelayReadings } from './relay-readings.ts';
import { scrapedCounter, type Sample } from './scraped.ts';

export function registerPipelineMetrics(registry: Registry, readings: () => RelayReadings): void {
  const total = (name: string, help: string, value: (r: RelayReadings) => number) =>
    scrapedCounter(registry, { name, help, labelNames: [], read: () => [[{}, value(readings())]] });
  const perRule = (name: string, help: string, counts: (r: RelayReadings) => Record<string, number>) =>
    scrapedCounter(registry, {
      name,
      help,
      labelNames: ['rule'],
      read: () => {
        const r = readings();
        const c = counts(r);
        return r.rules.map((rule): Sample<'rule'> => [{ rule }, c[rule] ?? 0]);
      },
    });

  total('relay_pipeline_events_total', 'Events that entered the rules.', (r) => r.pipeline.events);
  total('relay_pipeline_unmatched_events_total', 'Events no rule matched.', (r) => r.pipeline.unmatched);
  total(
    'relay_pipeline_prefiltered_total',
    'Syslog frames the pre-filter showed no rule can match, counted as unmatched events without being parsed.',
    (r) => r.pipeline.prefiltered,
  );
  perRule('relay_rule_matches_total', 'Events the rule matched (before its kind, grouping and limits).', (r) => r.pipeline.matched);
  perRule('relay_rule_alerts_total', 'Alerts of the rule handed to delivery, one per notifier.', (r) => r.pipeline.alertsByRule);
  total('relay_pipeline_alerts_total', 'Alerts handed to delivery, one per notifier.', (r) => r.pipeline.alerts);
  total(
    'relay_pipeline_silenced_events_total',
    'Events muted by a silence (counted per silence in relay silence list).',
    (r) => r.pipeline.silenced,
  );
  total(
    'relay_pipeline_repeats_suppressed_total',
    'Alerts held by repeat_interval, counted into the next message.',
    (r) => r.pipeline.repeatsHeld,
  );
  total(
    'relay_pipeline_throttled_alerts_total',
    'Alerts held by a rule or notifier rate limit, folded into the next message.',
    (r) => r.pipeline.throttled,
  );
  scrapedCounter(registry, {
    name: 'relay_pipeline_overflowed_total',
    help: 'Events a stage handled past its limits: cap (new keys lumped into one overflow group), per stage and rule.',
    labelNames: ['stage', 'rule'],
    read: () =>
      Object.entries(readings().pipeline.overflowed ?? {}).flatMap(([stage, byRule]) =>
        Object.entries(byRule).map(([rule, n]): Sample<'stage' | 'rule'> => [{ stage, rule }, n]),
      ),
  });
}
