// Syslog over UDP (RFC 5426): one message per datagram, IPv4 or IPv6 by the configured address. What the
// kernel drops before relay can read it (receive buffer full) is read from /proc every 10 s and at stop,
// counted and reported. Datagrams from outside `allow` are dropped and counted.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { systemClock, type Clock, type Timer } from '../clock.ts';
import { cidrMatch } from '../config/cidr.ts';
import type { UdpListenerConfig } from '../config/schema.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { joinHostPort, splitHostPort } from './host-port.ts';
import { Intake } from './intake.ts';
import type { EventSink, FrameParser, FrameScreen, Source, SourceStats } from './source.ts';
import { readUdpDrops } from './udp-drops.ts';

/** How often the kernel's drop counter is read: often enough to tie a loss to a burst, cheap either way. */
export const KERNEL_DROPS_POLL_MS = 10_000;

export interface UdpSourceOptions {
  /** Times the kernel drop polls; the system clock unless a test moves time itself. */
  clock?: Clock;
  /** Asked before each datagram is parsed; without it every datagram is. */
  screen?: FrameScreen;
  /** What turns a datagram into an event; syslogEvent unless a test injects another. */
  parse?: FrameParser;
}

export class UdpSource implements Source {
  readonly type = 'udp';
  readonly #intake: Intake;
  readonly #clock: Clock;
  readonly #screen: FrameScreen | undefined;
  #socket: dgram.Socket | undefined;
  #poll: Timer | undefined;
  #polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: UdpListenerConfig,
    sink: EventSink,
    log: Logger,
    opts: UdpSourceOptions = {},
  ) {
    this.#intake = new Intake(config.name, sink, log, opts.parse);
    this.#clock = opts.clock ?? systemClock;
    this.#screen = opts.screen;
  }

  get name(): string {
    return this.config.name;
  }

  stats(): SourceStats {
    return { ...this.#intake.stats };
  }

  start(): Promise<void> {
    const { host, port } = splitHostPort(this.config.address);
    const socket = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: this.config.receive_buffer });
    const intake = this.#intake;
    const max = this.config.max_message_size;
    const allowed = this.config.allow === undefined ? undefined : cidrMatch(this.config.allow);
    const screen = this.#screen;
    socket.on('message', (msg, rinfo) => {
      const peer = joinHostPort(rinfo.address, rinfo.port);
      if (allowed && !allowed(rinfo.address)) intake.datagramNotAllowed(peer);
      else if (msg.length > max) intake.oversize(peer, msg.length, max);
      else if (screen !== undefined && !screen(msg)) intake.screenedOut();
      else intake.frame(msg, { listener: this.config.name, peer });
    });
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        socket.close();
        reject(new RelayError(ErrorCodes.LISTEN, `listener ${this.config.name} cannot bind ${this.config.address}: ${err.message}`, { cause: err }));
      };
      socket.once('error', fail);
      socket.bind(port, host, () => {
        socket.off('error', fail);
        socket.on('error', (err) => intake.log.error({ err }, 'listener socket error'));
        this.#socket = socket;
        // The kernel doubles what was asked and caps it at net.core.rmem_max: say what the socket got.
        intake.log.info({ receive_buffer: socket.getRecvBufferSize(), requested: this.config.receive_buffer ?? 'kernel default' }, 'UDP receive buffer');
        this.#schedulePoll();
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    if (!socket) return;
    this.#poll?.cancel();
    this.#poll = undefined;
    await this.#polling;
    await this.#readDrops(socket);
    this.#socket = undefined;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  address(): string {
    if (!this.#socket) return this.config.address;
    const a = this.#socket.address();
    return joinHostPort(a.address, a.port);
  }

  #schedulePoll(): void {
    this.#poll = this.#clock.setTimer(KERNEL_DROPS_POLL_MS, () => {
      const socket = this.#socket;
      if (!socket) return;
      this.#polling = this.#readDrops(socket).then(() => {
        if (this.#socket === socket && this.#poll) this.#schedulePoll();
      });
    });
  }

  /** Never throws: a counter that cannot be read must not stop the listener or its stop(). */
  async #readDrops(socket: dgram.Socket): Promise<void> {
    try {
      const { address, port } = socket.address();
      const drops = await readUdpDrops(address, port);
      if (drops !== undefined && drops > this.#intake.stats.kernelDrops) this.#intake.kernelDrops(drops);
    } catch (err) {
      this.#intake.log.debug({ err }, 'cannot read the kernel drop counter');
    }
  }
}
