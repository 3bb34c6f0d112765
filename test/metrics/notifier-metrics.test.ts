// Delivery's folds and drops as an operator scrapes them: counters by notifier and reason, read from a real
// dispatcher and outbox; and alerts for a disabled notifier (its URL empty) counted nowhere, as the shipped
// config.yaml would otherwise count every alert twice.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayLines } from '../../src/commands/replay.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadConfigFile, parseConfig } from '../../src/plan/load-plan.ts';
import { Dispatcher } from '../../src/delivery/dispatcher.ts';
import { RelayMetrics } from '../../src/metrics/relay-metrics.ts';
import { readRelay, type RelayParts, type RelayReadings } from '../../src/metrics/relay-readings.ts';
import { createNotifier } from '../../notifiers/registry.ts';
import { alert, DELIVERY, startDeliveryRig, type DeliveryRig } from '../delivery/fixtures.ts';
import { sample } from '../http/prometheus-text.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { emptyPipelineStats } from '../../src/pipeline/pipeline.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const NO_PIPELINE = emptyPipelineStats();

function scrape(parts: Partial<RelayParts> & Pick<RelayParts, 'delivery' | 'outbox'>): Promise<string> {
  const all = {
    clock: new ManualClock(0),
    config: { lastReloadSuccessful: true, loadedAt: 0 },
    unverifiedSudoLines: () => new Map(),
    unparsedLines: () => new Map(),
    listeners: [],
    isUp: () => true,
    rules: [],
    pipeline: { stats: () => NO_PIPELINE },
    stores: {},
    ...parts,
  };
  const read = (): RelayReadings => readRelay(all);
  return new RelayMetrics(read).scrape();
}

describe('relay_notifier_dropped_alerts_total and relay_notifier_folded_alerts_total', () => {
  let rig: DeliveryRig;
  beforeEach(async () => {
    rig = await startDeliveryRig();
    rig.sink.respond = () => ({ status: 503 });
  });
  afterEach(() => rig.close());

  it('count alerts dropped past max_queue_hard by notifier and reason', async () => {
    const { sink, clock, outbox, logs } = rig;
    const d = new Dispatcher(
      [createNotifier('hook', `${sink.url()}?concurrency=1`)],
      { ...DELIVERY, max_queue: 10, max_queue_hard: 20 },
      outbox,
      clock,
      logs.log,
    );
    d.enqueue(alert(0, { rule: 'r0' }));
    await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });
    // Every alert its own rule: nothing to fold, so the hard limit drops 10 of these.
    for (let i = 1; i < 30; i++) d.enqueue(alert(i, { rule: `r${i}` }));
    await turn();
    const text = await scrape({ delivery: d, outbox });
    expect(sample(text, 'relay_notifier_dropped_alerts_total', { notifier: 'hook', reason: 'max_queue_hard' })).toBe(10);
    expect(sample(text, 'relay_notifier_dropped_alerts_total', { notifier: 'hook', reason: 'memory_buffer_full' })).toBe(0);
    expect(sample(text, 'relay_notifier_folded_alerts_total', { notifier: 'hook', reason: 'max_queue' })).toBe(0);
    await d.drain(0);
  });

  it('count alerts folded by max_queue under reason max_queue, apart from backlog digests', async () => {
    const { sink, clock, outbox, logs } = rig;
    const d = new Dispatcher([createNotifier('hook', sink.url())], { ...DELIVERY, max_queue: 100 }, outbox, clock, logs.log);
    d.enqueue(alert(0, { rule: 'noisy' }));
    await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });
    for (let i = 1; i <= 300; i++) d.enqueue(alert(i, { rule: 'noisy' }));
    await turn();
    expect(d.stats.foldedByCap).toBeGreaterThan(0);
    const text = await scrape({ delivery: d, outbox });
    expect(sample(text, 'relay_notifier_folded_alerts_total', { notifier: 'hook', reason: 'max_queue' })).toBe(d.stats.foldedByCap);
    expect(sample(text, 'relay_notifier_folded_alerts_total', { notifier: 'hook', reason: 'backlog' })).toBe(0);
    expect(sample(text, 'relay_notifier_dropped_alerts_total', { notifier: 'hook', reason: 'max_queue_hard' })).toBe(0);
    await d.drain(0);
  });

  it('read alerts lost to a full disk and memory buffer as reason memory_buffer_full', async () => {
    const text = await scrape({
      delivery: {
        notifierStats: () => new Map([['hook', { sent: 1, retried: 0, dead: 0, folded: 4, dropped: 2, foldedByCap: 3, lost: 5 }]]),
      },
      outbox: { waiting: () => new Map() },
    });
    expect(sample(text, 'relay_notifier_dropped_alerts_total', { notifier: 'hook', reason: 'memory_buffer_full' })).toBe(5);
    expect(sample(text, 'relay_notifier_dropped_alerts_total', { notifier: 'hook', reason: 'max_queue_hard' })).toBe(2);
    expect(sample(text, 'relay_notifier_folded_alerts_total', { notifier: 'hook', reason: 'backlog' })).toBe(4);
    expect(sample(text, 'relay_notifier_folded_alerts_total', { notifier: 'hook', reason: 'max_queue' })).toBe(3);
  });
});

describe('alerts for a disabled notifier', () => {
  it('are neither made nor counted: one alert per enabled notifier in relay_pipeline_alerts_total and relay_rule_alerts_total', async () => {
    const config = parseConfig(
      `notifiers:
  console: console://
  main: ""
rules:
  - name: sshd
    match: { app: sshd }
    notify: [console, main]
    title: "{{message}}"
`,
      'test.yaml',
      {},
    );
    const sent: string[] = [];
    const result = replayLines(['<86>Mar  1 12:00:00 web1 sshd[1]: hello'], config, (s) => sent.push(s.notifier));
    expect(sent).toEqual(['console']);
    const text = await scrape({
      rules: ['sshd'],
      pipeline: { stats: () => result.stats },
      delivery: { notifierStats: () => new Map() },
      outbox: { waiting: () => new Map() },
    });
    expect(sample(text, 'relay_pipeline_alerts_total')).toBe(1);
    expect(sample(text, 'relay_rule_alerts_total', { rule: 'sshd' })).toBe(1);
  });

  it('are not counted by relay replay with the shipped config.yaml, where main has no URL', () => {
    const config = loadConfigFile(join(ROOT, 'config.yaml'), {});
    const line = '<86>Mar  1 12:00:00 web1 sshd[1]: Failed password for root from 203.0.113.9 port 40022 ssh2';
    const result = replayLines(
      Array.from({ length: 20 }, () => line),
      config,
      () => undefined,
    );
    expect(result.stats.alerts).toBeGreaterThan(0);
    expect(result.sent.main).toBeUndefined();
    expect(result.stats.alerts).toBe(result.sent.console);
  });
});
