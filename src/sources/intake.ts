// What every listener does with what it receives: hand events to the pipeline, count what arrived and
// what was refused, and warn about garbage and abuse (rate-limited per kind, each warning carrying the
// running total) with the listener's name and the peer.
import type { RelayEvent } from '../event.ts';
import { ErrorCodes, type ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import { emptyStats, type EventSink, type FrameParser, type Source, type SourceStats } from './source.ts';
import { syslogEvent, unparsedEvent, type FrameOrigin } from './syslog-frame.ts';
import { WarnLimiter } from './warn-limiter.ts';

/** Why a connection was refused; each has its own counter in SourceStats. */
export type RefusalReason = 'max_connections' | 'per_peer' | 'not_allowed';

const REFUSAL_COUNTER = {
  max_connections: 'rejectedMaxConnections',
  per_peer: 'rejectedPerPeer',
  not_allowed: 'rejectedNotAllowed',
} as const satisfies Record<RefusalReason, keyof SourceStats>;

export class Intake {
  /** This listener's own counts (what the stream server weighs its turn budget by). */
  readonly stats: SourceStats = emptyStats();
  /** The counts of the listener of the same name this one replaced (a reload that needed a new socket). */
  #previous: Pick<Source, 'stats'> | undefined;
  /** Of `stats.received`, the frames the screen turned away unparsed (what the turn budget weighs lightly). */
  screened = 0;
  readonly log: Logger;
  // One limiter per kind, so a flood of one (bad frames) cannot hide the first warning of another (refusals).
  readonly #warnOversize: WarnLimiter;
  readonly #warnBadFrame: WarnLimiter;
  readonly #warnRefused: WarnLimiter;
  readonly #warnFrameTimeout: WarnLimiter;
  readonly #warnKernelDrops: WarnLimiter;
  readonly #warnHandshake: WarnLimiter;
  readonly #warnNotAllowed: WarnLimiter;
  readonly #warnParser: WarnLimiter;

  constructor(
    readonly name: string,
    private readonly sink: EventSink,
    log: Logger,
    private readonly parse: FrameParser = syslogEvent,
  ) {
    this.log = 'listener' in log.bindings() ? log : log.child({ listener: name });
    this.#warnOversize = new WarnLimiter(this.log);
    this.#warnBadFrame = new WarnLimiter(this.log);
    this.#warnRefused = new WarnLimiter(this.log);
    this.#warnFrameTimeout = new WarnLimiter(this.log);
    this.#warnKernelDrops = new WarnLimiter(this.log);
    this.#warnHandshake = new WarnLimiter(this.log);
    this.#warnNotAllowed = new WarnLimiter(this.log);
    this.#warnParser = new WarnLimiter(this.log);
  }

  /** Counts on from `previous`, which may still be counting while its connections close. */
  inherit(previous: Pick<Source, 'stats'>): void {
    this.#previous = previous;
  }

  /** The listener's counters: its own plus those of the listeners it replaced. */
  snapshot(): SourceStats {
    const own = { ...this.stats };
    if (this.#previous === undefined) return own;
    const before = this.#previous.stats();
    for (const key of Object.keys(own) as (keyof SourceStats)[]) own[key] += before[key];
    return own;
  }

  /**
   * A syslog frame, parsed and handed on. The parser never throws by design; if a bug makes it throw, that
   * must not reach the socket's handler (and stop the listener), nor lose the frame: it is kept as raw text
   * with a parseError, counted with the unparsed frames and warned about with its peer.
   */
  frame(frame: Buffer, origin: FrameOrigin): void {
    let ev: RelayEvent;
    try {
      ev = this.parse(frame, origin);
    } catch (err) {
      ev = unparsedEvent(frame, origin, `relay's syslog parser failed on this frame: ${(err as Error)?.message ?? String(err)}`);
      this.#warnParser.warn(
        {
          code: ErrorCodes.FRAME_PARSER,
          peer: origin.peer,
          err,
          sample: frame.subarray(0, 64).toString('utf8'),
          total: this.stats.parseErrors + 1,
        },
        'the syslog parser threw on a frame (a relay bug): kept as raw text',
      );
    }
    this.event(ev);
  }

  event(ev: RelayEvent): void {
    this.stats.received++;
    if (ev.parseError !== undefined) this.stats.parseErrors++;
    try {
      this.sink(ev);
    } catch (err) {
      // A pipeline bug must not take the listener (and every other connection on it) down.
      this.log.error({ err }, 'pipeline threw on an event; event dropped');
    }
  }

  /** A frame the screen turned away: received, never parsed; the pipeline counted it as an event no rule took. */
  screenedOut(): void {
    this.stats.received++;
    this.screened++;
  }

  oversize(peer: string | undefined, length: number | undefined, max: number): void {
    const total = ++this.stats.oversize;
    this.#warnOversize.warn({ code: ErrorCodes.FRAME_OVERSIZE, peer, length, max, total }, 'frame larger than max_message_size dropped');
  }

  badFrame(peer: string | undefined, code: ErrorCode, reason: string, sample?: Buffer): void {
    const total = ++this.stats.badFrames;
    this.#warnBadFrame.warn({ code, peer, reason, sample: sample?.subarray(0, 64).toString('utf8'), total }, `bad frame: ${reason}`);
  }

  accepted(): void {
    this.stats.connectionsAccepted++;
    this.stats.connections++;
  }

  closed(): void {
    this.stats.connections--;
  }

  refused(peer: string | undefined, reason: RefusalReason, detail: string): void {
    this.stats.rejectedConnections++;
    const total = ++this.stats[REFUSAL_COUNTER[reason]];
    this.#warnRefused.warn({ code: ErrorCodes.CONNECTION_REFUSED, peer, reason, total }, `connection refused: ${detail}`);
  }

  /** A TLS connection that never became a verified session; `reason` says why (OpenSSL's words or relay's check). */
  handshakeFailed(peer: string | undefined, reason: string): void {
    const total = ++this.stats.handshakeFailures;
    this.#warnHandshake.warn({ code: ErrorCodes.TLS_HANDSHAKE, peer, reason, total }, `TLS handshake failed: ${reason}`);
  }

  /** A datagram from outside the listener's `allow`. */
  datagramNotAllowed(peer: string): void {
    const total = ++this.stats.droppedNotAllowed;
    this.#warnNotAllowed.warn({ code: ErrorCodes.CONNECTION_REFUSED, peer, total }, 'datagram dropped: sender not in allow');
  }

  frameTimeout(peer: string | undefined, timeoutMs: number): void {
    const total = ++this.stats.frameTimeouts;
    this.#warnFrameTimeout.warn(
      { code: ErrorCodes.FRAME_TIMEOUT, peer, frame_timeout: timeoutMs, total },
      'connection closed: a frame did not complete within frame_timeout',
    );
  }

  /** The kernel's drop counter for this socket, read now; a rise since the last read is reported. */
  kernelDrops(total: number): void {
    const dropped = total - this.stats.kernelDrops;
    this.stats.kernelDrops = total;
    this.#warnKernelDrops.warn(
      { code: ErrorCodes.UDP_KERNEL_DROPS, dropped, total },
      `the kernel dropped ${dropped} datagrams: relay did not read them before the receive buffer filled (raise receive_buffer)`,
    );
  }

  idleTimeout(peer: string | undefined): void {
    this.stats.idleTimeouts++;
    this.log.debug({ peer }, 'idle connection closed');
  }
}
