// readRelay reads each listener's stats() and lists
// every notifier that has counters or rows in the outbox.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { readRelay, type ObservedListener, type RelayParts } from '../../src/metrics/relay-readings.ts';
import { emptyPipelineStats } from '../../src/pipeline/pipeline.ts';

const parts = (listeners: ObservedListener[]): RelayParts => ({
  clock: new ManualClock(1000),
  config: { lastReloadSuccessful: true, loadedAt: 0 },
  unverifiedSudoLines: () => new Map(),
  unparsedLines: () => new Map(),
  listeners,
  isUp: (l) => l.name !== 'down',
  rules: ['r'],
  pipeline: {
    stats: () => emptyPipelineStats(),
  },
  delivery: { notifierStats: () => new Map([['ops', { sent: 2, retried: 1, dead: 0, folded: 0 }]]) },
  outbox: { waiting: () => new Map([['gone', { pending: 3, oldestEnqueuedAt: 10, dead: 1 }]]) },
  stores: { outbox: { health: () => ({ writable: true }) }, state: { health: () => ({ writable: false, since: 5, error: 'full' }) } },
});

describe('readRelay', () => {
  it("reads each listener's stats() and whether it is up", () => {
    const up = { name: 'tcp', type: 'tcp', address: () => '127.0.0.1:1', stats: () => ({ received: 4, badFrames: 1 }) };
    const asMethod = {
      name: 'down',
      type: 'udp',
      address: () => '127.0.0.1:2',
      drops: 7,
      stats(this: { drops: number }) {
        return { received: 9, kernelDrops: this.drops };
      },
    };
    expect(readRelay(parts([up, asMethod])).listeners).toEqual([
      { name: 'tcp', type: 'tcp', address: '127.0.0.1:1', up: true, stats: { received: 4, badFrames: 1 } },
      { name: 'down', type: 'udp', address: '127.0.0.1:2', up: false, stats: { received: 9, kernelDrops: 7 } },
    ]);
  });

  it("reads every store's health under its name", () => {
    expect(readRelay(parts([])).stores).toEqual([
      { name: 'outbox', writable: true },
      { name: 'state', writable: false, since: 5, error: 'full' },
    ]);
  });

  it('lists configured notifiers and ones that only have rows in the outbox, each with both halves', () => {
    expect(readRelay(parts([])).notifiers).toEqual([
      { name: 'ops', delivery: { sent: 2, retried: 1, dead: 0, folded: 0 }, outbox: { pending: 0, oldestEnqueuedAt: undefined, dead: 0 } },
      { name: 'gone', delivery: { sent: 0, retried: 0, dead: 0, folded: 0 }, outbox: { pending: 3, oldestEnqueuedAt: 10, dead: 1 } },
    ]);
  });
});
