// Per listener: what arrived, what was refused, and whether it listens. A family is exported only for the
// listener types that can move it, so no series sits at 0 for ever (a UDP listener has no connections,
// a Unix listener parses no syslog, only TLS has handshakes). The counters go on across a reload that
// replaces the listener (its successor carries them).
import type { Registry } from 'prom-client';
import type { ListenerReading, ListenerStats, RelayReadings } from './relay-readings.ts';
import { scrapedCounter, scrapedGauge, type Sample } from './scraped.ts';

type ListenerType = 'udp' | 'tcp' | 'tls' | 'unix';

const ALL: readonly ListenerType[] = ['udp', 'tcp', 'tls', 'unix'];
/** Listeners that read syslog (and may keep a frame unparsed). */
const SYSLOG: readonly ListenerType[] = ['udp', 'tcp', 'tls'];
/** Listeners with connections and framing. */
const STREAM: readonly ListenerType[] = ['tcp', 'tls', 'unix'];

interface ListenerCounter {
  name: string;
  stat: keyof ListenerStats;
  types: readonly ListenerType[];
  help: string;
}

const COUNTERS: ListenerCounter[] = [
  {
    name: 'relay_listener_frames_received_total',
    stat: 'received',
    types: ALL,
    help: 'Frames taken in and handed to the rules as events (unparsed ones included).',
  },
  {
    name: 'relay_listener_frames_unparsed_total',
    stat: 'parseErrors',
    types: SYSLOG,
    help: 'Frames that did not parse as syslog, kept as raw-text events.',
  },
  {
    name: 'relay_listener_frames_bad_total',
    stat: 'badFrames',
    types: STREAM,
    help: 'Bytes that formed no frame (bad octet count, invalid line), dropped.',
  },
  {
    name: 'relay_listener_frames_oversize_total',
    stat: 'oversize',
    types: ALL,
    help: 'Frames longer than max_message_size, dropped.',
  },
  {
    name: 'relay_listener_connections_accepted_total',
    stat: 'connectionsAccepted',
    types: STREAM,
    help: 'Connections taken.',
  },
  {
    name: 'relay_listener_connections_rejected_total',
    stat: 'rejectedConnections',
    types: STREAM,
    help: 'Connections refused (connection limits, peer not allowed).',
  },
  {
    name: 'relay_listener_frame_timeouts_total',
    stat: 'frameTimeouts',
    types: STREAM,
    help: 'Connections closed because a frame did not complete within frame_timeout.',
  },
  {
    name: 'relay_listener_idle_timeouts_total',
    stat: 'idleTimeouts',
    types: STREAM,
    help: 'Connections closed after idle_timeout without a frame.',
  },
  {
    name: 'relay_listener_udp_kernel_drops_total',
    stat: 'kernelDrops',
    types: ['udp'],
    help: 'Datagrams the kernel dropped before relay read them (receive buffer full).',
  },
  {
    name: 'relay_listener_udp_not_allowed_total',
    stat: 'droppedNotAllowed',
    types: ['udp'],
    help: "Datagrams from addresses outside the listener's allow, dropped.",
  },
  {
    name: 'relay_listener_tls_handshake_failures_total',
    stat: 'handshakeFailures',
    types: ['tls'],
    help: 'TLS connections refused in the handshake (not TLS, no or untrusted client certificate, not in allowed_peers, too slow).',
  },
];

export function registerListenerMetrics(registry: Registry, readings: () => RelayReadings): void {
  const each = (stat: keyof ListenerStats, types: readonly ListenerType[]) => (): Sample<'listener'>[] =>
    readings().listeners.flatMap((l) => {
      const value = l.stats[stat];
      return isOf(l, types) && typeof value === 'number' ? [[{ listener: l.name }, value]] : [];
    });
  const labelNames = ['listener'] as const;
  for (const { name, stat, types, help } of COUNTERS) {
    scrapedCounter(registry, { name, help, labelNames, read: each(stat, types) });
  }
  const connections = each('connections', STREAM);
  scrapedGauge(registry, { name: 'relay_listener_connections', help: 'Connections open now.', labelNames, read: connections });
  scrapedGauge(registry, {
    name: 'relay_tls_certificate_expiry_timestamp_seconds',
    help: "When relay's own certificate on a tls listener expires (notAfter, Unix seconds); relay warns from 14 days before.",
    labelNames,
    read: () => readings().listeners.flatMap((l) => (l.certificate ? [[{ listener: l.name }, l.certificate.expiresAt / 1000]] : [])),
  });
  scrapedGauge(registry, {
    name: 'relay_listener_up',
    help: '1 while the listener is bound and accepting, else 0.',
    labelNames,
    read: () => readings().listeners.map((l) => [{ listener: l.name }, l.up ? 1 : 0]),
  });
}

function isOf(l: ListenerReading, types: readonly ListenerType[]): boolean {
  return (types as readonly string[]).includes(l.type);
}
