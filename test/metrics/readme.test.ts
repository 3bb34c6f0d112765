// README's metrics table is where operators look names up: every relay_ family /metrics serves is in it,
// and it names none that does not exist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RelayMetrics } from '../../src/metrics/relay-metrics.ts';
import type { RelayReadings } from '../../src/metrics/relay-readings.ts';
import { emptyPipelineStats } from '../../src/pipeline/pipeline.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const readings: RelayReadings = {
  now: 0,
  config: { lastReloadSuccessful: true, loadedAt: 0 },
  unverifiedSudoLines: {},
  parseUnknown: {},
  listeners: [],
  rules: [],
  pipeline: emptyPipelineStats(),
  notifiers: [],
  stores: [],
};

describe('README metrics table', () => {
  it('lists exactly the relay_ families /metrics serves', async () => {
    const text = await new RelayMetrics(() => readings).scrape();
    const served = [...text.matchAll(/^# HELP (relay_\w+) /gm)].map((m) => m[1]).sort();
    const documented = [...readme.matchAll(/^\| `(relay_\w+)` \|/gm)].map((m) => m[1]).sort();
    expect(served.length).toBeGreaterThan(20);
    expect(documented).toEqual(served);
  });
});
