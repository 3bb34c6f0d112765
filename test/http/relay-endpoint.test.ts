// http.ready_failing_after is no longer read (/readyz does not depend on notifiers): a config that sets it
// still loads, and building the endpoint says to remove it; one without it hears nothing.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { relayEndpoint } from '../../src/http/relay-endpoint.ts';
import type { RelayReadings } from '../../src/metrics/relay-readings.ts';
import { captureLog } from '../helpers/capture-log.ts';

type HttpConfig = Parameters<typeof relayEndpoint>[0];

/** The `http:` block's defaults with a port-0 address. */
const DEFAULTS: HttpConfig = {
  address: '127.0.0.1:0',
  tokens: {},
  probes: 'open',
  max_body: 1_048_576,
  max_items: 1000,
  max_depth: 32,
  request_timeout: 30_000,
  rate_limit: { rate: { count: 100, per: 1000 } },
  notify: { default: [], tags: {}, allow_urls: false },
};

describe('relayEndpoint', () => {
  const build = (config: Partial<HttpConfig>) => {
    const { log, at } = captureLog('warn');
    const ingest = { accept: () => undefined, enqueue: () => undefined, notifiers: new Map(), clock: systemClock };
    relayEndpoint({ ...DEFAULTS, ...config }, () => ({}) as RelayReadings, log, ingest);
    return at('warn').map((l) => l.msg);
  };

  it('warns that ready_failing_after is no longer read when the config sets it', () => {
    expect(build({ ready_failing_after: 300_000 })).toEqual([
      'http.ready_failing_after is no longer read (/readyz does not depend on notifiers): remove it from the config',
    ]);
    expect(build({})).toEqual([]);
  });
});
