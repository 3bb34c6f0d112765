// http.ready_failing_after is no longer read (/readyz does not depend on notifiers): a config that sets it
// still loads, and building the endpoint says to remove it; one without it hears nothing.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { Http } from '../../src/http/http-config.ts';
import { relayEndpoint } from '../../src/http/relay-endpoint.ts';
import type { RelayReadings } from '../../src/metrics/relay-readings.ts';
import { captureLog } from '../helpers/capture-log.ts';

describe('relayEndpoint', () => {
  const build = (config: Record<string, unknown>) => {
    const { log, at } = captureLog('warn');
    const ingest = { accept: () => undefined, enqueue: () => undefined, notifiers: new Map(), clock: systemClock };
    relayEndpoint(Http.parse({ address: '127.0.0.1:0', ...config }), () => ({}) as RelayReadings, log, ingest);
    return at('warn').map((l) => l.msg);
  };

  it('warns that ready_failing_after is no longer read when the config sets it', () => {
    expect(build({ ready_failing_after: '5m' })).toEqual([
      'http.ready_failing_after is no longer read (/readyz does not depend on notifiers): remove it from the config',
    ]);
    expect(build({})).toEqual([]);
  });
});
