// Per listener: what arrived, what was refused, and whether it listens. A counter is exported for the
// listeners that keep it (connections: stream listeners; kernel drops and allow drops: UDP; handshakes: TLS).
import type { Registry } from 'prom-client';
import type { ListenerReading, ListenerStats, RelayReadings } from './relay-readings.ts';
import { scrapedCounter, scrapedGauge, type Sample } from './scraped.ts';

const COUNTERS: [name: string, stat: keyof ListenerStats, help: string][] = [
  ['relay_listener_frames_received_total', 'received', 'Frames taken in and handed to the rules as events (unparsed ones included).'],
  ['relay_listener_frames_unparsed_total', 'parseErrors', 'Frames that did not parse as syslog/JSON, kept as raw-text events.'],
  ['relay_listener_frames_bad_total', 'badFrames', 'Bytes that formed no frame (bad octet count, invalid line), dropped.'],
  ['relay_listener_frames_oversize_total', 'oversize', 'Frames longer than max_message_size, dropped.'],
  ['relay_listener_connections_accepted_total', 'connectionsAccepted', 'Connections taken (stream listeners).'],
  ['relay_listener_connections_rejected_total', 'rejectedConnections', 'Connections refused (connection limits, peer not allowed).'],
  ['relay_listener_frame_timeouts_total', 'frameTimeouts', 'Connections closed because a frame did not complete within frame_timeout.'],
  ['relay_listener_idle_timeouts_total', 'idleTimeouts', 'Connections closed after idle_timeout without a byte.'],
];

export function registerListenerMetrics(registry: Registry, readings: () => RelayReadings): void {
  const each = (stat: keyof ListenerStats, only: (l: ListenerReading) => boolean = () => true) => (): Sample<'listener'>[] =>
    readings().listeners.flatMap((l) => (only(l) && typeof l.stats[stat] === 'number' ? [[{ listener: l.name }, l.stats[stat]]] : []));
  const labelNames = ['listener'] as const;
  for (const [name, stat, help] of COUNTERS) scrapedCounter(registry, { name, help, labelNames, read: each(stat) });
  scrapedCounter(registry, {
    name: 'relay_listener_udp_kernel_drops_total',
    help: 'Datagrams the kernel dropped before relay read them (receive buffer full).',
    labelNames,
    read: each('kernelDrops', (l) => l.type === 'udp'),
  });
  scrapedCounter(registry, {
    name: 'relay_listener_udp_not_allowed_total',
    help: "Datagrams from addresses outside the listener's allow, dropped.",
    labelNames,
    read: each('droppedNotAllowed', (l) => l.type === 'udp'),
  });
  scrapedCounter(registry, {
    name: 'relay_listener_tls_handshake_failures_total',
    help: 'TLS connections refused in the handshake (not TLS, no or untrusted client certificate, not in allowed_peers, too slow).',
    labelNames,
    read: each('handshakeFailures', (l) => l.type === 'tls'),
  });
  scrapedGauge(registry, { name: 'relay_listener_connections', help: 'Connections open now (stream listeners).', labelNames, read: each('connections', (l) => l.type !== 'udp') });
  scrapedGauge(registry, {
    name: 'relay_listener_up',
    help: '1 while the listener is bound and accepting, else 0.',
    labelNames,
    read: () => readings().listeners.map((l) => [{ listener: l.name }, l.up ? 1 : 0]),
  });
}
