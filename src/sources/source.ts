// What every listener is to the rest of relay: something that starts, stops, says where it listens,
// hands each received event to the pipeline and counts what it could not take; and what a reload asks of
// it: new settings applied in place, or — when they need a new socket — a handover to its successor.
import type { ListenerConfig } from '../config/schema.ts';
import type { RelayEvent } from '../event.ts';
import type { FrameOrigin } from './syslog-frame.ts';

export type EventSink = (event: RelayEvent) => void;

/**
 * Asked before a syslog frame is parsed (the pipeline's pre-filter): false when no rule can match it, which
 * the screen counts as an event no rule took; the listener then counts the frame received and drops it unparsed.
 */
export type FrameScreen = (frame: Buffer) => boolean;

/** Turns a syslog frame into an event (syslog-frame.ts); listeners take another only in tests. */
export type FrameParser = (frame: Buffer, origin: FrameOrigin) => RelayEvent;

/**
 * A listener's counters since start, carried over when a reload replaces it (`inherit`). The names are a
 * stable interface: the metrics endpoint exports them and the stop log prints them, so rename none. All
 * are totals except `connections` (open right now).
 */
export interface SourceStats {
  /** Events handed to the pipeline (including ones whose syslog did not parse). */
  received: number;
  /** Frames kept as raw events because they did not parse as syslog. */
  parseErrors: number;
  /** Frames longer than max_message_size, rejected. */
  oversize: number;
  /** Framing errors (bad octet count, invalid JSON line, a connection closed inside a frame, ...). */
  badFrames: number;
  /** Connections taken (stream listeners). */
  connectionsAccepted: number;
  /** Connections refused, for any reason: the sum of the three `rejected…` counters below. */
  rejectedConnections: number;
  /** Refused because `max_connections` were open. */
  rejectedMaxConnections: number;
  /** Refused because this peer (remote address, or uid on a Unix socket) had `max_connections_per_peer` open. */
  rejectedPerPeer: number;
  /** Refused by the peer check (a Unix socket's `allow_uids`, a network listener's `allow`). */
  rejectedNotAllowed: number;
  /** TLS connections whose handshake failed (plain TCP, no or untrusted client certificate, not in allowed_peers, too slow). */
  handshakeFailures: number;
  /** Datagrams from addresses outside the UDP listener's `allow`, dropped. */
  droppedNotAllowed: number;
  /** Connections closed because a frame did not complete within `frame_timeout`. */
  frameTimeouts: number;
  /** Connections closed after `idle_timeout` without a byte. */
  idleTimeouts: number;
  /** Datagrams the kernel dropped on this UDP socket since start (its receive buffer was full). */
  kernelDrops: number;
  /** Connections open right now (stream listeners). */
  connections: number;
}

export interface Source {
  readonly name: string;
  readonly type: string;
  /** Binds; after pause(), binds again (same settings). */
  start(): Promise<void>;
  /** Stops accepting and frees the address; open connections go on (a handover that needs the same address). */
  pause(): Promise<void>;
  /**
   * Stops accepting and ends the connections cleanly (FIN, over TLS close_notify first), reading each until
   * its peer closes (reset when it goes quiet, at most END_GRACE_MS); resolves when all are closed.
   */
  stop(): Promise<void>;
  /**
   * A reload changed this listener's settings (same name): applies them to the running listener and
   * resolves true when they need no new socket; resolves false, changing nothing, when they do (another
   * address or type). Rejects, changing nothing, when what they name does not load (TLS files).
   */
  reconfigure(config: ListenerConfig): Promise<boolean>;
  /** Counts on from the listener this one replaces: stats() adds `previous.stats()`. */
  inherit(previous: Pick<Source, 'stats'>): void;
  /** Where it listens: `host:port` (bound port, also with port 0) or a socket path. */
  address(): string;
  /** A snapshot of the counters; read-only for the caller. */
  stats(): Readonly<SourceStats>;
  /**
   * Called by a reload for a listener whose settings did not change: re-reads what it loads from files (a
   * TLS listener's cert, key, ca) for new connections, without closing its socket or connections; throws,
   * keeping the old, when they do not load. Listeners without such files leave it out.
   */
  reload?(): void;
}

export function emptyStats(): SourceStats {
  return {
    received: 0,
    parseErrors: 0,
    oversize: 0,
    badFrames: 0,
    connectionsAccepted: 0,
    rejectedConnections: 0,
    rejectedMaxConnections: 0,
    rejectedPerPeer: 0,
    rejectedNotAllowed: 0,
    handshakeFailures: 0,
    droppedNotAllowed: 0,
    frameTimeouts: 0,
    idleTimeouts: 0,
    kernelDrops: 0,
    connections: 0,
  };
}
