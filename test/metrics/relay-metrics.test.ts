// Families the loopback tests cannot move yet (caps, kernel drops) or that depend on a listener's kind,
// scraped from given readings.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RelayMetrics } from '../../src/metrics/relay-metrics.ts';
import { emptyStats } from '../../src/sources/source.ts';
import type { RelayReadings } from '../../src/metrics/relay-readings.ts';
import { sample } from '../http/prometheus-text.ts';

const readings: RelayReadings = {
  now: 10_000,
  config: { lastReloadSuccessful: true, loadedAt: 0 },
  unverifiedSudoLines: {},
  parseUnknown: { sshd: 3 },
  listeners: [
    {
      name: 'udp',
      type: 'udp',
      address: '127.0.0.1:1',
      up: true,
      stats: { received: 7, kernelDrops: 3, connections: 0, droppedNotAllowed: 5 },
    },
    {
      name: 'tcp',
      type: 'tcp',
      address: '127.0.0.1:2',
      up: false,
      stats: { received: 2, kernelDrops: 0, connections: 4, frameTimeouts: 1 },
    },
    { name: 'tls', type: 'tls', address: '127.0.0.1:3', up: true, stats: { received: 1, connections: 2, handshakeFailures: 6 } },
    {
      name: 'sock',
      type: 'unix',
      address: '/run/relay/in.sock',
      up: true,
      stats: { received: 4, parseErrors: 0, badFrames: 2, connections: 1 },
    },
  ],
  rules: ['auth-failure'],
  pipeline: {
    events: 9,
    matched: {},
    unmatched: 9,
    prefiltered: 0,
    silenced: 0,
    repeatsHeld: 0,
    throttled: 0,
    alertsByRule: {},
    alerts: 0,
    throttleBypassed: 0,
    overflowed: { aggregate: { 'auth-failure': 41_210 }, correlate: { '': 2 } },
  },
  notifiers: [
    { name: 'gone', delivery: { sent: 0, retried: 0, dead: 0, folded: 0 }, outbox: { pending: 3, oldestEnqueuedAt: 4_000, dead: 1 } },
  ],
  stores: [
    { name: 'outbox', writable: true },
    { name: 'state', writable: false, since: 1, error: 'full' },
  ],
};

describe('RelayMetrics', () => {
  let text: string;
  beforeAll(async () => {
    text = await new RelayMetrics(() => readings).scrape();
  });

  it('counts lines of a known program that no parser shape matched, per program', () => {
    expect(sample(text, 'relay_parse_unknown_total', { app: 'sshd' })).toBe(3);
  });

  it('counts overflow per stage and rule', () => {
    expect(sample(text, 'relay_pipeline_overflowed_total', { stage: 'aggregate', rule: 'auth-failure' })).toBe(41_210);
    expect(sample(text, 'relay_pipeline_overflowed_total', { stage: 'correlate', rule: '' })).toBe(2);
  });

  it('exports kernel drops for UDP listeners and open connections for stream listeners only', () => {
    expect(sample(text, 'relay_listener_udp_kernel_drops_total', { listener: 'udp' })).toBe(3);
    expect(sample(text, 'relay_listener_udp_kernel_drops_total', { listener: 'tcp' })).toBeUndefined();
    expect(sample(text, 'relay_listener_connections', { listener: 'tcp' })).toBe(4);
    expect(sample(text, 'relay_listener_connections', { listener: 'udp' })).toBeUndefined();
    expect(sample(text, 'relay_listener_frame_timeouts_total', { listener: 'tcp' })).toBe(1);
    expect(sample(text, 'relay_listener_frame_timeouts_total', { listener: 'udp' })).toBeUndefined();
    expect(sample(text, 'relay_listener_up', { listener: 'tcp' })).toBe(0);
  });

  it('exports no series a listener type cannot move: no connection families for UDP, no unparsed syslog for Unix', async () => {
    // A UDP listener's stats as a Source keeps them: every counter present, most always 0.
    const udp = { ...readings.listeners[0]!, stats: { ...emptyStats(), received: 7 } };
    const scraped = await new RelayMetrics(() => ({ ...readings, listeners: [udp] })).scrape();
    const families = [...new Set([...scraped.matchAll(/^(relay_listener_\w+)\{listener="udp"\}/gm)].map((m) => m[1]))].sort();
    expect(families).toEqual([
      'relay_listener_frames_oversize_total',
      'relay_listener_frames_received_total',
      'relay_listener_frames_unparsed_total',
      'relay_listener_udp_kernel_drops_total',
      'relay_listener_udp_not_allowed_total',
      'relay_listener_up',
    ]);
    expect(sample(text, 'relay_listener_frames_unparsed_total', { listener: 'sock' })).toBeUndefined();
    expect(sample(text, 'relay_listener_frames_bad_total', { listener: 'sock' })).toBe(2);
    expect(sample(text, 'relay_listener_connections', { listener: 'sock' })).toBe(1);
  });

  it("exports relay_build_info: 1, with relay's and Node's versions", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(sample(text, 'relay_build_info', { version, node_version: process.versions.node })).toBe(1);
  });

  it('exports allow drops for UDP listeners and handshake failures for TLS listeners only', () => {
    expect(sample(text, 'relay_listener_udp_not_allowed_total', { listener: 'udp' })).toBe(5);
    expect(sample(text, 'relay_listener_udp_not_allowed_total', { listener: 'tls' })).toBeUndefined();
    expect(sample(text, 'relay_listener_tls_handshake_failures_total', { listener: 'tls' })).toBe(6);
    expect(sample(text, 'relay_listener_tls_handshake_failures_total', { listener: 'tcp' })).toBeUndefined();
    expect(sample(text, 'relay_listener_connections', { listener: 'tls' })).toBe(2);
  });

  it("shows a notifier that only has rows in the outbox, and each store's writability", () => {
    expect(sample(text, 'relay_notifier_outbox_depth', { notifier: 'gone' })).toBe(3);
    expect(sample(text, 'relay_notifier_oldest_waiting_seconds', { notifier: 'gone' })).toBe(6);
    expect(sample(text, 'relay_notifier_dead_alerts', { notifier: 'gone' })).toBe(1);
    expect(sample(text, 'relay_store_writable', { store: 'outbox' })).toBe(1);
    expect(sample(text, 'relay_store_writable', { store: 'state' })).toBe(0);
  });
});
