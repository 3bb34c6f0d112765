// Syslog over TCP (RFC 6587): one de-framer per connection, each frame parsed into an event that carries
// the peer's `ip:port`.
import { systemClock, type Clock } from '../clock.ts';
import type { TcpListenerConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { Deframer } from './framing.ts';
import { joinHostPort, splitHostPort } from './host-port.ts';
import { Intake } from './intake.ts';
import type { EventSink, Source, SourceStats } from './source.ts';
import { StreamServer, type PeerCheck } from './stream-server.ts';
import { syslogEvent } from './syslog-frame.ts';

export interface TcpSourceOptions {
  acceptPeer?: PeerCheck;
  /** Times frame_timeout and idle_timeout; the system clock unless a test moves time itself. */
  clock?: Clock;
}

export class TcpSource implements Source {
  readonly type = 'tcp';
  readonly #intake: Intake;
  readonly #server: StreamServer;

  constructor(
    private readonly config: TcpListenerConfig,
    sink: EventSink,
    log: Logger,
    opts: TcpSourceOptions = {},
  ) {
    const intake = (this.#intake = new Intake(config.name, sink, log));
    const max = config.max_message_size;
    this.#server = new StreamServer({
      intake,
      clock: opts.clock ?? systemClock,
      maxConnections: config.max_connections,
      maxConnectionsPerPeer: config.max_connections_per_peer,
      frameTimeoutMs: config.frame_timeout,
      idleTimeoutMs: config.idle_timeout,
      acceptPeer: opts.acceptPeer,
      describePeer: (s) => (s.remoteAddress ? joinHostPort(s.remoteAddress, s.remotePort ?? 0) : undefined),
      peerKey: (s) => s.remoteAddress,
      open: (peer) =>
        new Deframer(max, {
          frame: (f) => intake.event(syslogEvent(f, { listener: config.name, peer })),
          oversize: (length) => intake.oversize(peer, length, max),
          badFrame: (code, reason, sample) => intake.badFrame(peer, code, reason, sample),
        }),
    });
  }

  get name(): string {
    return this.config.name;
  }

  stats(): SourceStats {
    return { ...this.#intake.stats };
  }

  start(): Promise<void> {
    const { host, port } = splitHostPort(this.config.address);
    return this.#server.listen({ host, port }, this.config.address);
  }

  stop(): Promise<void> {
    return this.#server.close();
  }

  address(): string {
    const a = this.#server.server.address();
    return a && typeof a === 'object' ? joinHostPort(a.address, a.port) : this.config.address;
  }
}
