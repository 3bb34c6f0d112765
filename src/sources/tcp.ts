// Syslog over TCP (RFC 6587), and over TLS (RFC 5425) when a secure layer is given: one de-framer per
// connection, each frame parsed into an event that carries the peer's `ip:port` (and, over TLS, the
// peer's verified certificate identity). Addresses outside `allow` are refused at accept.
import { systemClock, type Clock } from '../clock.ts';
import { cidrMatch } from '../config/cidr.ts';
import type { TcpListenerConfig, TlsListenerConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { Deframer } from './framing.ts';
import { joinHostPort, splitHostPort } from './host-port.ts';
import { Intake } from './intake.ts';
import type { EventSink, FrameParser, FrameScreen, Source, SourceStats } from './source.ts';
import { StreamServer, type PeerCheck, type SecureLayer } from './stream-server.ts';
import type { FrameOrigin } from './syslog-frame.ts';

export interface TcpSourceOptions {
  acceptPeer?: PeerCheck;
  /** Times frame_timeout and idle_timeout; the system clock unless a test moves time itself. */
  clock?: Clock;
  /** TLS (tls.ts): what each accepted connection goes through before its first byte is read. */
  secure?: SecureLayer;
  /** Asked before each frame is parsed; without it every frame is. */
  screen?: FrameScreen;
  /** What turns a frame into an event; syslogEvent unless a test injects another. */
  parse?: FrameParser;
}

export class TcpSource implements Source {
  readonly type: 'tcp' | 'tls';
  readonly #intake: Intake;
  readonly #server: StreamServer;

  constructor(
    private readonly config: TcpListenerConfig | TlsListenerConfig,
    sink: EventSink,
    log: Logger,
    opts: TcpSourceOptions = {},
  ) {
    this.type = config.type;
    const intake = (this.#intake = new Intake(config.name, sink, log, opts.parse));
    const max = config.max_message_size;
    const screen = opts.screen;
    this.#server = new StreamServer({
      intake,
      clock: opts.clock ?? systemClock,
      maxConnections: config.max_connections,
      maxConnectionsPerPeer: config.max_connections_per_peer,
      frameTimeoutMs: config.frame_timeout,
      idleTimeoutMs: config.idle_timeout,
      acceptPeer: withAllowList(config.allow, opts.acceptPeer),
      describePeer: (s) => (s.remoteAddress ? joinHostPort(s.remoteAddress, s.remotePort ?? 0) : undefined),
      peerKey: (s) => s.remoteAddress,
      secure: opts.secure,
      open: (peer, identity) => {
        // One origin per connection, its receive time set once per chunk read: the frames of one read
        // arrived together, and a Date per frame cost as much as a tenth of parsing it.
        const origin: FrameOrigin = { listener: config.name, peer, peerCert: identity };
        const deframer = new Deframer(max, {
          frame: (f) => {
            if (screen === undefined || screen(f)) intake.frame(f, origin);
            else intake.screenedOut();
          },
          oversize: (length) => intake.oversize(peer, length, max),
          badFrame: (code, reason, sample) => intake.badFrame(peer, code, reason, sample),
        });
        return {
          push(chunk) {
            origin.receivedAt = new Date();
            deframer.push(chunk);
          },
          end: () => deframer.end(),
          get inFrame() {
            return deframer.inFrame;
          },
          get framesBegun() {
            return deframer.framesBegun;
          },
        };
      },
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

/** `allow` is checked first, before any other check sees the connection. */
function withAllowList(allow: readonly string[] | undefined, next: PeerCheck | undefined): PeerCheck | undefined {
  if (allow === undefined) return next;
  const allowed = cidrMatch(allow);
  return (socket) => (socket.remoteAddress !== undefined && allowed(socket.remoteAddress) ? (next?.(socket) ?? true) : false);
}
