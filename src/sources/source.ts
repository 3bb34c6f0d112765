// What every listener is to the rest of relay: something that starts, stops, says where it listens,
// hands each received event to the pipeline and counts what it could not take.
import type { RelayEvent } from '../event.ts';

export type EventSink = (event: RelayEvent) => void;

export interface SourceStats {
  /** Events handed to the pipeline (including ones whose syslog did not parse). */
  received: number;
  /** Frames kept as raw events because they did not parse as syslog / JSON. */
  parseErrors: number;
  /** Frames longer than max_message_size, rejected. */
  oversize: number;
  /** Framing errors (bad octet count, invalid JSON line, ...). */
  badFrames: number;
  /** Connections refused (limit reached, peer not allowed). */
  rejectedConnections: number;
  /** Connections open right now (stream listeners). */
  connections: number;
}

export interface Source {
  readonly name: string;
  readonly type: string;
  start(): Promise<void>;
  /** Stop accepting, close connections; resolves when the socket is closed. */
  stop(): Promise<void>;
  /** Where it listens: `host:port` (bound port, also with port 0) or a socket path. */
  address(): string;
  /**
   * Called by a reload for a listener whose settings did not change: re-read what it read from files at
   * start (TLS certificates and keys) without closing its socket or connections. Listeners without such
   * files leave it out.
   */
  reload?(): Promise<void>;
  readonly stats: SourceStats;
}

export function emptyStats(): SourceStats {
  return { received: 0, parseErrors: 0, oversize: 0, badFrames: 0, rejectedConnections: 0, connections: 0 };
}
