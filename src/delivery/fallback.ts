// A notifier's fallback (`notifiers: {NAME: {url, fallback, fallback_after}}`): alerts that went dead on it,
// or waited longer than fallback_after, are copied to the fallback once, with a first line saying where
// they were meant to go and why they came here. A copy is never rerouted again (one hop), so a chain of
// fallbacks cannot bounce an alert around.
import type { NewRows, OutboxRow } from '../outbox/outbox.ts';

export interface FallbackRoute {
  to: string;
  /** ms; unset: only dead alerts are rerouted. */
  after?: number;
}

/** The rows that may still be rerouted: not copies from another notifier themselves. */
export function reroutable(rows: readonly OutboxRow[]): OutboxRow[] {
  return rows.filter((r) => r.reroutedFrom === undefined);
}

export function rerouteCopy(row: OutboxRow, to: string, why: string): NewRows {
  return {
    alert: {
      id: row.alertId, rule: row.rule, notify: [to], title: row.title, key: row.key, createdAt: row.createdAt, count: row.count, type: row.type,
      ...(row.severity === undefined ? {} : { severity: row.severity }),
      body: `(meant for ${row.notifier}; rerouted to ${to}: ${why})\n${row.body}`,
    },
    notifiers: [to],
    alerts: row.alerts,
    ...(row.folded ? { folded: row.folded } : {}),
    reroutedFrom: row.notifier,
  };
}
