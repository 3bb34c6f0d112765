// Syslog over TCP (RFC 6587), and over TLS (RFC 5425) when a secure layer is given: one de-framer per
// connection, each frame parsed into an event that carries the peer's `ip:port` (and, over TLS, the
// peer's verified certificate identity). Addresses outside `allow` are refused at accept. A reload's new
// settings apply to the running socket unless the address or type changed.
import { systemClock, type Clock } from '../clock.ts';
import { cidrMatch } from '../config/cidr.ts';
import type { ListenerConfig, TcpListenerConfig, TlsListenerConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { abortOnCloseBuilt } from './abort-on-close/abort-on-close.ts';
import { Deframer } from './framing.ts';
import { joinHostPort, splitHostPort } from './host-port.ts';
import { Intake } from './intake.ts';
import type { EventSink, FrameParser, FrameScreen, Source, SourceStats } from './source.ts';
import { StreamServer, type PeerCheck, type SecureLayer, type StreamLimits } from './stream-server.ts';
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
  /** How long a peer has to close after relay ended its connection (END_GRACE_MS unless a test sets it). */
  endGraceMs?: number;
}

export class TcpSource implements Source {
  readonly type: 'tcp' | 'tls';
  readonly #intake: Intake;
  readonly #server: StreamServer;
  #config: TcpListenerConfig | TlsListenerConfig;
  #allowed: ((address: string) => boolean) | undefined;

  constructor(config: TcpListenerConfig | TlsListenerConfig, sink: EventSink, log: Logger, opts: TcpSourceOptions = {}) {
    this.type = config.type;
    this.#config = config;
    this.#allowed = allowList(config.allow);
    const intake = (this.#intake = new Intake(config.name, sink, log, opts.parse));
    const screen = opts.screen;
    const acceptPeer = opts.acceptPeer;
    this.#server = new StreamServer({
      intake,
      clock: opts.clock ?? systemClock,
      ...streamLimits(config),
      // `allow` is checked first, before any other check sees the connection.
      acceptPeer: (s) => (this.#allows(s.remoteAddress) ? (acceptPeer?.(s) ?? true) : false),
      describePeer: (s) => (s.remoteAddress ? joinHostPort(s.remoteAddress, s.remotePort ?? 0) : undefined),
      peerKey: (s) => s.remoteAddress,
      secure: opts.secure,
      endGraceMs: opts.endGraceMs,
      resetOnEnd: true,
      open: (peer, identity) => {
        // One origin per connection, its receive time set once per chunk read: the frames of one read
        // arrived together, and a Date per frame cost as much as a tenth of parsing it.
        const origin: FrameOrigin = { listener: config.name, peer, peerCert: identity };
        let max = this.#config.max_message_size;
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
          resize(size) {
            max = size;
            deframer.resize(size);
          },
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
    return this.#config.name;
  }

  stats(): SourceStats {
    return this.#intake.snapshot();
  }

  inherit(previous: Pick<Source, 'stats'>): void {
    this.#intake.inherit(previous);
  }

  start(): Promise<void> {
    if (!abortOnCloseBuilt) {
      this.#intake.log.warn(
        "the abort-on-close addon is not built (`npm run install` in relay's package directory): if relay's process is killed, " +
          'a sender may lose the first message it writes after that',
      );
    }
    const { host, port } = splitHostPort(this.#config.address);
    return this.#server.listen({ host, port }, this.#config.address);
  }

  async pause(): Promise<void> {
    this.#server.pause();
  }

  stop(): Promise<void> {
    return this.#server.close();
  }

  /** Everything but the address and the type applies in place: limits and `allow` at the next accept, the rest at once. */
  async reconfigure(config: ListenerConfig): Promise<boolean> {
    if (config.type !== this.type || config.address !== this.#config.address) return false;
    this.apply(config as TcpListenerConfig | TlsListenerConfig);
    return true;
  }

  /** The settings in force. */
  protected get settings(): TcpListenerConfig | TlsListenerConfig {
    return this.#config;
  }

  /** The settings taken over by a reconfigure() that already decided they fit this socket. */
  protected apply(config: TcpListenerConfig | TlsListenerConfig): void {
    this.#config = config;
    this.#allowed = allowList(config.allow);
    this.#server.retune(streamLimits(config));
    for (const reader of this.#server.readers()) reader.resize(config.max_message_size);
  }

  #allows(address: string | undefined): boolean {
    return this.#allowed === undefined || (address !== undefined && this.#allowed(address));
  }

  address(): string {
    const a = this.#server.address();
    return a && typeof a === 'object' ? joinHostPort(a.address, a.port) : this.#config.address;
  }
}

function streamLimits(config: TcpListenerConfig | TlsListenerConfig): StreamLimits {
  return {
    maxConnections: config.max_connections,
    maxConnectionsPerPeer: config.max_connections_per_peer,
    frameTimeoutMs: config.frame_timeout,
    idleTimeoutMs: config.idle_timeout,
  };
}

function allowList(allow: readonly string[] | undefined): ((address: string) => boolean) | undefined {
  return allow === undefined ? undefined : cidrMatch(allow);
}
