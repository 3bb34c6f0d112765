// The /readyz verdict from readings, one cause at a time (the loopback tests drive the notifier and the
// store causes through a real App; a listener that goes down has no real trigger yet). A failing notifier,
// however long, is shown and never makes relay unready.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../src/http/readiness.ts';
import type { RelayReadings } from '../../src/metrics/relay-readings.ts';
import { emptyPipelineStats } from '../../src/pipeline/pipeline.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function readings(change: (r: RelayReadings) => void = () => {}): RelayReadings {
  const r: RelayReadings = {
    now: NOW,
    config: { lastReloadSuccessful: true, loadedAt: 0 },
    unverifiedSudoLines: {},
    parseUnknown: {},
    listeners: [{ name: 'tcp', type: 'tcp', address: '127.0.0.1:5514', up: true, stats: {} }],
    rules: [],
    pipeline: emptyPipelineStats(),
    notifiers: [
      { name: 'ops', delivery: { sent: 0, retried: 0, dead: 0, folded: 0 }, outbox: { pending: 0, oldestEnqueuedAt: undefined, dead: 0 } },
    ],
    stores: [{ name: 'outbox', writable: true }],
  };
  change(r);
  return r;
}

describe('readiness', () => {
  it.each<[string, (r: RelayReadings) => void, string[]]>([
    ['everything works', () => {}, []],
    ['a listener is down', (r) => (r.listeners[0]!.up = false), ['listener tcp is not listening on 127.0.0.1:5514']],
    [
      'a store cannot write',
      (r) => (r.stores[0] = { name: 'outbox', writable: false, since: NOW - 1000, error: 'database or disk is full' }),
      ['state store outbox cannot write since 2026-11-23T09:59:59.000Z: database or disk is full'],
    ],
    [
      'a store cannot write and says no more',
      (r) => (r.stores[0] = { name: 'state', writable: false }),
      ['state store state cannot write: unknown error'],
    ],
    ['a notifier has failed for a day', (r) => (r.notifiers[0]!.delivery.failingSince = NOW - DAY), []],
  ])('%s', (_what, change, problems) => {
    const verdict = readiness(readings(change));
    expect(verdict.problems).toEqual(problems);
    expect(verdict.ready).toBe(problems.length === 0);
  });

  it('shows a failing notifier, with since when and how much waits for it', () => {
    const verdict = readiness(
      readings((r) => {
        r.notifiers[0]!.delivery.failingSince = NOW - DAY;
        r.notifiers[0]!.outbox.pending = 7;
      }),
    );
    expect(verdict.notifiers).toEqual([
      { name: 'ops', failing: true, failingSince: '2026-11-22T10:00:00.000Z', failingForSeconds: 86_400, waiting: 7 },
    ]);
  });
});
