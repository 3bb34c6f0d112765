// Per notifier: what waits in the outbox and for how long, how sends ended, what was folded or dropped and
// why, and whether it is failing; and whether each state store can write.
import type { Registry } from 'prom-client';
import type { NotifierReading, RelayReadings } from './relay-readings.ts';
import { scrapedCounter, scrapedGauge, type Sample } from './scraped.ts';

const OUTCOMES = ['sent', 'retried', 'dead'] as const;

/** `reason` label → the counter it reads: why alerts were folded into one message. */
const FOLDS = { backlog: 'folded', max_queue: 'foldedByCap' } as const;
/** Why alerts were dropped, never to be sent. */
const DROPS = { max_queue_hard: 'dropped', memory_buffer_full: 'lost' } as const;

export function registerNotifierMetrics(registry: Registry, readings: () => RelayReadings): void {
  const each = (value: (n: NotifierReading, now: number) => number) => (): Sample<'notifier'>[] => {
    const r = readings();
    return r.notifiers.map((n) => [{ notifier: n.name }, value(n, r.now)]);
  };
  const seconds = (ms: number) => Math.max(0, ms) / 1000;
  const labelNames = ['notifier'] as const;

  scrapedGauge(registry, {
    name: 'relay_notifier_outbox_depth',
    help: 'Alerts waiting in the outbox for the notifier.',
    labelNames,
    read: each((n) => n.outbox.pending),
  });
  scrapedGauge(registry, {
    name: 'relay_notifier_oldest_waiting_seconds',
    help: 'Age of the oldest alert waiting for the notifier (0 when none waits).',
    labelNames,
    read: each((n, now) => (n.outbox.oldestEnqueuedAt === undefined ? 0 : seconds(now - n.outbox.oldestEnqueuedAt))),
  });
  scrapedCounter(registry, {
    name: 'relay_notifier_sends_total',
    help: 'Delivery outcomes: sent (alerts delivered), retried (failed tries to be tried again), dead (alerts given up on).',
    labelNames: ['notifier', 'outcome'],
    read: () =>
      readings().notifiers.flatMap((n) =>
        OUTCOMES.map((outcome): Sample<'notifier' | 'outcome'> => [{ notifier: n.name, outcome }, n.delivery[outcome]]),
      ),
  });
  const byReason = (reasons: Record<string, 'folded' | 'foldedByCap' | 'dropped' | 'lost'>) => (): Sample<'notifier' | 'reason'>[] =>
    readings().notifiers.flatMap((n) =>
      Object.entries(reasons).map(
        ([reason, counter]): Sample<'notifier' | 'reason'> => [{ notifier: n.name, reason }, n.delivery[counter] ?? 0],
      ),
    );
  scrapedCounter(registry, {
    name: 'relay_notifier_folded_alerts_total',
    help:
      'Alerts folded into one message, by reason: backlog (delivered inside a backlog digest), ' +
      'max_queue (folded per rule past delivery.max_queue).',
    labelNames: ['notifier', 'reason'],
    read: byReason(FOLDS),
  });
  scrapedCounter(registry, {
    name: 'relay_notifier_dropped_alerts_total',
    help:
      'Alerts dropped, never to be sent, by reason: max_queue_hard (its queue was full), ' +
      'memory_buffer_full (the disk and the memory buffer refused them).',
    labelNames: ['notifier', 'reason'],
    read: byReason(DROPS),
  });
  scrapedGauge(registry, {
    name: 'relay_notifier_dead_alerts',
    help: 'Dead alerts kept in the outbox for inspection (relay outbox --dead; the newest 1000 overall).',
    labelNames,
    read: each((n) => n.outbox.dead),
  });
  scrapedGauge(registry, {
    name: 'relay_notifier_failing',
    help: "1 while the notifier's sends keep failing, else 0.",
    labelNames,
    read: each((n) => (n.delivery.failingSince === undefined ? 0 : 1)),
  });
  scrapedGauge(registry, {
    name: 'relay_notifier_concurrency',
    help: 'Sends the notifier may have in flight now: adapted between 1 and its concurrency setting.',
    labelNames,
    read: each((n) => n.delivery.concurrency ?? 1),
  });
  scrapedGauge(registry, {
    name: 'relay_notifier_failing_seconds',
    help: 'How long the notifier has been failing (0 while it delivers).',
    labelNames,
    read: each((n, now) => (n.delivery.failingSince === undefined ? 0 : seconds(now - n.delivery.failingSince))),
  });
  scrapedGauge(registry, {
    name: 'relay_store_writable',
    help: '1 while the state store can write, else 0 (then /readyz answers 503).',
    labelNames: ['store'],
    read: () => readings().stores.map((s) => [{ store: s.name }, s.writable ? 1 : 0]),
  });
}
